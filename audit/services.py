"""The one audit writer: every service records its events here, inside its own transaction."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core import context
from pms_audit import note

from . import chain, digest, registry, selectors, signing, tree
from .actions import AuditAction
from .canonical import normalize
from .chain import ChainReport
from .models import Checkpoint, Event


def actor_name(actor) -> str:
    """A user's username, or `system:<name>` for the worker, beat, and commands."""
    if actor is None:
        return "system"
    if isinstance(actor, str):
        return actor if actor.startswith("system") else f"system:{actor}"
    return actor.get_username()


def event_record(
    *,
    actor,
    action: str,
    subject_type: str = "",
    subject_id: object = "",
    payload: dict | None = None,
) -> Event:
    """Append one audit event. The chain is the action's namespace (`book`, `journal`, …)."""
    registry.check(action)
    ctx = context.get()
    return chain.append(
        Event,
        chain=action.split(".", 1)[0],
        occurred_at=timezone.now(),
        actor=actor_name(actor),
        action=action,
        subject_type=subject_type,
        subject_id=str(subject_id) if subject_id not in (None, "") else "",
        payload=payload or {},
        request_id=ctx.request_id,
        client_ip=ctx.client_ip,
    )


def chain_heads() -> list[dict]:
    """{"table","chain","head_seq","head_hash"} per chain: what a backup records and a digest publishes."""
    return chain.heads()


def _recheck_checkpoint(model, name: str, point: Checkpoint) -> ChainReport:
    """Verify from the checkpoint row itself: its hash must still be the one verified before."""
    row = model.objects.filter(chain=name, seq=point.seq).values_list("id", "seq", "prev_hash", "hash").first()
    report = ChainReport(table=point.table, chain=name, head_seq=point.seq - 1)
    if row is None or row[3] != point.hash:
        found = row[3] if row else "missing"
        return chain.mark_broken(report, row or (None, point.seq), "hash", point.hash, found)
    return chain.verify_chain(model, name, after=(point.seq - 1, row[2]))


def _checkpoint_advance(point: Checkpoint, report: ChainReport, actor) -> None:
    """Move the checkpoint to the verified head; record a chain's first detected break."""
    newly_broken = point.ok and not report.ok
    if report.ok:
        point.seq, point.hash = report.head_seq, report.head_hash
    point.ok, point.broken, point.verified_at = report.ok, report.broken, timezone.now()
    point.save()
    if newly_broken:
        event_record(
            actor=actor,
            action=AuditAction.CHAIN_BROKEN,
            subject_type="chain",
            subject_id=point.chain,
            payload=report.broken,
        )


def _verify_incremental(model, name: str, actor) -> ChainReport:
    table = model._meta.db_table
    with transaction.atomic():
        Checkpoint.objects.get_or_create(table=table, chain=name, defaults={"verified_at": timezone.now()})
        point = Checkpoint.objects.select_for_update().get(table=table, chain=name)
        report = _recheck_checkpoint(model, name, point) if point.seq else chain.verify_chain(model, name)
        _checkpoint_advance(point, report, actor)
    return report


def chains_verify_incremental(*, actor="system:probes") -> list[ChainReport]:
    """Verify only the rows after each chain's checkpoint (re-hashing the checkpoint row), then advance it.

    Cheap enough to run every minute; full verification (`verify_all`) and digests do not trust checkpoints.
    """
    return [
        _verify_incremental(model, name, actor) for model in chain.chained_models() for name in chain.chains_of(model)
    ]


def digest_publish(*, actor) -> dict:
    """Publish the signed chain heads outside the database: a line in the digest file, and the webhook if set.

    The event is appended after the heads are read, so the audit chain's published head is the
    row before this publication's own event.
    """
    path = digest.digest_file()
    published = digest.sign({"published_at": normalize(timezone.now()), "heads": chain.heads()})
    with transaction.atomic():
        event_record(
            actor=actor,
            action=AuditAction.DIGEST_PUBLISHED,
            subject_type="digest",
            subject_id=path.name,
            payload={
                "file": str(path),
                "heads": published["heads"],
                "key_id": published["key_id"],
                "webhook": bool(settings.DIGEST_WEBHOOK_URL),
            },
        )
        digest.append_line(path, published)
    if settings.DIGEST_WEBHOOK_URL:
        transaction.on_commit(lambda: digest.post_webhook(settings.DIGEST_WEBHOOK_URL, published))
    return published


def _checkpoint_note(log: str, tree_size: int, root: bytes) -> str:
    body = note.Checkpoint(origin=f"{settings.AUDIT_CHECKPOINT_ORIGIN}/{log}", size=tree_size, root=root).body()
    return note.sign(body, settings.AUDIT_CHECKPOINT_KEY_NAME, signing.signing_key())


def checkpoint_publish(*, actor, model, chain_name: str, force: bool = False) -> Event | None:
    """Extend one chain's Merkle tree and sign a C2SP checkpoint of it, recorded as an audit event.

    Nothing is published for an empty tree, nor (unless `force`) for one that did not grow."""
    log = tree.log_name(model, chain_name)
    with transaction.atomic():
        tree_size = tree.tree_extend(model, chain_name)
        last = selectors.checkpoint_latest(log)
        if not tree_size or (last and last.payload["tree_size"] == tree_size and not force):
            return None
        root = tree.root(model._meta.db_table, chain_name, tree_size)
        return event_record(
            actor=actor,
            action=AuditAction.CHECKPOINT_PUBLISHED,
            subject_type=selectors.CHECKPOINT_SUBJECT,
            subject_id=log,
            payload={
                "log": log,
                "tree_size": tree_size,
                "root_hash": root.hex(),
                "key_id": signing.key_id(signing.signing_key().public_key()),
                "note": _checkpoint_note(log, tree_size, root),
            },
        )


def checkpoints_publish(*, actor) -> list[dict]:
    """A checkpoint of every chain whose tree grew since its last one; returns {"log", "tree_size"} of each."""
    published = []
    for model in chain.chained_models():
        for name in chain.chains_of(model):
            event = checkpoint_publish(actor=actor, model=model, chain_name=name)
            if event is not None:
                published.append({"log": event.subject_id, "tree_size": event.payload["tree_size"]})
    return published
