"""Seed 001 Runbook 3's daily report, produced by beat once a day: services and database from the probes,
response time (p95) and error rate from the API's own requests."""

from collections import Counter

import pytest

from audit.models import Event
from ops import request_stats, tasks
from ops.models import HealthReport


@pytest.fixture
def served(monkeypatch):
    """served(n, ms, status): n requests the API answered, tallied as the middleware does, then flushed."""
    monkeypatch.setattr(request_stats, "_pending", Counter())  # not the requests of earlier tests

    def _served(n: int, ms: float, status: int = 200) -> None:
        for _ in range(n):
            request_stats.observe(ms / 1000, status)
        request_stats.flush()

    return _served


def test_a_healthy_day_passes(record, served, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    for _ in range(10):
        record("database", "ok", latency_ms=15)
    record("celery", "ok")
    served(95, 20)
    served(5, 400)
    report = HealthReport.objects.get(pk=tasks.health_report.delay().get())
    assert report.passed
    lines = report.text.splitlines()
    assert lines[0].endswith("Daily Health Check")
    assert lines[1:] == [
        "✅ Services: All running",
        "✅ Response Time: p95 ≤ 25 ms (100 requests)",
        "✅ Error Rate: 0.00% (0 of 100)",
        "✅ Cache Hit Rate: n/a (local-memory cache)",
        "✅ Database: Healthy",
        "Status: PASS",
    ]
    assert Event.objects.filter(action="ops.health_report.created").count() == 1


def test_failures_fail_the_report_and_name_the_runbook(record, served):
    for _ in range(3):
        record("database", "fail", "connection refused", latency_ms=5)  # the probes' latency is not the API's
    record("database", "ok", latency_ms=5)
    served(90, 20)
    served(10, 150, status=500)
    report = HealthReport.objects.get(pk=tasks.health_report())
    assert not report.passed
    checks = {c["name"]: c for c in report.checks}
    assert checks["Error Rate"] == {
        "name": "Error Rate",
        "value": "10.00% (10 of 100)",
        "ok": False,
        "runbook": "high-error-rate",
    }
    assert checks["Response Time"]["value"] == "p95 ≤ 250 ms (100 requests)"
    assert checks["Response Time"]["ok"] is False and checks["Response Time"]["runbook"] == "slow-database"
    assert report.text.endswith("Status: FAIL")


@pytest.mark.parametrize(("ms", "passed"), [(100, True), (100.5, False)])
def test_at_the_threshold_passes_just_past_fails(db, served, settings, ms, passed):
    settings.OPS_REPORT_RESPONSE_MS = 100
    served(100, ms)  # 100 ms is in the ≤ 100 ms bucket; 100.5 ms is not
    checks = {c["name"]: c for c in HealthReport.objects.get(pk=tasks.health_report()).checks}
    assert checks["Response Time"]["ok"] is passed


def test_a_day_without_requests_says_so(record):
    checks = {c["name"]: c for c in HealthReport.objects.get(pk=tasks.health_report()).checks}
    assert checks["Response Time"]["value"] == "no data" and checks["Error Rate"]["value"] == "no data"


def test_the_report_runs_at_the_configured_local_time(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE["ops.health_report"]["schedule"]
    assert str(schedule.tz) == "Asia/Kolkata" and schedule.hour == {8} and schedule.minute == {30}


def test_a_second_run_the_same_day_keeps_the_first(record):
    first = tasks.health_report()
    record("database", "ok")
    assert tasks.health_report() == first
    assert HealthReport.objects.count() == 1
