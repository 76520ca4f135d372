"""Who hears about an incident: the on-call at declaration, subscribers at declared / update / resolved.

Called inside the deciding transaction (declare, status update, resolve): the messages are
outbox rows written with the change and sent after commit.
"""

import datetime as dt

from django.utils import timezone

from audit.services import event_record
from incidents.actions import IncidentsAction

from .. import events, messages, outbox
from ..models import Delivery, EscalationLevel, Incident, OnCallShift, Severity, Subscriber


def on_call(day: dt.date, *, backup: bool = False) -> list[outbox.Recipient]:
    """The primaries (or backups) of every shift covering `day`, each once, those with an address."""
    shifts = OnCallShift.objects.filter(starts_on__lte=day, ends_on__gte=day).select_related("primary", "backup")
    people = {(s.backup if backup else s.primary) for s in shifts}
    return [outbox.Recipient(p.email, p) for p in sorted(people, key=lambda p: p.get_username()) if p.email]


def page_on_declare(incident: Incident) -> None:
    """Page (P1, P2: with an acknowledge link, and the escalation clock starts) or notify the on-call now."""
    severity = Severity.objects.get(code=incident.severity)
    level = EscalationLevel.objects.filter(level=1).first()
    recipients = on_call(timezone.localdate(incident.declared_at))
    webhooks = outbox.webhook_targets(level.webhook_url if level else "")
    message = messages.declared(incident, page=severity.pages)
    purpose = Delivery.Purpose.PAGE if severity.pages else Delivery.Purpose.NOTIFY
    outbox.record(incident, purpose, message, recipients=recipients, webhooks=webhooks, acknowledge=severity.pages)
    if severity.pages:
        incident.escalation_level, incident.escalated_at = 1, incident.declared_at
        incident.save(update_fields=["escalation_level", "escalated_at"])
    who = [r.email for r in recipients]
    verb = "Paged" if severity.pages else "Notified"
    text = f"{verb} the on-call: {', '.join(who) or 'nobody is on call'}" + (
        f"; webhooks: {len(webhooks)}" if webhooks else ""
    )
    events.page_event(incident, text, {"step": "on-call", "recipients": who, "webhooks": [u for _, u in webhooks]})
    event_record(
        actor="system:paging",
        action=IncidentsAction.INCIDENT_PAGED,
        subject_type="incidents.incident",
        subject_id=incident.pk,
        payload={"page": severity.pages, "recipients": who, "webhooks": len(webhooks)},
    )
    notify_subscribers(incident, "declared")


def notify_subscribers(incident: Incident, what: str, update: str = "") -> int:
    """E-mail every active subscriber who chose this severity; returns how many."""
    chosen = [s for s in Subscriber.objects.filter(active=True) if incident.severity in s.severities]
    if chosen:
        message = messages.for_subscribers(incident, what, update)
        recipients = [outbox.Recipient(s.email) for s in chosen]
        outbox.record(incident, Delivery.Purpose.SUBSCRIBER, message, recipients=recipients)
    return len(chosen)
