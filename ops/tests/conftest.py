"""Fixtures of the ops tests: heartbeats, a helper to record probe outcomes, a private Redis."""

import pytest
from django.core.cache import cache
from django.utils import timezone

from core.testing import PrivateRedis
from core.testing import free_port as _free_port  # noqa: F401  (test_ready imports it from here)
from ops import services
from ops.checks import Outcome
from ops.models import Heartbeat


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with an empty cache (the shared Redis db or local memory)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def heartbeat(db):
    def make(name: str = "trading-instance", *, period: int = 60, grace: int = 30, seen_ago: int | None = 0):
        seen = None if seen_ago is None else timezone.now() - timezone.timedelta(seconds=seen_ago)
        return Heartbeat.objects.create(
            name=name,
            period_seconds=period,
            grace_seconds=grace,
            last_seen_at=seen,
            created_at=timezone.now() - timezone.timedelta(hours=1),
        )

    return make


@pytest.fixture
def record(db):
    """record("database", "fail", "boom") stores a result through the service, as a probe run would."""

    def _record(name: str, status: str = "ok", message: str = "fine", latency_ms: float = 5.0, **details):
        return services.probe_result_record(name=name, outcome=Outcome(status, message, details), latency_ms=latency_ms)

    return _record


@pytest.fixture
def private_redis(settings):
    """The cache pointed at a private Redis (started); the test may stop and restart it."""
    server = PrivateRedis()
    server.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": server.url,
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.3, "SOCKET_TIMEOUT": 0.3},
        }
    }
    yield server
    server.stop()
