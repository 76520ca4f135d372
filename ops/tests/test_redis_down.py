"""Seed 004 scenario 2: with Redis down the app serves reads and writes uncached, ready says 503,
and everything resumes when Redis returns. Runs against a redis-server of the test's own."""

import time

from ops.models import Heartbeat, TradingChange

READY, ENABLED = "/api/v1/ready", "/api/v1/ops/trading-enabled"


def wait_ready(client, timeout: float = 5.0):
    deadline = time.monotonic() + timeout
    while True:
        response = client.get(READY)
        if response.status_code == 200 or time.monotonic() > deadline:
            return response
        time.sleep(0.2)


def test_redis_goes_away_and_comes_back(api, record, heartbeat, private_redis):
    record("celery", "ok")
    beat = heartbeat("morning-pack", seen_ago=None)
    assert api[None].get(READY).status_code == 200
    assert [api["audrey"].get(ENABLED)["X-Cache"] for _ in range(2)] == ["MISS", "HIT"]

    private_redis.stop()
    down = api[None].get(READY)
    assert down.status_code == 503
    assert down.json()["checks"]["redis"] == "not_ready"
    assert down.json()["checks"]["database"] == "ready"
    assert down["X-Cache"] == "MISS"
    # writes still work, and reads are right, served from the database
    assert api["oscar"].post(f"/api/v1/ops/heartbeats/{beat.name}").status_code == 200
    assert Heartbeat.objects.get().last_seen_at is not None
    assert api["oscar"].post("/api/v1/ops/trading/halt", {"reason": "Redis down"}, format="json").status_code == 201
    reads = [api["audrey"].get(ENABLED) for _ in range(2)]
    assert [r["X-Cache"] for r in reads] == ["MISS", "MISS"]
    assert all(r.json()["trading_enabled"] is False for r in reads)
    assert TradingChange.objects.count() == 1

    private_redis.start()
    assert wait_ready(api[None]).status_code == 200
    assert [api["audrey"].get(ENABLED)["X-Cache"] for _ in range(2)] == ["MISS", "HIT"]
    assert api["audrey"].get(ENABLED).json()["trading_enabled"] is False
