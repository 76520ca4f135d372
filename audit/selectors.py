"""Reads of the audit trail: filtered event querysets and chain status."""

import datetime as dt

from django.db.models import QuerySet

from .actions import AuditAction
from .models import Checkpoint, Event

CHECKPOINT_SUBJECT = "merkle_log"

EXPORT_FIELDS = (
    "id",
    "chain",
    "seq",
    "occurred_at",
    "actor",
    "action",
    "subject_type",
    "subject_id",
    "payload",
    "request_id",
    "client_ip",
    "prev_hash",
    "hash",
)


def events_matching(
    *,
    actor: str | None = None,
    action: str | None = None,
    subject_type: str | None = None,
    subject_id: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> QuerySet[Event]:
    """Events matching every given filter; each filter has an index that ends in `id`."""
    qs = Event.objects.all()
    if actor is not None:
        qs = qs.filter(actor=actor)
    if action:
        qs = qs.filter(action__startswith=action)
        if "." in action:
            # The chain is the action's namespace: the (chain, id) index walks only that chain.
            qs = qs.filter(chain=action.split(".", 1)[0])
    if subject_type is not None:
        qs = qs.filter(subject_type=subject_type)
    if subject_id is not None:
        qs = qs.filter(subject_id=subject_id)
    if since is not None:
        qs = qs.filter(occurred_at__gte=since)
    if until is not None:
        qs = qs.filter(occurred_at__lt=until)
    return qs


def checkpoints() -> dict[tuple[str, str], Checkpoint]:
    return {(c.table, c.chain): c for c in Checkpoint.objects.all()}


def chain_status(heads: list[dict]) -> list[dict]:
    """Each chain's head with its verification checkpoint: ok, broken, or unverified."""
    points = checkpoints()
    result = []
    for head in heads:
        point = points.get((head["table"], head["chain"]))
        status = "unverified" if point is None else ("ok" if point.ok else "broken")
        result.append({**head, "checkpoint": point, "status": status})
    return result


def checkpoints_of(log: str) -> QuerySet[Event]:
    """The checkpoint events of one log (`audit.tree.log_name`), newest first, by the subject index."""
    return Event.objects.filter(
        chain="audit", action=AuditAction.CHECKPOINT_PUBLISHED, subject_type=CHECKPOINT_SUBJECT, subject_id=log
    ).order_by("-id")


def checkpoint_latest(log: str) -> Event | None:
    return checkpoints_of(log).first()


def checkpoint_at(log: str, tree_size: int) -> Event | None:
    return checkpoints_of(log).filter(payload__tree_size=tree_size).first()
