"""Beat tasks (escalate, remind commanders and owners of overdue follow-ups, nudge, sweep the outbox)
and the one sender. They take only ids; each service re-checks under a lock."""

from celery import shared_task
from django.conf import settings

from . import outbox, selectors
from .models import Incident, Severity, SeverityCode
from .services import escalation, followups


@shared_task(name="incidents.escalate_unacknowledged")
def escalate_unacknowledged() -> int:
    """Every open incident's due escalation step (unacknowledged, or P1 unresolved); one step per run."""
    ids = list(Incident.objects.open().values_list("pk", flat=True))
    return sum(1 for pk in ids if escalation.incident_escalate(incident=pk))


@shared_task(name="incidents.remind_status_updates")
def remind_status_updates() -> int:
    ids = list(Incident.objects.open().filter(severity=SeverityCode.P1).values_list("pk", flat=True))
    return sum(1 for pk in ids if escalation.incident_cadence_remind(incident=pk))


@shared_task(name="incidents.nudge_status_updates")
def nudge_status_updates() -> int:
    """Open incidents whose severity has a stakeholder-update cadence (P1, P2) and none posted in it."""
    paced = Severity.objects.filter(status_update_minutes__isnull=False).values("code")
    ids = list(Incident.objects.open().filter(severity__in=paced).values_list("pk", flat=True))
    return sum(1 for pk in ids if escalation.incident_status_update_nudge(incident=pk))


@shared_task(name="incidents.sweep_deliveries")
def sweep_deliveries() -> int:
    return outbox.sweep()


@shared_task(bind=True, name="incidents.deliver", max_retries=None, ignore_result=True)
def deliver(self, delivery_id: int):
    """Send one outbox row; retry with exponential backoff; after the last try, fail it onto the timeline."""
    error = outbox.attempt(delivery_id)
    if error is None:
        return
    if self.request.retries < settings.INCIDENTS_DELIVERY_RETRIES:
        # Returned, not raised: a worker schedules the retry either way, and in eager mode (tests,
        # CELERY_TASK_EAGER_PROPAGATES) a returned Retry is applied again where a raised one escapes.
        return self.retry(countdown=settings.INCIDENTS_DELIVERY_BACKOFF_SECONDS * 2**self.request.retries, throw=False)
    outbox.fail(delivery_id, error)


@shared_task(name="incidents.remind_overdue_follow_ups")
def remind_overdue_follow_ups() -> int:
    """Each overdue follow-up's owner once a day (the service skips one reminded today)."""
    ids = list(selectors.overdue_follow_ups().values_list("pk", flat=True))
    return sum(1 for pk in ids if followups.follow_up_remind(follow_up_id=pk))
