from django.apps import AppConfig

from core.roles import ALL_ROLES, INCIDENT_COMMANDER, OPS

from .actions import IncidentsAction

VIEW = ("incidents.view_incident", "incidents.view_timelineevent")
# What the people who run incidents maintain: severities, runbooks, the on-call rota and escalation.
RUN = (
    *(f"incidents.{verb}_{model}" for verb in ("view", "change") for model in ("severity", "runbook")),
    *(f"incidents.{verb}_oncallshift" for verb in ("view", "add", "change")),
    "incidents.view_escalationlevel",
    "incidents.change_escalationlevel",
    "incidents.view_runbookversion",
    "incidents.view_delivery",
    *(f"incidents.{verb}_subscriber" for verb in ("view", "add", "change", "delete")),
)
GRANTS = {role: (*VIEW, *RUN) if role in (INCIDENT_COMMANDER, OPS) else VIEW for role in ALL_ROLES}


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = "Incidents"
    audit_actions = (IncidentsAction,)
    grants = GRANTS

    def ready(self) -> None:
        from . import tasks  # noqa: F401  (the outbox rings `incidents.deliver` by name)
