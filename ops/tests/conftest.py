"""Fixtures of the ops tests: heartbeats, a helper to record probe outcomes, a private Redis."""

import shutil
import socket
import subprocess
import time

import pytest
from django.core.cache import cache
from django.utils import timezone

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


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PrivateRedis:
    """A redis-server of the test's own on a free port: stopping it never touches the shared one."""

    def __init__(self):
        self.port = _free_port()
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        assert binary, "redis-server is not installed"
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise AssertionError("the private redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


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
