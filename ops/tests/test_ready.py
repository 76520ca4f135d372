"""GET /api/v1/ready (seed 001): what a load balancer needs. Ready when this web process's database,
cache and broker answer; the workers' state is reported in `checks` but never fails readiness."""

import pytest
from celery import current_app
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from ops.models import ProbeResult, ProbeState

from .conftest import PrivateRedis, _free_port

URL = "/api/v1/ready"


def ready(api, code: int) -> dict:
    response = api[None].get(URL)
    assert response.status_code == code, response.json()
    return response.json()


@pytest.fixture
def broker_at(monkeypatch):
    """broker_at(url): the Celery app's broker moved (for this test) to another address."""

    def move(url: str) -> None:
        monkeypatch.setitem(current_app.conf, "broker_url", url)

    return move


@pytest.fixture
def embedded_cache(settings):
    """The embedded default's local-memory cache, emptied (its store outlives a switch of CACHES)."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()


def test_ready_with_everything_answering(api, record, private_redis, broker_at):
    broker_at(private_redis.url)
    record("celery", "ok", "worker answered 'pong'")
    assert ready(api, 200) == {
        "status": "ready",
        "checks": {"database": "ready", "redis": "ready", "broker": "ready", "celery": "ready"},
    }


def test_no_worker_ever_answered_is_still_ready(api, db):
    body = ready(api, 200)
    assert body["status"] == "ready"
    assert body["checks"]["celery"] == "unknown"


def test_workers_down_are_reported_but_do_not_take_the_web_out_of_rotation(api, record):
    record("celery", "fail", "no worker answered within 5 s")
    body = ready(api, 200)
    assert (body["status"], body["checks"]["celery"]) == ("ready", "not_ready")


def test_a_celery_probe_that_stopped_running_is_stale_and_still_ready(api, record, settings):
    record("celery", "ok")
    old = timezone.now() - timezone.timedelta(seconds=settings.OPS_CELERY_READY_MAX_AGE + 5)
    ProbeState.objects.update(last_run_at=old)
    cache.clear()  # the cached snapshot too: the DB fallback then says how old it is
    body = ready(api, 200)
    assert body["checks"]["celery"] == "stale"


def test_embedded_default_has_no_redis_and_is_still_ready(api, record, embedded_cache):
    record("celery", "ok")
    body = ready(api, 200)
    assert body["checks"]["redis"] == "not_configured"
    assert body["checks"]["broker"] == "ready"


def test_database_down_is_not_ready(api, record, database_down):
    record("celery", "ok")
    cache.clear()
    with database_down():
        body = ready(api, 503)
    assert body["status"] == "not_ready"
    assert body["checks"]["database"] == "not_ready"


@pytest.mark.postgres
def test_postgresql_unreachable_is_not_ready(api, transactional_db):
    """A real refused connection: the server's port closed, not a mock."""
    original = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = _free_port()
    try:
        body = ready(api, 503)
    finally:
        connection.close()
        connection.settings_dict["PORT"] = original
    assert body["checks"]["database"] == "not_ready"
    assert body["checks"]["celery"] == "unknown"  # the probe state lives in the database too


def test_broker_down_is_not_ready(api, record, embedded_cache, broker_at):
    record("celery", "ok")
    stopped = PrivateRedis()  # a port nobody listens on: the broker's server is gone
    broker_at(stopped.url)
    body = ready(api, 503)
    assert body["checks"] == {"database": "ready", "redis": "not_configured", "broker": "not_ready", "celery": "ready"}


def test_redis_down_as_cache_and_broker_is_not_ready(api, record, private_redis, broker_at):
    broker_at(private_redis.url)
    record("celery", "ok")
    assert ready(api, 200)["status"] == "ready"
    private_redis.stop()
    body = ready(api, 503)
    assert body["checks"]["redis"] == body["checks"]["broker"] == "not_ready"
    assert body["checks"]["database"] == "ready"


def test_ready_is_cached_for_a_moment(api, record):
    record("celery", "ok")
    first, second = api[None].get(URL), api[None].get(URL)
    assert (first["X-Cache"], second["X-Cache"]) == ("MISS", "HIT")
    assert first.json() == second.json()


def test_ready_never_runs_the_probes(api, db):
    api[None].get(URL)
    assert not ProbeResult.objects.exists()
