from django.apps import AppConfig


class PmsOpsConfig(AppConfig):
    name = "pms_ops"
    verbose_name = "PMS Ops"

    def ready(self) -> None:
        from django.contrib import admin

        admin.site.site_header = "PMS Ops"
        admin.site.site_title = "PMS Ops"
        admin.site.index_title = "Dashboard"
