"""Seed data: seed 003's severities and escalation path, and the runbook library of all seeds."""

from django.db import migrations

from incidents.runbook_library import RUNBOOKS

SEVERITIES = [
    ("P1", "Critical: system down, trading halted (all services down, data loss)", 15, 5),
    ("P2", "High: major functionality impaired (trading service down, errors > 5%)", 30, None),
    ("P3", "Medium: minor functionality impaired (dashboard slow, minor errors)", 120, None),
    ("P4", "Low: cosmetic or minor issues (UI glitches, documentation)", 1440, None),
]
LEVELS = [(1, "On-call engineer"), (2, "Team lead"), (3, "Engineering manager"), (4, "CTO")]
CONTENT = ("recognition", "diagnostic_steps", "recovery_actions", "verification", "escalate_if")


def load(apps, schema_editor):
    Severity = apps.get_model("incidents", "Severity")
    EscalationLevel = apps.get_model("incidents", "EscalationLevel")
    Runbook = apps.get_model("incidents", "Runbook")
    RunbookVersion = apps.get_model("incidents", "RunbookVersion")
    for code, description, minutes, cadence in SEVERITIES:
        Severity.objects.create(
            code=code, description=description, response_minutes=minutes, update_cadence_minutes=cadence
        )
    for level, name in LEVELS:
        EscalationLevel.objects.create(level=level, name=name)
    for item in RUNBOOKS:
        runbook = Runbook.objects.create(slug=item["slug"], title=item["title"], source=item["source"])
        RunbookVersion.objects.create(
            runbook=runbook, number=1, created_by="system:migration", **{name: item[name] for name in CONTENT}
        )


class Migration(migrations.Migration):
    dependencies = [("incidents", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
