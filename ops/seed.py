"""The rows ops needs from its first migration: one alert rule per catalogued probe.

One loader, used by the data migration and by the test harness after a flush. It takes an
app registry (a migration's historical one, or the live one), writes only what is missing
and sets only fields the alert rule has had since 0001, so replaying history on an empty
database still works; changing stored rules needs a migration of its own.
"""

from .catalog import PROBES


def load(apps) -> None:
    AlertRule = apps.get_model("ops", "AlertRule")
    for probe in PROBES.values():
        defaults = {"severity": probe.severity, "runbook": probe.runbook}
        AlertRule.objects.get_or_create(probe=probe.name, defaults=defaults)
