from django.apps import AppConfig

from core.roles import APPROVER, AUDITOR, INCIDENT_COMMANDER, OPS, PM

from .actions import OpsAction

VIEW = ("ops.view_proberesult", "ops.view_tradingchange", "ops.view_healthreport")
# Ops maintains alert rules, heartbeats and the Celery beat schedules.
MAINTAIN = (
    "ops.view_probestate",
    "ops.view_alertgroup",
    *(f"ops.{verb}_{model}" for model in ("alertrule", "heartbeat") for verb in ("view", "add", "change")),
    "ops.view_leadershipchange",
    "django_celery_beat.view_periodictask",
    "django_celery_beat.change_periodictask",
    *(f"django_celery_beat.{verb}_intervalschedule" for verb in ("view", "add", "change")),
    "django_celery_beat.view_crontabschedule",
)
GRANTS = {OPS: (*VIEW, *MAINTAIN), **dict.fromkeys((PM, APPROVER, INCIDENT_COMMANDER, AUDITOR), VIEW)}


class OpsConfig(AppConfig):
    name = "ops"
    verbose_name = "Operations"
    audit_actions = (OpsAction,)
    grants = GRANTS

    def ready(self) -> None:
        from approvals import registry

        from . import schema  # noqa: F401 (registers an OpenAPI extension)
        from .services import TradingResume

        registry.register(TradingResume)
