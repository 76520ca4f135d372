"""Escalating unacknowledged incidents (seed 003's path) and reminding P1 commanders (seed 001 cadence).

Called by the beat tasks in `tasks.py` with an incident id; each call re-locks the row
and re-checks, so a duplicate or late run does nothing twice. Mail and webhook go out
after commit.
"""

import datetime as dt
from functools import partial

from django.db import transaction
from django.utils import timezone

from audit.services import event_record
from incidents.actions import IncidentsAction

from .. import events, notify
from ..locks import lock
from ..models import EscalationLevel, Incident, Kind, OnCallShift, RoleName, Severity, Status


def due_level(incident: Incident, severity: Severity, now: dt.datetime) -> int:
    """Level n is due once n response targets passed without acknowledgement."""
    elapsed = now - incident.declared_at
    return int(elapsed / severity.response_target) if severity.response_minutes else 0


def on_call_emails(day: dt.date) -> list[str]:
    shifts = OnCallShift.objects.filter(starts_on__lte=day, ends_on__gte=day).select_related("primary", "backup")
    return sorted({s.primary.email for s in shifts if s.primary.email})


def recipients(level: EscalationLevel, day: dt.date) -> list[str]:
    if level.level == 1:
        return on_call_emails(day)
    return [level.email] if level.email else []


def incident_escalate(*, incident: Incident | int, now: dt.datetime | None = None) -> int | None:
    """Raise an unacknowledged incident one level if its next level is due; return the new level."""
    now = now or timezone.now()
    with transaction.atomic():
        incident = lock(incident)
        if incident.status != Status.DECLARED:
            return None
        level = EscalationLevel.objects.filter(level=incident.escalation_level + 1).first()
        severity = Severity.objects.get(code=incident.severity)
        if level is None or due_level(incident, severity, now) <= incident.escalation_level:
            return None
        to = recipients(level, now.date())
        incident.escalation_level, incident.escalated_at = level.level, now
        incident.version += 1
        incident.save(update_fields=["escalation_level", "escalated_at", "version"])
        events.escalation_event(incident, level.level, level.name, to)
        event_record(
            actor="system:escalation",
            action=IncidentsAction.INCIDENT_ESCALATED,
            subject_type="incidents.incident",
            subject_id=incident.pk,
            payload={"level": level.level, "name": level.name, "recipients": to},
        )
        transaction.on_commit(partial(notify.escalation, incident.pk, level.level, to, level.webhook_url))
    return level.level


def _last_update(incident: Incident) -> dt.datetime:
    """The newest status update a person posted (comms not written by the system), else the declaration."""
    last = (
        incident.events.filter(kind=Kind.COMMS)
        .exclude(author__startswith="system")
        .order_by("-seq")
        .values_list("recorded_at", flat=True)
        .first()
    )
    return max(filter(None, [last, incident.declared_at, incident.update_reminded_at]))


def incident_cadence_remind(*, incident: Incident | int, now: dt.datetime | None = None) -> bool:
    """While a P1 is open, remind its commander when no status update went out within the cadence."""
    now = now or timezone.now()
    with transaction.atomic():
        incident = lock(incident)
        cadence = Severity.objects.get(code=incident.severity).update_cadence_minutes
        if not incident.is_open or not cadence or now - _last_update(incident) < dt.timedelta(minutes=cadence):
            return False
        role = incident.roles.filter(role=RoleName.COMMANDER).select_related("user").first()
        commander = role.user if role else None
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
        email = commander.email if commander else ""
        transaction.on_commit(partial(notify.cadence_reminder, incident.pk, email, cadence))
    return True
