from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = "Incidents"

    def ready(self) -> None:
        from audit import registry
        from core import roles
        from journal import links

        registry.register(
            {
                "incidents.incident.declared": "Incident declared",
                "incidents.incident.updated": "Incident record fields changed (before/after)",
                "incidents.incident.status_changed": "Incident status changed",
                "incidents.incident.escalated": "Unacknowledged incident escalated one level",
                "incidents.incident.reminded": "P1 commander reminded of the status-update cadence",
                "incidents.role.assigned": "Incident role assigned",
                "incidents.event.added": "Incident timeline event added",
                "incidents.checklist.ticked": "Runbook checklist step ticked",
                "incidents.checklist.unticked": "Runbook checklist step unticked",
                "incidents.postmortem.saved": "Post-mortem saved",
                "incidents.runbook.revised": "Runbook revised (new version)",
                "incidents.config.changed": "Severity target, on-call rota or escalation contact changed",
            }
        )
        links.register_kind("incident", _incident_exists, label="incident")
        for role in (roles.INCIDENT_COMMANDER, roles.OPS):
            roles.grant(
                role,
                *(f"incidents.{verb}_{model}" for verb in ("view", "change") for model in ("severity", "runbook")),
                *(f"incidents.{verb}_{model}" for verb in ("view", "add", "change") for model in ("oncallshift",)),
                "incidents.view_escalationlevel",
                "incidents.change_escalationlevel",
                "incidents.view_incident",
                "incidents.view_timelineevent",
                "incidents.view_runbookversion",
            )
        for role in roles.ALL_ROLES:
            roles.grant(role, "incidents.view_incident", "incidents.view_timelineevent")


def _incident_exists(object_id: str) -> bool:
    from .models import Incident

    return str(object_id).isdigit() and Incident.objects.filter(pk=int(object_id)).exists()
