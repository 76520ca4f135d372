from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "approvals"
    verbose_name = "Approvals"

    def ready(self) -> None:
        from audit import registry
        from core import roles

        registry.register(
            {
                "approvals.request.created": "Approval requested",
                "approvals.request.approved": "Approval decision: approve",
                "approvals.request.rejected": "Approval decision: reject",
                "approvals.request.cancelled": "Approval request cancelled by its requester",
                "approvals.request.expired": "Approval request expired",
                "approvals.request.executed": "Approved action executed",
                "approvals.request.failed": "Approved action failed; nothing of it remains",
                "approvals.policy.changed": "Approval policy changed",
            }
        )
        viewing = ("approvals.view_approvalrequest", "approvals.view_approvaldecision", "approvals.view_approvalpolicy")
        for role in roles.ALL_ROLES:
            roles.grant(role, *viewing)
