"""Each probe looks at the real component and says what it found."""

import time

from django.utils import timezone

from ops import checks, probes
from ops.models import Status


def test_the_database_probe_runs_a_query(db):
    outcome, latency = probes.execute("database")
    assert outcome.status == Status.OK
    assert latency > 0


def test_redis_without_a_configured_redis_says_so(db, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    outcome, _ = probes.execute("redis")
    assert outcome.status == Status.OK
    assert outcome.details == {"configured": False}


def test_redis_answers_pong(db, private_redis):
    outcome, _ = probes.execute("redis")
    assert (outcome.status, outcome.message) == (Status.OK, "PONG")


def test_redis_down_fails(db, private_redis):
    private_redis.stop()
    outcome, _ = probes.execute("redis")
    assert outcome.status == Status.FAIL
    assert "Connection" in outcome.message or "Error" in outcome.message


def test_celery_with_no_worker_fails_naming_the_wait(db, settings):
    settings.OPS_CELERY_PROBE_TIMEOUT = 0.5
    outcome, _ = probes.execute("celery")
    assert outcome.status == Status.FAIL
    assert outcome.message.startswith("no worker answered within 0.5 s")


def test_disk_reports_free_space_of_the_backup_volume(db, settings, tmp_path):
    settings.BACKUP_DIR = tmp_path / "not-yet-created"
    outcome, _ = probes.execute("disk")
    assert outcome.details["path"] == str(tmp_path)
    assert 0 <= outcome.details["free_pct"] <= 100
    settings.OPS_DISK_FAIL_FREE_PCT = 101
    assert probes.execute("disk")[0].status == Status.FAIL


def test_heartbeats_name_the_late_ones(db, heartbeat):
    heartbeat("trading-instance", period=60, grace=30, seen_ago=10)
    heartbeat("morning-pack", period=60, grace=30, seen_ago=200)
    heartbeat("never-seen", seen_ago=None)
    outcome, _ = probes.execute("heartbeats")
    assert outcome.status == Status.FAIL
    assert outcome.details["late"] == ["morning-pack", "never-seen"]
    assert "morning-pack (last seen 200 s ago, expected every 60 s + 30 s)" in outcome.message
    assert "never-seen (never seen)" in outcome.message
    assert "trading-instance" not in outcome.message


def test_heartbeats_all_on_time(db, heartbeat):
    heartbeat("trading-instance", seen_ago=5)
    outcome, _ = probes.execute("heartbeats")
    assert (outcome.status, outcome.message) == (Status.OK, "1 heartbeats on time")


def test_a_hanging_probe_fails_with_its_timeout_and_the_next_run_happens(db, settings, monkeypatch):
    settings.OPS_PROBE_TIME_LIMIT = 0.3
    monkeypatch.setattr(checks, "database", lambda: time.sleep(30))
    started = time.monotonic()
    outcome, latency = probes.execute("database")
    assert time.monotonic() - started < 5
    assert outcome.status == Status.FAIL
    assert outcome.message == "timed out after 0.3 s"
    assert latency >= 300
    monkeypatch.undo()
    assert probes.execute("database")[0].status == Status.OK


def test_a_check_that_raises_is_a_failure_with_the_error(db, monkeypatch):
    def broken():
        raise RuntimeError("socket closed")

    monkeypatch.setattr(checks, "disk", broken)
    outcome, _ = probes.execute("disk")
    assert (outcome.status, outcome.message) == (Status.FAIL, "RuntimeError: socket closed")


def test_heartbeat_created_recently_is_not_late_before_its_first_period(db):
    from ops.models import Heartbeat

    Heartbeat.objects.create(name="new-pipeline", created_at=timezone.now())
    assert probes.execute("heartbeats")[0].status == Status.OK
