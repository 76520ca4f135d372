"""The rows incidents needs from its first migration: seed 003's severities and escalation path,
and the runbook library of all seeds (`runbook_library.py`).

One loader, used by the data migration and by the test harness after a flush. It takes an
app registry (a migration's historical one, or the live one), writes only what is missing
and sets only fields these models have had since 0001, so replaying history on an empty
database still works; changing stored rows needs a migration of its own (a new runbook
text is a new version: `runbook_revise`).
"""

from .runbook_library import RUNBOOKS

SEVERITIES = [
    ("P1", "Critical: system down, trading halted (all services down, data loss)", 15, 5),
    ("P2", "High: major functionality impaired (trading service down, errors > 5%)", 30, None),
    ("P3", "Medium: minor functionality impaired (dashboard slow, minor errors)", 120, None),
    ("P4", "Low: cosmetic or minor issues (UI glitches, documentation)", 1440, None),
]
# Paging (seed 003: a P1 is acknowledged within 5 minutes and paged to on-call, escalated while
# unresolved; seed 001 Runbook 11: users hear every 10 minutes): acknowledge minutes, pages,
# escalate until resolved, stakeholder-update cadence. Set only where the model has the fields.
PAGING = {
    "P1": {"acknowledge_minutes": 5, "pages": True, "escalate_until_resolved": True, "status_update_minutes": 10},
    "P2": {"acknowledge_minutes": 30, "pages": True, "escalate_until_resolved": False, "status_update_minutes": 10},
    "P3": {"acknowledge_minutes": 120, "pages": False, "escalate_until_resolved": False, "status_update_minutes": None},
    "P4": {
        "acknowledge_minutes": 1440,
        "pages": False,
        "escalate_until_resolved": False,
        "status_update_minutes": None,
    },
}
LEVELS = [(1, "On-call engineer"), (2, "Team lead"), (3, "Engineering manager"), (4, "CTO")]
# The version fields the runbook has had since 0001 (what this loader may set).
CONTENT = ("recognition", "diagnostic_steps", "recovery_actions", "verification", "escalate_if")


def load(apps) -> None:
    Severity = apps.get_model("incidents", "Severity")
    EscalationLevel = apps.get_model("incidents", "EscalationLevel")
    has = {field.name for field in Severity._meta.get_fields()}
    for code, description, minutes, cadence in SEVERITIES:
        paging = {name: value for name, value in PAGING[code].items() if name in has}
        Severity.objects.get_or_create(
            code=code,
            defaults={
                "description": description,
                "response_minutes": minutes,
                "update_cadence_minutes": cadence,
                **paging,
            },
        )
    for level, name in LEVELS:
        EscalationLevel.objects.get_or_create(level=level, defaults={"name": name})
    _load_runbooks(apps)


def _load_runbooks(apps) -> None:
    Runbook = apps.get_model("incidents", "Runbook")
    RunbookVersion = apps.get_model("incidents", "RunbookVersion")
    for item in RUNBOOKS:
        runbook, created = Runbook.objects.get_or_create(
            slug=item["slug"], defaults={"title": item["title"], "source": item["source"]}
        )
        if created:
            RunbookVersion.objects.create(
                runbook=runbook, number=1, created_by="system:migration", **{name: item[name] for name in CONTENT}
            )


def load_paging(apps) -> None:
    """Migration 0005: the paging columns of the severities 0002 already wrote."""
    Severity = apps.get_model("incidents", "Severity")
    for code, values in PAGING.items():
        Severity.objects.filter(code=code).update(**values)
