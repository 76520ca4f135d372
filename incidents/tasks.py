"""Beat tasks: escalate unacknowledged incidents, remind P1 commanders. They take no state, only ids."""

from celery import shared_task

from .models import Incident, SeverityCode
from .services import escalation


@shared_task(name="incidents.escalate_unacknowledged")
def escalate_unacknowledged() -> int:
    """One level per run at most, per incident (the service re-checks under a lock)."""
    ids = list(Incident.objects.unacknowledged().values_list("pk", flat=True))
    return sum(1 for pk in ids if escalation.incident_escalate(incident=pk))


@shared_task(name="incidents.remind_status_updates")
def remind_status_updates() -> int:
    ids = list(Incident.objects.open().filter(severity=SeverityCode.P1).values_list("pk", flat=True))
    return sum(1 for pk in ids if escalation.incident_cadence_remind(incident=pk))
