"""Drill 3, broker outage: the private redis-server is stopped for S seconds under a mixed load of
reads and writes over HTTP. Reads never answer 5xx; a write succeeds or answers a clear 503 with
nothing committed (never a 500); the work recorded during the outage (a queued backup: the backups
outbox) leaves the outbox within a minute of the broker's return, sent by beat's sweeper.
"""

import random
import threading
import time
import uuid
from collections import Counter

from backups.models import Backup
from journal.models import JournalEntry

from .harness import Bounded, check, declare_incident, seed_book, sweeping, wait_for

# Full size: beat at its own pace (the sweeper every minute). Short: the sweeper also sent every 5 s, and the
# backup sent from the outbox is not waited for to the end of its verification.
FULL = {"outage_seconds": 60, "threads": 4, "drain_limit": 60, "beat_every": None, "await_backup": True}
SHORT = {"outage_seconds": 15, "threads": 3, "drain_limit": 30, "beat_every": 5, "await_backup": False}
READS = ["/api/v1/pms/journal", "/api/v1/pms/book/positions", "/api/v1/approvals/", "/api/v1/ops/backups", "/health"]


def run(stack, *, beat_every: int | None, **sizes) -> dict:
    if not beat_every:
        return _run(stack, **sizes)
    with sweeping(beat_every):
        return _run(stack, **sizes)


def _run(stack, *, outage_seconds: float, threads: int, drain_limit: float, await_backup: bool) -> dict:
    failures: list[str] = []
    http = stack.http
    seed_book(http)
    declare_incident(http)
    budget = Bounded(seconds=outage_seconds + 30, limit=50_000)
    reads: Counter = Counter()
    writes: Counter = Counter()
    refused_markers: list[str] = []
    bad: list[str] = []
    lock = threading.Lock()

    def load() -> None:
        while budget.take():
            if random.random() < 0.6:
                path = random.choice(READS)
                status, _ = http.call("GET", path, "oscar", timeout=10)
                with lock:
                    reads[status] += 1
                    if status >= 500 or status == 0:
                        bad.append(f"GET {path} {status}")
                continue
            if random.random() < 0.8:
                marker = uuid.uuid4().hex
                body = {"entry_type": "note", "content": f"broker drill {marker}", "tags": ["drill"]}
                status, answer = http.call("POST", "/api/v1/pms/journal", "pam", body, timeout=10)
            else:
                marker = None
                status, answer = http.call("POST", "/api/v1/ops/backups", "oscar", {}, timeout=30)
            with lock:
                writes[status] += 1
                if status == 503 and marker:
                    refused_markers.append(marker)
                elif status >= 500 or status == 0:
                    bad.append(f"POST {status} {answer}")
            time.sleep(0.02)

    workers = [threading.Thread(target=load) for _ in range(threads)]
    for thread in workers:
        thread.start()
    try:
        time.sleep(3)
        stack.redis.stop()
        stopped = time.monotonic()
        asked = _backup_during_outage(http, until=stopped + outage_seconds - 1)
        time.sleep(max(0.0, stopped + outage_seconds - time.monotonic()))
        queued_at_return = list(Backup.objects.filter(status="queued").values_list("pk", flat=True))
        stack.redis.start()
        returned = time.monotonic()
        outage = returned - stopped
        time.sleep(3)
    finally:
        budget.stop.set()
        if stack.redis.process is None:
            stack.redis.start()
        for thread in workers:
            thread.join()
    check(failures, bool(queued_at_return), f"no backup was queued during the outage (asked: {asked})")
    drained = wait_for(lambda: not Backup.objects.filter(status="queued").exists(), timeout=drain_limit + 10, every=0.5)
    drain_seconds = time.monotonic() - returned
    if await_backup:
        finished = drained and wait_for(lambda: not Backup.objects.running().exists(), timeout=120, every=1)
    committed = JournalEntry.objects.filter(content__in=[f"broker drill {m}" for m in refused_markers]).count()
    check(failures, not bad, f"{len(bad)} answers were 5xx or none at all: {bad[:10]}")
    check(failures, committed == 0, f"{committed} journal writes answered 503 yet were committed")
    check(
        failures, bool(drained) and drain_seconds <= drain_limit, f"the backups outbox drained in {drain_seconds:.0f} s"
    )
    statuses = dict(Backup.objects.filter(pk__in=queued_at_return).values_list("pk", "status"))
    gave_up = dict(
        Backup.objects.filter(pk__in=queued_at_return, status__in=["failed", "bad"]).values_list("pk", "error")
    )
    check(failures, not gave_up, f"backups queued during the outage were given up: {gave_up}")
    # The worker rides out the outage itself (pms_ops/celery.py): an exit the supervisor had to restart fails.
    check(failures, stack.worker.exits == 0, f"the worker exited {stack.worker.exits} time(s) and was restarted")
    if await_backup:
        check(
            failures,
            bool(finished) and all(s == "verified" for s in statuses.values()),
            f"queued at return: {statuses}",
        )
    return {
        "backup_asked_during_outage": asked,
        "outage_seconds": round(outage, 1),
        "reads": {str(k): v for k, v in sorted(reads.items())},
        "writes": {str(k): v for k, v in sorted(writes.items())},
        "writes_refused_503": len(refused_markers),
        "refused_but_committed": committed,
        "queued_at_return": len(queued_at_return),
        "their_status_at_the_end": statuses,
        "outbox_drained_seconds_after_return": round(drain_seconds, 1),
        "worker_exits_restarted": stack.worker.exits,
        "beat_exits_restarted": stack.beat.exits,
        "failures": failures,
    }


def _backup_during_outage(http, until: float) -> int | None:
    """Make sure a backup is asked for while the broker is down (202, recorded `queued`): the load's own
    requests may have done it already; a 409 means one still runs, and the next try comes after it."""
    while time.monotonic() < until:
        if Backup.objects.filter(status="queued").exists():
            return None
        status, answer = http.call("POST", "/api/v1/ops/backups", "oscar", {}, timeout=30)
        if status == 202:
            return answer["id"]
        time.sleep(0.5)
    return None
