"""Starring timeline events: the key moments a post-mortem starts from."""

from django.db import transaction
from django.utils import timezone

from audit.services import actor_name, event_record
from core.errors import Conflict, NotFound
from incidents.actions import IncidentsAction

from ..locks import lock
from ..models import EventStar, Incident, Status


def event_star(*, actor, incident: Incident | int, event_id: int, starred: bool = True) -> EventStar:
    """Star (or unstar) one event; the event stays untouched, the star is audited beside it."""
    with transaction.atomic():
        incident = lock(incident)
        event = incident.events.filter(pk=event_id).first()
        if event is None:
            raise NotFound(f"Incident {incident.pk} has no timeline event {event_id}.")
        if incident.status == Status.CLOSED:
            raise Conflict(
                f"Incident {incident.pk} is closed; its timeline is final.", extra={"current": incident.state()}
            )
        star = EventStar.objects.select_for_update().filter(event=event).first()
        if star is not None and star.starred == starred:
            return star
        values = {"starred": starred, "changed_by": actor_name(actor), "changed_at": timezone.now()}
        star, _ = EventStar.objects.update_or_create(event=event, defaults=values)
        event_record(
            actor=actor,
            action=IncidentsAction.EVENT_STARRED if starred else IncidentsAction.EVENT_UNSTARRED,
            subject_type="incidents.incident",
            subject_id=incident.pk,
            payload={"event": event.pk, "seq": event.seq},
        )
    return star
