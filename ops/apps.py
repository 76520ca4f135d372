from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "ops"
    verbose_name = "Operations"

    def ready(self) -> None:
        from approvals import registry as approvals_registry
        from audit import registry as audit_registry
        from book.guards import OPEN_GUARDS
        from core import roles

        from . import guards, schema  # noqa: F401 (schema registers an OpenAPI extension)
        from .services import trading

        audit_registry.register(
            {
                "ops.trading.halted": "Trading halted",
                "ops.trading.resumed": "Trading resumed after approval",
                "ops.heartbeat.saved": "Heartbeat defined or changed",
                "ops.heartbeat.leader_changed": "Leadership of a heartbeat's instances changed",
                "ops.alert_rule.saved": "Alert rule defined or changed",
                "ops.alert.incident_declared": "A CRITICAL probe declared an incident",
                "ops.probe_results.pruned": "Old probe results pruned",
                "ops.health_report.created": "Daily health report produced",
            }
        )
        approvals_registry.register(
            trading.RESUME_ACTION,
            trading.trading_resume_execute,
            validate=trading.trading_resume_validate,
            label="Resume trading",
            describe=trading.trading_resume_describe,
        )
        if guards.refuse_when_halted not in OPEN_GUARDS:
            OPEN_GUARDS.append(guards.refuse_when_halted)
        roles.grant(
            roles.OPS,
            "ops.view_proberesult",
            "ops.view_probestate",
            "ops.view_alertrule",
            "ops.add_alertrule",
            "ops.change_alertrule",
            "ops.view_heartbeat",
            "ops.add_heartbeat",
            "ops.change_heartbeat",
            "ops.view_leadershipchange",
            "ops.view_tradingchange",
            "ops.view_healthreport",
            "django_celery_beat.view_periodictask",
            "django_celery_beat.change_periodictask",
            "django_celery_beat.view_intervalschedule",
            "django_celery_beat.add_intervalschedule",
            "django_celery_beat.change_intervalschedule",
            "django_celery_beat.view_crontabschedule",
        )
        for role in (roles.PM, roles.APPROVER, roles.INCIDENT_COMMANDER, roles.AUDITOR):
            roles.grant(role, "ops.view_proberesult", "ops.view_tradingchange", "ops.view_healthreport")
