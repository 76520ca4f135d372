"""Drill 1, approvals exactly once: corrections and price overrides are requested and approved over
HTTP while the Celery worker is SIGKILLed at random moments; each approved action is executed exactly
once (ledger entries, journal entries, audit events counted) and its approvers are told exactly once
(the chat webhook, a local HTTP server, counts the notices).
"""

import random
import threading
import time
from collections import Counter

from approvals.actions import ApprovalsAction
from approvals.models import ApprovalRequest
from audit.models import Event
from book.models import LedgerEntry, MtmRun, Price
from journal.models import JournalEntry

from .harness import Bounded, DrillFailed, check, open_position, request_correction, seed_book, sweeping, wait_for

# Full size: four approvers' clients at once, so approvals meet proposals, opens and each other on one
# instrument (they deadlocked until the book kept one lock order: docs/drills.md, "Findings" 1 and 6).
# The short version (`make test`) approves one at a time and keeps checking exactly-once under worker kills.
FULL = {"approvals": 1000, "threads": 4, "seconds": 900}
SHORT = {"approvals": 50, "threads": 1, "seconds": 90}
OVERRIDE_EVERY = 5  # one approval in five is a price override, the others corrections


def run(stack, *, approvals: int, threads: int, seconds: float) -> dict:
    failures: list[str] = []
    http, webhook = stack.http, stack.webhook
    seed_book(http)
    budget = Bounded(seconds, approvals)
    outcomes: list[tuple[int, str, int]] = []  # (approval id, kind, approve status)
    errors: Counter = Counter()
    lock = threading.Lock()

    def fresh_position() -> int | None:
        for _ in range(3):
            try:
                return open_position(http)
            except DrillFailed as exc:  # a 503 is retried, as a client would
                errors[f"open: {str(exc)[:60]}"] += 1
        return None

    def load(n: int) -> None:
        position, size = fresh_position(), 2
        while position is not None and budget.take():
            override = random.randrange(OVERRIDE_EVERY) == 0
            if override:
                body = {
                    "manual_prices": {"GOLD_MINI": str(71000 + random.randrange(500))},
                    "reason": "drill",
                    "source": "drill desk",
                }
                status, answer = http.call("POST", "/api/v1/pms/book/mtm", "paul", body)
                approval = answer["approval_id"] if status == 202 else None
            else:
                size = size % 8 + 1  # never the size it has: a correction must change something
                approval = request_correction(http, position, size=size)
            if approval is None:
                errors[f"request {status if override else 'correction'}"] += 1
                continue
            status, answer = http.call(
                "POST",
                f"/api/v1/approvals/{approval}/approve",
                random.choice(["alice", "arthur"]),
                {"comment": "drill"},
            )
            with lock:
                outcomes.append((approval, "override" if override else "correction", status))
            if status == 200 and not override and answer["status"] == "executed":
                position = answer["result"]["correct_position_id"]
            elif not override:
                position, size = fresh_position(), 2

    kills = []
    done = threading.Event()

    def killer() -> None:
        while not done.wait(random.uniform(1.0, 5.0)):
            stack.restart_worker()  # SIGKILL to the worker's whole process group, then a new worker
            kills.append(time.monotonic())

    # Notices go through the outbox and a worker; one whose worker was killed mid-send is retried once the
    # sweeper finds its run stale (OUTBOX_STALE_AFTER_SECONDS). The sweeper is sent every 5 s throughout,
    # as beat sends it every minute; after the load, the backlog has 180 s to drain.
    with sweeping(5):
        started = time.monotonic()
        workers = [threading.Thread(target=load, args=(n,)) for n in range(threads)]
        chaos = threading.Thread(target=killer)
        chaos.start()
        for thread in workers:
            thread.start()
        for thread in workers:
            thread.join()
        done.set()
        chaos.join()
        elapsed = time.monotonic() - started
        ids = [pk for pk, _, _ in outcomes]
        wait_for(lambda: all(webhook.notices[pk] for pk in ids), timeout=180, every=1)
    statuses = {
        pk: (status, why)
        for pk, status, why in ApprovalRequest.objects.filter(pk__in=ids).values_list("pk", "status", "failure_reason")
    }
    counts = Counter()
    reasons: Counter = Counter()  # why the approvals that did not execute failed
    for pk, kind, answered in outcomes:
        state, why = statuses.get(pk, (None, ""))
        counts[f"{kind}_{state}"] += 1
        if answered != 200:
            counts[f"approve_answered_{answered}"] += 1
        check(failures, state == "executed", f"approval {pk} ({kind}) is {state} (approve answered {answered}) {why}")
        if state != "executed":
            reasons[((why or "").splitlines() or [f"{state} without a reason"])[0][:80]] += 1
        expected = _footprint(pk, kind)
        if state == "executed" and not expected["ok"]:
            counts["executed_not_exactly_once"] += 1
        check(failures, expected["ok"], f"approval {pk} ({kind}) executed {expected}, not exactly once")
        check(failures, webhook.notices[pk] == 1, f"approval {pk}: {webhook.notices[pk]} notices, not 1")
    return {
        "approvals": len(outcomes),
        "worker_kills": len(kills),
        "seconds": round(elapsed, 1),
        "approvals_per_second": round(len(outcomes) / elapsed, 1) if elapsed else None,
        "outcomes": dict(counts),
        "request_errors": dict(errors),
        "not_executed_because": dict(reasons),
        "notices_missing": sum(1 for pk in ids if webhook.notices[pk] == 0),
        "notices_duplicated": sum(1 for pk in ids if webhook.notices[pk] > 1),
        "notices_redelivered": webhook.redelivered,  # the same delivery posted again after a kill (dropped)
        "failures": failures[:50],
        "failure_count": len(failures),
    }


def _footprint(pk: int, kind: str) -> dict:
    """What one execution leaves: a correction closes one position and opens another (two ledger
    entries); an override records one price and one MTM run; each writes one journal entry and one
    `approvals.request.executed` event."""
    found = {
        "journal": JournalEntry.objects.linked_to("approval", pk).count(),
        "executed_events": Event.objects.filter(
            action=ApprovalsAction.REQUEST_EXECUTED, subject_type="approvals.request", subject_id=str(pk)
        ).count(),
    }
    if kind == "correction":
        found["ledger"] = LedgerEntry.objects.filter(related__approval=pk).count()
        found["ok"] = found == {"journal": 1, "executed_events": 1, "ledger": 2}
    else:
        found["prices"] = Price.objects.filter(approval_id=pk).count()
        found["mtm_runs"] = MtmRun.objects.filter(approval_id=pk).count()
        found["ok"] = found == {"journal": 1, "executed_events": 1, "prices": 1, "mtm_runs": 1}
    return found
