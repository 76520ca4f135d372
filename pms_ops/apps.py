from django.apps import AppConfig


class PmsOpsConfig(AppConfig):
    name = "pms_ops"
    verbose_name = "PMS Ops"

    def ready(self) -> None:
        from django.contrib import admin

        from approvals.models import ApprovalRequest
        from journal import links

        admin.site.site_header = "PMS Ops"
        admin.site.site_title = "PMS Ops"
        admin.site.index_title = "Dashboard"
        # Wiring between apps of one level: journal entries may link to approval requests.
        links.register_kind(
            "approval",
            lambda pk: str(pk).isdigit() and ApprovalRequest.objects.filter(pk=int(pk)).exists(),
            label="approval request",
        )
