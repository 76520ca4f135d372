from django.apps import AppConfig


class PmsOpsConfig(AppConfig):
    name = "pms_ops"
    verbose_name = "PMS Ops"
