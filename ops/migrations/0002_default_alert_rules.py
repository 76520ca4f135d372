"""Seed 000's alert thresholds for every probe, with the severity and runbook of its incident."""

from django.db import migrations

RULES = {
    "database": ("P1", "db-unavailable"),
    "redis": ("P2", "redis-unavailable"),
    "celery": ("P2", "trading-not-processing"),
    "disk": ("P2", "database-troubleshooting"),
    "backup_freshness": ("P3", "general-restore"),
    "chains": ("P1", "data-corrupt"),
    "data_integrity": ("P1", "data-corrupt"),
    "risk_validation": ("P1", "validation-failed"),
    "heartbeats": ("P2", "pipeline-failure"),
}


def create(apps, schema_editor):
    AlertRule = apps.get_model("ops", "AlertRule")
    for probe, (severity, runbook) in RULES.items():
        AlertRule.objects.get_or_create(
            probe=probe,
            defaults={
                "critical_failures": 2,
                "critical_window_minutes": 60,
                "warning_latency_ms": 500,
                "info_latency_ms": 100,
                "severity": severity,
                "runbook": runbook,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("ops", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
