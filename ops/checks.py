"""The probe checks: each looks at one component and returns an Outcome (never raises on a finding).

A check raising is itself a failure (the runner records it); checks do not time
themselves — the runner measures latency and enforces the time limit.
"""

import contextlib
import shutil
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from celery import current_app
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_redis import get_redis_connection

from audit.services import chains_verify_incremental
from backups.selectors import newest_verified_backup
from book.selectors import corrupt_positions
from book.selectors import risk_validation as stored_vs_calculated
from desk.selectors import missed as missed_checklists

from .models import Heartbeat, Status


@dataclass
class Outcome:
    status: str
    message: str
    details: dict = field(default_factory=dict)


def ok(message: str, **details) -> Outcome:
    return Outcome(Status.OK, message, details)


def fail(message: str, **details) -> Outcome:
    return Outcome(Status.FAIL, message, details)


def database() -> Outcome:
    """Seed 000 DB_UNAVAILABLE: connect and run a query."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return ok(f"{connection.vendor} answered", vendor=connection.vendor)


def redis_client():
    """The cache's Redis client, or None on the embedded default (local-memory cache)."""
    if "redis" not in settings.CACHES["default"]["BACKEND"].lower():
        return None

    return get_redis_connection("default")


def redis() -> Outcome:
    client = redis_client()
    if client is None:
        return ok("not configured: the embedded default uses a local-memory cache", configured=False)
    client.ping()
    return ok("PONG", configured=True)


def broker() -> Outcome:
    """The Celery broker takes a connection: web processes queue their side effects there on commit.

    Readiness runs it; the probes need no broker probe, the `celery` probe's round trip goes through it.
    """
    with current_app.connection_for_write(connect_timeout=settings.OPS_BROKER_CHECK_TIMEOUT) as conn:
        conn.ensure_connection(max_retries=0)  # one attempt: a readiness answer must be quick
        return ok(f"{conn.transport_cls} broker answered", transport=conn.transport_cls)


def celery() -> Outcome:
    """A worker answers a round-trip task. send_task always goes through the broker (never eager)."""
    timeout = settings.OPS_CELERY_PROBE_TIMEOUT
    result = current_app.send_task("pms_ops.ping")
    try:
        # interval: how often a polling result backend (the embedded default's files) is read.
        answer = result.get(timeout=timeout, interval=0.05, disable_sync_subtasks=False)
    except Exception as exc:  # celery raises TimeoutError or a broker error
        return fail(f"no worker answered within {timeout:g} s ({type(exc).__name__})", task_id=result.id)
    with contextlib.suppress(Exception):  # the answer is read; dropping it is housekeeping
        result.forget()
    return ok(f"worker answered {answer!r}", task_id=result.id)


def _existing(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def disk() -> Outcome:
    """Free space of the backup volume (seed 001 Runbook 10: < 10 % free is a failure)."""
    path = _existing(Path(settings.BACKUP_DIR))
    usage = shutil.disk_usage(path)
    free_pct = round(100 * usage.free / usage.total, 1)
    details = {"path": str(path), "free_bytes": usage.free, "total_bytes": usage.total, "free_pct": free_pct}
    text = f"{free_pct}% free on {path} ({usage.free // 2**20} MiB)"
    if free_pct < settings.OPS_DISK_FAIL_FREE_PCT:
        return fail(f"only {text}", **details)
    if free_pct < settings.OPS_DISK_WARN_FREE_PCT:
        return Outcome(Status.WARN, f"low: {text}", details)
    return ok(text, **details)


def backup_freshness() -> Outcome:
    backup = newest_verified_backup()
    limit_hours = settings.OPS_BACKUP_MAX_AGE_HOURS
    if backup is None:
        return fail("no verified backup exists")
    age_hours = (timezone.now() - backup.finished_at).total_seconds() / 3600
    details = {"finished_at": backup.finished_at.isoformat(), "age_hours": round(age_hours, 2), "size": backup.size}
    if age_hours > limit_hours:
        return fail(f"newest verified backup is {age_hours:.1f} h old (limit {limit_hours} h)", **details)
    return ok(f"newest verified backup is {age_hours:.1f} h old", **details)


def chains() -> Outcome:
    """Incremental hash-chain verification: only rows after each chain's checkpoint."""
    reports = chains_verify_incremental(actor="system:probes")
    broken = [r.broken for r in reports if not r.ok]
    if broken:
        b = broken[0]
        return fail(
            f"chain {b['table']}/{b['chain']} broken at seq {b['seq']} (id {b['id']}): "
            f"{b['field']} expected {b['expected']} found {b['found']}",
            broken=broken,
        )
    return ok(f"{len(reports)} chains verified", chains=len(reports), rows=sum(r.rows for r in reports))


def data_integrity() -> Outcome:
    """Seed 000 DATA_CORRUPT: positions with no entry price or a null / non-positive size."""
    corrupt = corrupt_positions()
    if corrupt:
        first = corrupt[0]
        return fail(
            f"Invalid position data: {first['problem']} for {first['instrument']} "
            f"({len(corrupt)} corrupt: ids {', '.join(str(c['id']) for c in corrupt)})",
            positions=corrupt,
        )
    return ok("no corrupt positions")


def risk_validation() -> Outcome:
    """Seed 000 VALIDATION_FAILED: stored portfolio risk against risk recomputed from positions."""
    stored, calculated = stored_vs_calculated()
    diff = abs(Decimal(calculated) - Decimal(stored))
    details = {"stored": str(stored), "calculated": str(calculated), "diff": str(diff)}
    if diff > Decimal(str(settings.OPS_RISK_TOLERANCE)):
        return fail(f"Risk mismatch: DB={float(stored)}, Calculated={float(calculated)}, Diff={float(diff)}", **details)
    return ok(f"Risk consistent: DB={float(stored)}, Calculated={float(calculated)}", **details)


def heartbeats() -> Outcome:
    """Every enabled heartbeat checked in within its period + grace; late ones are named."""
    now = timezone.now()
    beats = list(Heartbeat.objects.enabled().order_by("name"))
    late = [b for b in beats if b.is_late(now)]
    if late:
        names = ", ".join(_late_text(b, now) for b in late)
        return fail(f"late: {names}", late=[b.name for b in late])
    return ok(f"{len(beats)} heartbeats on time", heartbeats=len(beats))


def _late_text(beat: Heartbeat, now) -> str:
    if beat.last_seen_at is None:
        return f"{beat.name} (never seen)"
    seconds = int((now - beat.last_seen_at).total_seconds())
    return f"{beat.name} (last seen {seconds} s ago, expected every {beat.period_seconds} s + {beat.grace_seconds} s)"


def trading_day() -> Outcome:
    """Today's pre-market and end-of-day checklists (BOOK_TIMEZONE) signed off item by item before they are due."""
    missed = missed_checklists()
    if not missed:
        return ok("Every checklist due so far is signed off")
    parts = [
        f"{c['title']} ({sum(not i['signoff'] for i in c['items'])} of {len(c['items'])} unsigned)" for c in missed
    ]
    return fail(
        f"Missed sign-off: {'; '.join(parts)}",
        checklists=[{"kind": c["kind"], "due": c["due"].isoformat()} for c in missed],
    )
