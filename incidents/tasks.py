"""Beat tasks: escalate unacknowledged incidents, remind P1 commanders and owners of overdue follow-ups.

They take no state, only ids; each service re-checks under a lock."""

from celery import shared_task

from . import selectors
from .models import Incident, SeverityCode
from .services import escalation, followups


@shared_task(name="incidents.escalate_unacknowledged")
def escalate_unacknowledged() -> int:
    """One level per run at most, per incident (the service re-checks under a lock)."""
    ids = list(Incident.objects.unacknowledged().values_list("pk", flat=True))
    return sum(1 for pk in ids if escalation.incident_escalate(incident=pk))


@shared_task(name="incidents.remind_status_updates")
def remind_status_updates() -> int:
    ids = list(Incident.objects.open().filter(severity=SeverityCode.P1).values_list("pk", flat=True))
    return sum(1 for pk in ids if escalation.incident_cadence_remind(incident=pk))


@shared_task(name="incidents.remind_overdue_follow_ups")
def remind_overdue_follow_ups() -> int:
    """Each overdue follow-up's owner once a day (the service skips one reminded today)."""
    ids = list(selectors.overdue_follow_ups().values_list("pk", flat=True))
    return sum(1 for pk in ids if followups.follow_up_remind(follow_up_id=pk))
