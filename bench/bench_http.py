"""The product under concurrent load, as users meet it (issue 16): gunicorn with the production
settings and the README's 4 workers, 16 clients for 60 s on a mixed workload over 1,000,000 audit
events and 1,000,000 journal entries, then `/api/v1/health` alone as the ceiling of the same server.

The load generator is a small asyncio client in this process, on 127.0.0.1, bounded in clients and
time: one connection per request (gunicorn's sync workers close each one), every answer read
whole. Goal: >= 250 requests/s mixed, every endpoint's p95 < 100 ms, no error.
"""

import asyncio
import collections
import os
import random
import subprocess
import sys
import tempfile
import time

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection
from rest_framework.authtoken.models import Token

from bench import bench_audit, bench_journal
from bench.bench_incidents import fill_timeline
from bench.harness import percentiles
from book import services as book
from conftest import make_user
from core.testing import free_port, production_env
from incidents.services import incident_declare

CLIENTS = int(os.environ.get("BENCH_HTTP_CLIENTS", 16))
SECONDS = float(os.environ.get("BENCH_HTTP_SECONDS", 60))
CEILING_SECONDS = float(os.environ.get("BENCH_HTTP_CEILING_SECONDS", 15))
WORKERS = 4  # README: gunicorn pms_ops.wsgi --workers 4
POSITIONS = 100
TIMELINE_EVENTS = 5_000
GOALS = {"requests_per_s": 250, "p95_ms_every_endpoint": 100, "errors": 0}


def _dataset() -> dict:
    """1M audit events, 1M journal entries, an open book, an incident with a long timeline; a token with every role."""
    user = make_user("bench-http")
    user.groups.set(Group.objects.all())
    token = Token.objects.create(user=user).key
    audit_seconds = bench_audit.load_events()
    journal_seconds = bench_journal.load_entries([user.pk])
    gold = book.instrument_create(
        actor=user, symbol="GOLD_MINI", name="Gold mini", currency="INR", point_value="10", margin_per_lot="105000"
    )
    for n in range(POSITIONS):
        book.position_open(
            actor=user, instrument=gold.symbol, direction="LONG" if n % 2 else "SHORT", size=1 + n % 3,
            entry_price=70_000 + n, stop_price=None,
        )  # fmt: skip
    incident = incident_declare(actor=user, title="Load bench war room", severity="P2")
    fill_timeline(incident, TIMELINE_EVENTS)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"token": token, "incident": incident.pk, "load_seconds": round(audit_seconds + journal_seconds, 1)}


def _mix(incident: int) -> list[tuple[int, str, str, str, bytes | None]]:
    """(weight %, name, method, path, body): issue 16's shares of the workload."""
    note = b'{"kind": "note", "text": "Load bench: checked replication lag."}'
    entry = b'{"entry_type": "note", "content": "Load bench: trimmed gross exposure."}'
    return [
        (10, "audit list", "GET", "/api/v1/audit/events", None),
        (10, "audit list filtered", "GET", "/api/v1/audit/events?actor=user07", None),
        (10, "journal list", "GET", "/api/v1/pms/journal", None),
        (10, "journal list filtered", "GET", "/api/v1/pms/journal?entry_type=risk", None),
        (10, "book state", "GET", "/api/v1/pms/book/state", None),
        (10, "positions", "GET", "/api/v1/pms/book/positions?status=OPEN", None),
        (15, "war room timeline", "GET", f"/api/v1/incidents/{incident}/timeline", None),
        (8, "journal append", "POST", "/api/v1/pms/journal", entry),
        (7, "timeline append", "POST", f"/api/v1/incidents/{incident}/timeline", note),
        (5, "ready", "GET", "/api/v1/ready", None),
        (5, "trading-enabled", "GET", "/api/v1/ops/trading-enabled", None),
    ]


async def _request(port: int, token: str, method: str, path: str, body: bytes | None) -> int:
    """One request on its own connection; the status code once the whole answer is read."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    head = [
        f"{method} {path} HTTP/1.1",
        "Host: 127.0.0.1",
        f"Authorization: Token {token}",
        "X-Forwarded-Proto: https",  # TLS ends at the proxy in production
        "Accept: application/json",
        "Connection: close",
    ]
    if body is not None:
        head += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + (body or b""))
    await writer.drain()
    answer = await reader.read()
    writer.close()
    await writer.wait_closed()
    return int(answer.split(b" ", 2)[1])


async def _load(port: int, token: str, mix: list, seconds: float) -> dict:
    samples: dict[str, list[float]] = collections.defaultdict(list)
    errors: collections.Counter = collections.Counter()
    names = [m[1] for m in mix]
    weights = [m[0] for m in mix]
    by_name = {m[1]: m for m in mix}
    deadline = time.perf_counter() + seconds

    async def client(seed: int) -> None:
        rng = random.Random(seed)
        while time.perf_counter() < deadline:
            _, name, method, path, body = by_name[rng.choices(names, weights)[0]]
            started = time.perf_counter()
            try:
                status = await asyncio.wait_for(_request(port, token, method, path, body), 30)
            except (OSError, TimeoutError, IndexError, ValueError) as exc:
                errors[f"{name}: {type(exc).__name__}"] += 1
                continue
            samples[name].append((time.perf_counter() - started) * 1000)
            if status >= 400:
                errors[f"{name}: {status}"] += 1

    started = time.perf_counter()
    await asyncio.gather(*(client(n) for n in range(CLIENTS)))
    elapsed = time.perf_counter() - started
    total = sum(len(s) for s in samples.values())
    return {
        "clients": CLIENTS,
        "seconds": round(elapsed, 1),
        "requests": total,
        "requests_per_s": round(total / elapsed, 1),
        "errors": sum(errors.values()),
        "error_kinds": dict(errors),
        "all": percentiles([ms for s in samples.values() for ms in s]) if total else {},
        "per_endpoint": {
            name: {**percentiles(s), "per_s": round(len(s) / elapsed, 1)} for name, s in sorted(samples.items())
        },
    }


def _gunicorn(port: int, log) -> subprocess.Popen:
    args = [sys.executable, "-m", "gunicorn", "pms_ops.wsgi", "--workers", str(WORKERS), "--bind", f"127.0.0.1:{port}"]
    return subprocess.Popen(args, env=production_env(), cwd=settings.BASE_DIR, stdout=log, stderr=subprocess.STDOUT)


def _wait_ready(port: int, token: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if asyncio.run(_request(port, token, "GET", "/api/v1/health", None)) == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer /api/v1/health within 60 s")


def run() -> dict:
    data = _dataset()
    port = free_port()
    with tempfile.NamedTemporaryFile("w+", prefix="bench-http-", suffix=".log") as log:
        server = _gunicorn(port, log)
        try:
            _wait_ready(port, data["token"])
            mixed = asyncio.run(_load(port, data["token"], _mix(data["incident"]), SECONDS))
            health = [(100, "health", "GET", "/api/v1/health", None)]
            ceiling = asyncio.run(_load(port, data["token"], health, CEILING_SECONDS))
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        if mixed["errors"]:
            log.seek(0)
            mixed["server_log_tail"] = log.read()[-3000:]
    worst = max(v["p95_ms"] for v in mixed["per_endpoint"].values())
    return {
        "workers": WORKERS,
        "dataset_load_seconds": data["load_seconds"],
        "audit_events": bench_audit.EVENTS,
        "journal_entries": bench_journal.ROWS,
        "mixed": mixed,
        "worst_endpoint_p95_ms": worst,
        "health_ceiling_requests_per_s": ceiling["requests_per_s"],
        "health_ceiling_p95_ms": ceiling["all"].get("p95_ms"),
        "goals": GOALS,
        "met": mixed["requests_per_s"] >= GOALS["requests_per_s"] and worst < 100 and mixed["errors"] == 0,
    }
