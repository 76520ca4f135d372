"""The one audit writer: every service records its events here, inside its own transaction."""

from django.utils import timezone

from core import context

from . import chain, registry
from .models import Event


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
