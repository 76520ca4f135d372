from django.apps import AppConfig

from core.roles import APPROVER, AUDITOR, INCIDENT_COMMANDER, OPS, PM

from .actions import ReconAction

VIEW = tuple(f"recon.view_{model}" for model in ("statement", "run", "break", "breakevent"))
GRANTS = dict.fromkeys((PM, APPROVER, INCIDENT_COMMANDER, OPS, AUDITOR), VIEW)


class ReconConfig(AppConfig):
    name = "recon"
    verbose_name = "Broker reconciliation"
    audit_actions = (ReconAction,)
    grants = GRANTS

    def ready(self) -> None:
        from approvals import registry

        from .services import BreakExplanation

        registry.register(BreakExplanation)
