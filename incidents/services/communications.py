"""Stakeholder status updates, acknowledging from a page's link, and the subscriber list.

A status update is its own timeline kind (`status_update`): the text stakeholders read
(subscribers by mail, the status page). The acknowledge link in a page needs no login:
the signed token names the delivery, the delivery names who was paged, and the link works
once.
"""

from django.db import transaction
from django.utils import timezone

from audit.services import actor_name, event_record
from core.errors import Conflict, Invalid
from incidents.actions import IncidentsAction

from .. import events, validation
from ..locks import lock
from ..models import Delivery, Incident, SeverityCode, Status, Subscriber, TimelineEvent
from .lifecycle import incident_status_change
from .paging import notify_subscribers


def status_update_post(*, actor, incident: Incident | int, text: str) -> TimelineEvent:
    """Publish what stakeholders should know now; subscribers of the severity are mailed."""
    text = validation.text(text, limit=2000)
    with transaction.atomic():
        incident = lock(incident)
        if incident.status == Status.CLOSED:
            raise Conflict(
                f"Incident {incident.pk} is closed; its updates are final.", extra={"current": incident.state()}
            )
        event = events.status_update_event(incident, actor, text)
        event_record(
            actor=actor,
            action=IncidentsAction.STATUS_UPDATE_POSTED,
            subject_type="incidents.incident",
            subject_id=incident.pk,
            payload={"event": event.pk, "seq": event.seq, "hash": event.hash},
        )
        notify_subscribers(incident, "update", text)
    return event


def page_link_use(*, delivery: Delivery) -> str:
    """Acknowledge the incident as the person paged; the link is spent whatever the outcome.

    Returns `acknowledged`, or `already_acknowledged` when someone was first. A second use of
    the same link is a 409 `link_used`.
    """
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
        if delivery.link_used_at:
            raise Conflict(
                f"This link was already used, at {timezone.localtime(delivery.link_used_at):%Y-%m-%d %H:%M %Z}.",
                code="link_used",
            )
        if not delivery.acknowledge_link:
            raise Invalid("This message carries no acknowledge link.")
        delivery.link_used_at = timezone.now()
        delivery.save(update_fields=["link_used_at"])
        actor = delivery.user or f"system:page-link:{delivery.target}"
        event_record(
            actor=actor,
            action=IncidentsAction.PAGE_LINK_USED,
            subject_type="incidents.incident",
            subject_id=delivery.incident_id,
            payload={"delivery": delivery.pk, "target": delivery.target},
        )
        if lock(delivery.incident_id).status != Status.DECLARED:
            return "already_acknowledged"
        incident_status_change(
            actor=actor, incident=delivery.incident_id, status=Status.ACKNOWLEDGED, note="from the page's link"
        )
    return "acknowledged"


def _severities(value) -> list[str]:
    if not isinstance(value, list) or not value or any(v not in SeverityCode.values for v in value):
        raise Invalid(
            f"severities must be a non-empty list of {', '.join(SeverityCode.values)}.",
            fields={"severities": ["Choose one or more severities."]},
        )
    return sorted(set(value))


def subscriber_save(
    *, actor, email: str, severities: list[str], active: bool = True, subscriber: Subscriber | None = None
) -> Subscriber:
    """Add a subscriber, or change one's address, severities or active flag (audited before/after)."""
    severities = _severities(severities)
    with transaction.atomic():
        if Subscriber.objects.exclude(pk=getattr(subscriber, "pk", None)).filter(email__iexact=email).exists():
            raise Conflict(
                f"{email} is already subscribed.", code="duplicate", fields={"email": ["Already subscribed."]}
            )
        before = (
            {"email": subscriber.email, "severities": subscriber.severities, "active": subscriber.active}
            if subscriber
            else None
        )
        subscriber = subscriber or Subscriber(created_by=actor_name(actor))
        subscriber.email, subscriber.severities, subscriber.active = email, severities, active
        subscriber.save()
        event_record(
            actor=actor,
            action=IncidentsAction.SUBSCRIBER_SAVED,
            subject_type="incidents.subscriber",
            subject_id=subscriber.pk,
            payload={"before": before, "after": {"email": email, "severities": severities, "active": active}},
        )
    return subscriber


def subscriber_remove(*, actor, subscriber: Subscriber) -> None:
    with transaction.atomic():
        event_record(
            actor=actor,
            action=IncidentsAction.SUBSCRIBER_REMOVED,
            subject_type="incidents.subscriber",
            subject_id=subscriber.pk,
            payload={"email": subscriber.email, "severities": subscriber.severities},
        )
        subscriber.delete()
