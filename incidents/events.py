"""The timeline writers: one small function per event kind (Saleor's `order/events.py`).

Each appends one hash-chained row to the incident's own chain (`incident-<id>`) inside
the caller's transaction. They validate nothing about permissions: the services do.
"""

from datetime import datetime

from django.utils import timezone

from audit import chain
from audit.services import actor_name

from .models import Incident, Kind, TimelineEvent


def _append(incident: Incident, kind: str, text: str, actor, occurred_at: datetime | None, data: dict | None):
    now = timezone.now()
    return chain.append(
        TimelineEvent,
        chain=incident.chain_name,
        incident=incident,
        kind=kind,
        text=text,
        author=actor_name(actor),
        occurred_at=occurred_at or now,
        recorded_at=now,
        data=data or {},
    )


def note_event(incident: Incident, actor, text: str, occurred_at=None, data=None) -> TimelineEvent:
    return _append(incident, Kind.NOTE, text, actor, occurred_at, data)


def action_event(incident: Incident, actor, text: str, occurred_at=None, data=None) -> TimelineEvent:
    return _append(incident, Kind.ACTION, text, actor, occurred_at, data)


def comms_event(incident: Incident, actor, text: str, occurred_at=None, data=None) -> TimelineEvent:
    return _append(incident, Kind.COMMS, text, actor, occurred_at, data)


def probe_event(incident: Incident, actor, text: str, occurred_at=None, data=None) -> TimelineEvent:
    return _append(incident, Kind.PROBE, text, actor, occurred_at, data)


def status_change_event(incident: Incident, actor, before: str, after: str, note: str = "") -> TimelineEvent:
    text = f"Status {before} → {after}" + (f": {note}" if note else "")
    return _append(incident, Kind.STATUS_CHANGE, text, actor, None, {"from": before, "to": after})


def role_change_event(incident: Incident, actor, role: str, before: str | None, after: str) -> TimelineEvent:
    text = f"{role}: {before or 'nobody'} → {after}"
    return _append(incident, Kind.ROLE_CHANGE, text, actor, None, {"role": role, "from": before, "to": after})


def checklist_event(incident: Incident, actor, step: str, position: int, ticked: bool) -> TimelineEvent:
    text = f"{'Ticked' if ticked else 'Unticked'}: {step}"
    return _append(incident, Kind.CHECKLIST, text, actor, None, {"position": position, "ticked": ticked})


def page_event(incident: Incident, text: str, data: dict) -> TimelineEvent:
    """Someone was paged or notified: at declaration, or one step up the escalation path."""
    return _append(incident, Kind.PAGE, text, "system:paging", None, data)


def delivery_failed_event(incident: Incident, delivery, error: str) -> TimelineEvent:
    text = f"Could not deliver the {delivery.get_purpose_display().lower()} to {delivery.target}: {error}"
    data = {
        "delivery": delivery.pk,
        "channel": delivery.channel,
        "target": delivery.target,
        "attempts": delivery.attempts,
    }
    return _append(incident, Kind.DELIVERY_FAILED, text, "system:delivery", None, data)


def status_update_event(incident: Incident, actor, text: str) -> TimelineEvent:
    """What stakeholders are told (the status page and subscribers read these, nothing else)."""
    return _append(incident, Kind.STATUS_UPDATE, text, actor, None, {})


def status_update_nudge_event(incident: Incident, person: str, minutes: int) -> TimelineEvent:
    text = f"Reminder to {person or 'the communications lead'}: no stakeholder status update for {minutes} min"
    return _append(incident, Kind.COMMS, text, "system:status-updates", None, {"nudge": True, "to": person})


def severity_change_event(incident: Incident, actor, before: str, after: str) -> TimelineEvent:
    return _append(
        incident, Kind.SEVERITY_CHANGE, f"Severity {before} → {after}", actor, None, {"from": before, "to": after}
    )


def follow_up_event(incident: Incident, actor, text: str, follow_up_id: int, **data) -> TimelineEvent:
    """A follow-up created, done, dropped or its owner reminded: the incident's history keeps them all."""
    return _append(incident, Kind.FOLLOW_UP, text, actor, None, {"follow_up": follow_up_id, **data})


def cadence_reminder_event(incident: Incident, commander: str, minutes: int) -> TimelineEvent:
    text = f"Reminder to {commander or 'the commander'}: post a status update (every {minutes} min while P1 is open)"
    return _append(incident, Kind.COMMS, text, "system:cadence", None, {"reminder": True, "commander": commander})


# The contract's `incident_event_add(kind=...)` dispatches here for the free-text kinds.
FREE_TEXT = {
    Kind.NOTE: note_event,
    Kind.ACTION: action_event,
    Kind.COMMS: comms_event,
    Kind.PROBE: probe_event,
}


def record_event(incident: Incident, actor, kind: str, text: str, occurred_at=None, data=None) -> TimelineEvent:
    """A structured kind recorded by another app (a backfilled status or checklist fact)."""
    return _append(incident, kind, text, actor, occurred_at, data)
