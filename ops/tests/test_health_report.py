"""Seed 001 Runbook 3's daily report, produced by beat from the probe history, once a day."""

from audit.models import Event
from ops import tasks
from ops.models import HealthReport


def test_a_healthy_day_passes(record, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    for _ in range(10):
        record("database", "ok", latency_ms=15)
    record("celery", "ok")
    report = HealthReport.objects.get(pk=tasks.health_report.delay().get())
    assert report.passed
    lines = report.text.splitlines()
    assert lines[0].endswith("Daily Health Check")
    assert lines[1:] == [
        "✅ Services: All running",
        "✅ Response Time: 15ms",
        "✅ Error Rate: 0.0%",
        "✅ Cache Hit Rate: n/a (local-memory cache)",
        "✅ Database: Healthy",
        "Status: PASS",
    ]
    assert Event.objects.filter(action="ops.health_report.created").count() == 1


def test_failures_fail_the_report_and_name_the_runbook(record):
    for _ in range(3):
        record("database", "fail", "connection refused", latency_ms=250)
    record("database", "ok", latency_ms=250)
    report = HealthReport.objects.get(pk=tasks.health_report())
    assert not report.passed
    checks = {c["name"]: c for c in report.checks}
    assert checks["Error Rate"] == {"name": "Error Rate", "value": "75.0%", "ok": False, "runbook": "high-error-rate"}
    assert checks["Response Time"]["ok"] is False and checks["Response Time"]["runbook"] == "slow-database"
    assert report.text.endswith("Status: FAIL")


def test_a_second_run_the_same_day_keeps_the_first(record):
    first = tasks.health_report()
    record("database", "ok")
    assert tasks.health_report() == first
    assert HealthReport.objects.count() == 1
