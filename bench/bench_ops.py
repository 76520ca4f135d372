"""Ops benchmarks: readiness, liveness and trading-enabled latency, a full probe cycle, the metrics
middleware's overhead per request, and the probe history at 90 days of volume (PostgreSQL)."""

import os
import subprocess
import sys
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import resolve
from rest_framework.authtoken.models import Token

from bench.harness import percentiles, timed

REPEAT = 500


def _user():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user = get_user_model().objects.create_user(username="bench-ops", password="x")  # noqa: S106
    user.groups.add(Group.objects.get(name="Ops"))
    return Token.objects.create(user=user).key


def _endpoint(client: Client, path: str, warm: bool, **headers) -> dict:
    def call():
        if not warm:
            cache.clear()
        response = client.get(path, **headers)
        assert response.status_code in (200, 503), (path, response.status_code)

    call()
    return percentiles(timed(call, REPEAT))


def _middleware_overhead() -> dict:
    from ops.metrics import MetricsMiddleware

    request = RequestFactory().get("/api/v1/health")
    request.resolver_match = resolve("/api/v1/health")

    def bare_view(_request):
        return HttpResponse("ok")

    wrapped = MetricsMiddleware(bare_view)
    bare = percentiles(timed(lambda: bare_view(request), 20_000))
    with_metrics = percentiles(timed(lambda: wrapped(request), 20_000))
    return {
        "bare": bare,
        "with_metrics": with_metrics,
        "overhead_p50_us": round((with_metrics["p50_ms"] - bare["p50_ms"]) * 1000, 2),
    }


def _worker():
    """A real worker on the bench database, so the celery probe's round trip is measured too."""
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        return None
    db = connection.settings_dict
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="pms_ops.settings.test",
        CELERY_TASK_ALWAYS_EAGER="false",
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
    )
    args = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "pms_ops",
        "worker",
        "--pool",
        "solo",
        "--loglevel",
        "ERROR",
        "--without-gossip",
        "--without-mingle",
        "--hostname",
        f"bench-{os.getpid()}@%h",
    ]
    process = subprocess.Popen(args, env=env, cwd=settings.BASE_DIR)
    from pms_ops.celery import app

    deadline = time.monotonic() + 30
    while not app.control.ping(timeout=0.5) and time.monotonic() < deadline:
        pass
    return process


def _probe_cycle() -> dict:
    from ops import probes, services

    settings.CELERY_TASK_ALWAYS_EAGER = False
    worker = _worker()
    try:
        per_probe, started = {}, time.perf_counter()
        for name in probes.PROBES:
            outcome, latency = probes.execute(name)
            services.probe_result_record(name=name, outcome=outcome, latency_ms=latency)
            per_probe[name] = {"ms": latency, "status": outcome.status}
        total = round((time.perf_counter() - started) * 1000, 1)
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=15)
    return {"total_ms": total, "probes": per_probe, "real_worker": worker is not None}


def _history(client: Client) -> dict:
    """90+ days of per-minute results for every probe (PostgreSQL generate_series), then prune and render."""
    if connection.vendor != "postgresql":
        return {"skipped": "needs PostgreSQL"}
    from ops import probes, services

    started = time.perf_counter()
    with connection.cursor() as cursor:
        for name in probes.PROBES:
            cursor.execute(
                "INSERT INTO ops_proberesult (probe, status, level, latency_ms, message, details, created_at) "
                "SELECT %s, 'ok', '', random() * 50, 'fine', '{}'::jsonb, g "
                "FROM generate_series(now() - interval '100 days', now(), interval '2 minutes') g",
                [name],
            )
        cursor.execute("ANALYZE ops_proberesult")
        cursor.execute("SELECT count(*) FROM ops_proberesult")
        rows = cursor.fetchone()[0]
    load_s = round(time.perf_counter() - started, 2)
    panel = percentiles(timed(lambda: client.get("/ops/panel"), 10))
    started = time.perf_counter()
    pruned = services.probe_results_prune(actor="system:bench")
    return {
        "rows": rows,
        "load_seconds": load_s,
        "dashboard_panel": panel,
        "pruned": pruned,
        "prune_seconds": round(time.perf_counter() - started, 2),
    }


def run() -> dict:
    from ops.checks import Outcome
    from ops.services import probe_result_record

    token = _user()
    client = Client()
    probe_result_record(name="celery", outcome=Outcome("ok", "seeded"), latency_ms=1.0)
    auth = {"HTTP_AUTHORIZATION": f"Token {token}"}
    figures = {
        "ready_cached": _endpoint(client, "/api/v1/ready", warm=True),
        "ready_uncached": _endpoint(client, "/api/v1/ready", warm=False),
        "trading_enabled_hit": _endpoint(client, "/api/v1/ops/trading-enabled", warm=True, **auth),
        "trading_enabled_miss": _endpoint(client, "/api/v1/ops/trading-enabled", warm=False, **auth),
        "api_health": _endpoint(client, "/api/v1/health", warm=True),
    }
    if client.get("/health").status_code == 200:
        figures["health"] = _endpoint(client, "/health", warm=True)
    else:
        figures["health"] = "GET /health not available in this build"
    figures["metrics_middleware"] = _middleware_overhead()
    figures["probe_cycle"] = _probe_cycle()
    client.force_login(Token.objects.get(key=token).user)
    figures["history"] = _history(client)
    figures["goals"] = {"ready_p99_ms": 20, "health_p99_ms": 20, "trading_enabled_p99_ms": 5}
    return figures
