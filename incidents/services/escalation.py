"""Escalation along seed 003's path, and the reminders of seed 001 Runbook 11's cadences.

Paging at declaration is step one (`paging.page_on_declare`). Then, one step per beat run:
not acknowledged within the severity's acknowledge target → the on-call backups, then each
next level of the path; for a severity that escalates until resolved (P1), acknowledged
but unresolved past the response time → the next level again. Each step is a `page`
timeline event, an audit event and outbox messages. Called by the beat tasks with an id;
each call re-locks the row and re-checks, so a duplicate or late run does nothing twice.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from audit.services import event_record
from incidents.actions import IncidentsAction

from .. import events, messages, outbox
from ..locks import lock
from ..models import Delivery, EscalationLevel, Incident, Kind, RoleName, Severity, Status
from .paging import on_call


@dataclass(frozen=True)
class Step:
    """Who the next escalation pages, and why."""

    name: str
    level: int
    backup: bool
    reason: str
    recipients: list[outbox.Recipient]
    webhook_url: str = ""


def _window(incident: Incident, severity: Severity) -> tuple[dt.timedelta, str] | None:
    if incident.status == Status.DECLARED:
        return severity.acknowledge_target, f"not acknowledged within {severity.acknowledge_minutes} min"
    if incident.status in (Status.ACKNOWLEDGED, Status.MITIGATED) and severity.escalate_until_resolved:
        return severity.response_target, f"not resolved within {severity.response_minutes} min"
    return None


def next_step(incident: Incident, severity: Severity, now: dt.datetime) -> Step | None:
    """The step due now, if any: the backups first (unacknowledged only), then the next level."""
    window = _window(incident, severity) if severity.pages else None
    if window is None or now - (incident.escalated_at or incident.declared_at) < window[0]:
        return None
    reason = window[1]
    if incident.status == Status.DECLARED and incident.escalation_level == 1 and not incident.backup_paged_at:
        return Step("the on-call backup", 1, True, reason, on_call(timezone.localdate(now), backup=True))
    level = EscalationLevel.objects.filter(level__gt=incident.escalation_level).order_by("level").first()
    if level is None:
        return None
    if level.level == 1:
        recipients = on_call(timezone.localdate(now))
    else:
        recipients = [outbox.Recipient(level.email)] if level.email else []
    return Step(f"level {level.level} ({level.name})", level.level, False, reason, recipients, level.webhook_url)


def incident_escalate(*, incident: Incident | int, now: dt.datetime | None = None) -> str | None:
    """Take the escalation step that is due, if any; return its name."""
    now = now or timezone.now()
    with transaction.atomic():
        incident = lock(incident)
        step = next_step(incident, Severity.objects.get(code=incident.severity), now)
        if step is None:
            return None
        incident.escalation_level, incident.escalated_at = step.level, now
        if step.backup:
            incident.backup_paged_at = now
        incident.version += 1
        incident.save(update_fields=["escalation_level", "escalated_at", "backup_paged_at", "version"])
        webhooks = outbox.webhook_targets(step.webhook_url)
        outbox.record(
            incident,
            Delivery.Purpose.ESCALATION,
            messages.escalated(incident, step.name, step.reason),
            recipients=step.recipients,
            webhooks=webhooks,
            acknowledge=incident.status == Status.DECLARED,
        )
        who = [r.email for r in step.recipients]
        text = f"Escalated to {step.name}: {step.reason}; paged {', '.join(who) or 'nobody (no address)'}"
        data = {"escalation_level": step.level, "backup": step.backup, "recipients": who}
        events.page_event(incident, text, {**data, "webhooks": [u for _, u in webhooks]})
        event_record(
            actor="system:escalation",
            action=IncidentsAction.INCIDENT_ESCALATED,
            subject_type="incidents.incident",
            subject_id=incident.pk,
            payload={**data, "reason": step.reason},
        )
    return step.name


def _last(incident: Incident, *, kind: str, also: dt.datetime | None) -> dt.datetime:
    """The newest event of `kind` a person wrote, else the declaration (or the last reminder)."""
    last = (
        incident.events.filter(kind=kind)
        .exclude(author__startswith="system")
        .order_by("-seq")
        .values_list("recorded_at", flat=True)
        .first()
    )
    return max(filter(None, [last, incident.declared_at, also]))


def _holder(incident: Incident, *roles: str):
    """The first of `roles` someone holds on this incident, and that person (or None)."""
    for role in roles:
        held = incident.roles.filter(role=role).select_related("user").first()
        if held:
            return held.user
    return None


def incident_cadence_remind(*, incident: Incident | int, now: dt.datetime | None = None) -> bool:
    """While a P1 is open, remind its commander when no team update (comms) went out within the cadence."""
    now = now or timezone.now()
    with transaction.atomic():
        incident = lock(incident)
        cadence = Severity.objects.get(code=incident.severity).update_cadence_minutes
        due = _last(incident, kind=Kind.COMMS, also=incident.update_reminded_at) + dt.timedelta(minutes=cadence or 0)
        if not incident.is_open or not cadence or now < due:
            return False
        commander = _holder(incident, RoleName.COMMANDER)
        incident.update_reminded_at = now
        incident.save(update_fields=["update_reminded_at"])
        events.cadence_reminder_event(incident, commander.get_username() if commander else "", cadence)
        event_record(
            actor="system:cadence",
            action=IncidentsAction.INCIDENT_REMINDED,
            subject_type="incidents.incident",
            subject_id=incident.pk,
            payload={"commander": commander.get_username() if commander else None, "cadence_minutes": cadence},
        )
        recipients = [outbox.Recipient(commander.email, commander)] if commander and commander.email else []
        message = messages.cadence_reminder(incident, cadence)
        outbox.record(incident, Delivery.Purpose.REMINDER, message, recipients=recipients)
    return True


def incident_status_update_nudge(*, incident: Incident | int, now: dt.datetime | None = None) -> bool:
    """An open P1/P2 without a stakeholder status update within its cadence: nudge the communications
    lead (the commander when nobody holds that role) on the timeline and by mail; with nobody in
    either role, the chat webhooks hear it instead."""
    now = now or timezone.now()
    with transaction.atomic():
        incident = lock(incident)
        cadence = Severity.objects.get(code=incident.severity).status_update_minutes
        due = _last(incident, kind=Kind.STATUS_UPDATE, also=incident.status_nudged_at)
        if not incident.is_open or not cadence or now < due + dt.timedelta(minutes=cadence):
            return False
        person = _holder(incident, RoleName.COMMUNICATIONS, RoleName.COMMANDER)
        incident.status_nudged_at = now
        incident.save(update_fields=["status_nudged_at"])
        name = person.get_username() if person else ""
        events.status_update_nudge_event(incident, name, cadence)
        event_record(
            actor="system:status-updates",
            action=IncidentsAction.STATUS_UPDATE_NUDGED,
            subject_type="incidents.incident",
            subject_id=incident.pk,
            payload={"to": name or None, "cadence_minutes": cadence},
        )
        recipients = [outbox.Recipient(person.email, person)] if person and person.email else []
        webhooks = [] if recipients else outbox.webhook_targets()
        message = messages.status_update_nudge(incident, cadence)
        outbox.record(incident, Delivery.Purpose.NUDGE, message, recipients=recipients, webhooks=webhooks)
    return True
