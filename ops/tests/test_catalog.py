"""The probe catalog is the one declaration: the checks, the beat schedule and the alert rules follow it."""

from django.conf import settings

from ops import checks
from ops.catalog import PROBES, beat_schedule
from ops.models import AlertRule
from ops.services.alerting import rule_for


def test_every_catalogued_probe_has_a_check_and_a_beat_entry_at_its_interval():
    for name in PROBES:
        assert callable(getattr(checks, name))
        entry = settings.CELERY_BEAT_SCHEDULE[f"ops.probe.{name}"]
        assert (entry["task"], entry["args"]) == ("ops.probe_run", [name])
    assert beat_schedule()["ops.probe.heartbeats"]["schedule"] == 30.0
    assert beat_schedule(every=5)["ops.probe.disk"]["schedule"] == 5.0


def test_the_migrated_rules_are_the_catalogs_defaults(db):
    stored = {rule.probe: (rule.severity, rule.runbook) for rule in AlertRule.objects.all()}
    assert stored == {name: (probe.severity, probe.runbook) for name, probe in PROBES.items()}
    assert stored["database"] == ("P1", "db-unavailable")


def test_without_a_stored_rule_the_catalog_default_applies(db):
    AlertRule.objects.filter(probe="chains").delete()
    assert (rule_for("chains").severity, rule_for("chains").runbook) == ("P1", "data-corrupt")
    assert (rule_for("retired-probe").severity, rule_for("retired-probe").runbook) == ("P3", "")
