"""The post-mortem's write path (seed 001 Runbook 11 step 6): saved whole, audited with before/after."""

from django.db import transaction
from django.utils import timezone

from audit.services import actor_name, event_record
from core.errors import Conflict
from incidents.actions import IncidentsAction

from .. import validation
from ..locks import lock
from ..models import Incident, PostMortem, Status

FIELDS = ("root_cause_analysis", "prevention_measures", "communication_review", "action_items")


def postmortem_save(
    *,
    actor,
    incident: Incident | int,
    root_cause_analysis: str = "",
    prevention_measures: str = "",
    communication_review: str = "",
    action_items: list | None = None,
) -> PostMortem:
    """Replace the post-mortem (PUT semantics); frozen once the incident is closed."""
    values = {
        "root_cause_analysis": validation.text(root_cause_analysis, "root_cause_analysis", required=False),
        "prevention_measures": validation.text(prevention_measures, "prevention_measures", required=False),
        "communication_review": validation.text(communication_review, "communication_review", required=False),
        "action_items": validation.action_items(action_items or []),
    }
    with transaction.atomic():
        incident = lock(incident)
        if incident.status == Status.CLOSED:
            raise Conflict(
                f"Incident {incident.pk} is closed; its post-mortem is final.", extra={"current": incident.state()}
            )
        postmortem, _ = PostMortem.objects.select_for_update().get_or_create(incident=incident)
        diff = {
            n: {"before": getattr(postmortem, n), "after": v} for n, v in values.items() if getattr(postmortem, n) != v
        }
        for name, value in values.items():
            setattr(postmortem, name, value)
        postmortem.updated_at, postmortem.updated_by = timezone.now(), actor_name(actor)
        postmortem.save()
        event_record(
            actor=actor,
            action=IncidentsAction.POSTMORTEM_SAVED,
            subject_type="incidents.incident",
            subject_id=incident.pk,
            payload={"changes": diff},
        )
    return postmortem
