"""GET /api/v1/ready (seed 001): live pings of database and Redis, the celery probe's cached state."""

from django.utils import timezone

from ops.models import ProbeResult, ProbeState

URL = "/api/v1/ready"


def test_not_ready_until_a_worker_has_answered_the_celery_probe(api, db):
    response = api[None].get(URL)
    assert response.status_code == 503
    assert response.json()["status"] == "not_ready"
    assert response.json()["checks"]["celery"] == "unknown"


def test_ready_with_everything_answering(api, record, private_redis):
    record("celery", "ok", "worker answered 'pong'")
    response = api[None].get(URL)
    assert response.status_code == 200, response.json()
    assert response.json() == {"status": "ready", "checks": {"database": "ready", "redis": "ready", "celery": "ready"}}


def test_embedded_default_has_no_redis_and_is_still_ready(api, record, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    record("celery", "ok")
    body = api[None].get(URL).json()
    assert body["checks"]["redis"] == "not_configured"
    assert body["status"] == "ready"


def test_a_failing_celery_probe_is_not_ready(api, record):
    record("celery", "fail", "no worker answered within 5 s")
    response = api[None].get(URL)
    assert (response.status_code, response.json()["checks"]["celery"]) == (503, "not_ready")


def test_a_celery_probe_that_stopped_running_is_stale(api, record, settings):
    record("celery", "ok")
    old = timezone.now() - timezone.timedelta(seconds=settings.OPS_CELERY_READY_MAX_AGE + 5)
    ProbeState.objects.update(last_run_at=old)
    from django.core.cache import cache

    cache.clear()  # the cached snapshot too: the DB fallback then says how old it is
    assert api[None].get(URL).json()["checks"]["celery"] == "stale"


def test_ready_is_cached_for_a_moment(api, record):
    record("celery", "ok")
    first, second = api[None].get(URL), api[None].get(URL)
    assert (first["X-Cache"], second["X-Cache"]) == ("MISS", "HIT")
    assert first.json() == second.json()


def test_ready_never_runs_the_probes(api, db):
    api[None].get(URL)
    assert not ProbeResult.objects.exists()
