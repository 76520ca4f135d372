"""Follow-up actions (issue 14 "After the incident"): created, done or dropped, their owners reminded.

They outlive the incident: a closed incident still gets follow-ups and their events, since
the work they name usually starts after the war room is over.
"""

import datetime as dt
from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from audit.services import actor_name, event_record
from core.errors import Conflict, Invalid, NotFound
from incidents.actions import IncidentsAction

from .. import events, validation
from ..locks import lock
from ..models import FollowUp, FollowUpStatus, Incident


def _due(value) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise Invalid(f"due_on={value!r} is not a date (YYYY-MM-DD).", fields={"due_on": ["Use YYYY-MM-DD."]}) from exc


def follow_up_create(*, actor, incident: Incident | int, description: str, owner, due_on) -> FollowUp:
    """Record an action someone owns until a due date; it is on the timeline and in the audit trail."""
    description = validation.text(description, "description", limit=500)
    owner = validation.user(owner.get_username() if hasattr(owner, "get_username") else owner, "owner")
    due_on = _due(due_on)
    with transaction.atomic():
        incident = lock(incident)
        follow_up = FollowUp.objects.create(
            incident=incident, description=description, owner=owner, due_on=due_on, created_by=actor_name(actor)
        )
        text = f"Follow-up for {owner.get_username()} by {due_on.isoformat()}: {description}"
        events.follow_up_event(incident, actor, text, follow_up.pk, status=FollowUpStatus.OPEN)
        event_record(
            actor=actor,
            action=IncidentsAction.FOLLOW_UP_CREATED,
            subject_type="incidents.incident",
            subject_id=incident.pk,
            payload={"follow_up": follow_up.pk, "owner": owner.get_username(), "due_on": due_on.isoformat()},
        )
    return follow_up


def follow_up_status_change(*, actor, incident: Incident | int, follow_up_id: int, status: str) -> FollowUp:
    """Done or won't do (or reopened): once a follow-up is settled, saying so twice is a conflict."""
    if status not in FollowUpStatus.values:
        raise Invalid(
            f"Unknown status {status!r}; use one of {', '.join(FollowUpStatus.values)}.",
            fields={"status": ["Unknown status."]},
        )
    with transaction.atomic():
        incident = lock(incident)
        follow_up = FollowUp.objects.select_for_update().filter(incident=incident, pk=follow_up_id).first()
        if follow_up is None:
            raise NotFound(f"Incident {incident.pk} has no follow-up {follow_up_id}.")
        before = follow_up.status
        if before == status:
            raise Conflict(f"Follow-up {follow_up.pk} is already {follow_up.get_status_display().lower()}.")
        follow_up.status = status
        follow_up.closed_at = None if status == FollowUpStatus.OPEN else timezone.now()
        follow_up.save(update_fields=["status", "closed_at"])
        label = FollowUpStatus(status).label
        events.follow_up_event(
            incident, actor, f"Follow-up {label.lower()}: {follow_up.description}", follow_up.pk, status=status
        )
        event_record(
            actor=actor,
            action=IncidentsAction.FOLLOW_UP_STATUS_CHANGED,
            subject_type="incidents.incident",
            subject_id=incident.pk,
            payload={"follow_up": follow_up.pk, "from": before, "to": status},
        )
    return follow_up


def follow_up_remind(*, follow_up_id: int, today: dt.date | None = None) -> bool:
    """Remind the owner of an overdue follow-up, once a day at most: a timeline event and a mail."""
    today = today or timezone.localdate()
    with transaction.atomic():
        follow_up = FollowUp.objects.select_for_update().select_related("owner").filter(pk=follow_up_id).first()
        if follow_up is None or follow_up.status != FollowUpStatus.OPEN or follow_up.due_on >= today:
            return False
        if follow_up.reminded_on == today:
            return False
        incident = lock(follow_up.incident_id)
        follow_up.reminded_on = today
        follow_up.save(update_fields=["reminded_on"])
        owner = follow_up.owner.get_username()
        text = f"Reminder to {owner}: follow-up overdue since {follow_up.due_on.isoformat()}: {follow_up.description}"
        events.follow_up_event(incident, "system:follow-ups", text, follow_up.pk, reminder=True)
        event_record(
            actor="system:follow-ups",
            action=IncidentsAction.FOLLOW_UP_REMINDED,
            subject_type="incidents.incident",
            subject_id=incident.pk,
            payload={"follow_up": follow_up.pk, "owner": owner, "due_on": follow_up.due_on.isoformat()},
        )
        if follow_up.owner.email:
            transaction.on_commit(partial(_mail_reminder, follow_up.pk))
    return True


def _mail_reminder(follow_up_id: int) -> None:
    follow_up = FollowUp.objects.select_related("owner", "incident").get(pk=follow_up_id)
    incident = follow_up.incident
    subject = f"[PMS Ops] Overdue follow-up of incident #{incident.pk}: {follow_up.description[:80]}"
    body = (
        f"{follow_up.description}\nDue {follow_up.due_on.isoformat()}; still open.\n"
        f"Incident #{incident.pk} {incident.title}: {settings.INCIDENTS_SITE_URL}/incidents/{incident.pk}/"
    )
    send_mail(subject, body, None, [follow_up.owner.email])
