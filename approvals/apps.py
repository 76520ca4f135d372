from django.apps import AppConfig

from core.roles import ALL_ROLES

from .actions import ApprovalsAction

VIEW = ("approvals.view_approvalrequest", "approvals.view_approvaldecision", "approvals.view_approvalpolicy")
GRANTS = dict.fromkeys(ALL_ROLES, VIEW)


class ApprovalsConfig(AppConfig):
    name = "approvals"
    verbose_name = "Approvals"
    audit_actions = (ApprovalsAction,)
    grants = GRANTS

    def ready(self) -> None:
        from . import notifications  # noqa: F401  (registers its outbox handlers, in workers too)
