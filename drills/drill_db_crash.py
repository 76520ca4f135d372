"""Drill 2, database crashes: the private cluster is shut down with `pg_ctl stop -m immediate` (no
checkpoint, every connection cut, recovery from WAL on the next start) K times under a concurrent
write load over HTTP (journal entries, incident timeline events, positions). Every write that got a
2xx is there after the restarts, the chains verify (`manage.py verify_chains`), and no request got a
500: a lost connection answers 503 (core/errors.py).
"""

import random
import subprocess
import sys
import threading
import time
from collections import Counter

from book.models import Position
from incidents.models import TimelineEvent
from journal.models import JournalEntry

from .harness import BASE_DIR, Bounded, check, declare_incident, seed_book

FULL = {"crashes": 20, "threads": 4, "max_requests": 20000}
SHORT = {"crashes": 3, "threads": 3, "max_requests": 3000}
MODELS = {"journal": JournalEntry, "timeline": TimelineEvent, "position": Position}


def run(stack, *, crashes: int, threads: int, max_requests: int) -> dict:
    failures: list[str] = []
    http, cluster = stack.http, stack.cluster
    seed_book(http)
    incident = declare_incident(http)
    budget = Bounded(seconds=30 + crashes * 6, limit=max_requests)
    acked: list[tuple[str, int]] = []
    answers: Counter = Counter()
    lock = threading.Lock()

    def write(n: int) -> tuple[str, int, dict | None]:
        kind = random.choice(list(MODELS))
        if kind == "journal":
            body = {"entry_type": "note", "content": f"crash drill {n}", "tags": ["drill"]}
            return kind, *http.call("POST", "/api/v1/pms/journal", "pam", body, timeout=10)
        if kind == "timeline":
            body = {"kind": "note", "text": f"crash drill {n}"}
            return kind, *http.call("POST", f"/api/v1/incidents/{incident}/timeline", "ivy", body, timeout=10)
        body = {"instrument": "GOLD_MINI", "direction": "LONG", "size": 1, "entry_price": 71000, "stop_price": 70500}
        return kind, *http.call("POST", "/api/v1/pms/book/positions/open", "pam", body, timeout=10)

    def load() -> None:
        n = 0
        while budget.take():
            n += 1
            kind, status, answer = write(n)
            with lock:
                answers[status] += 1
                if 200 <= status < 300:
                    acked.append((kind, answer["id"]))
            if status in (0, 503):
                time.sleep(0.05)  # what a polite client does before it retries

    downtime = []
    workers = [threading.Thread(target=load) for _ in range(threads)]
    for thread in workers:
        thread.start()
    try:
        for _ in range(crashes):
            time.sleep(random.uniform(0.5, 2.0))
            cluster.crash()
            stopped = time.monotonic()
            time.sleep(random.uniform(0.1, 0.5))
            cluster.start()
            downtime.append(time.monotonic() - stopped)
        time.sleep(1.0)  # writes after the last restart
    finally:
        budget.stop.set()
        for thread in workers:
            thread.join()

    from django.db import connection

    connection.close()  # the drill's own connection died with the server
    missing = []
    for kind, model in MODELS.items():
        ids = {pk for k, pk in acked if k == kind}
        found = set(model.objects.filter(pk__in=ids).values_list("pk", flat=True))
        missing += [f"{kind} {pk}" for pk in sorted(ids - found)]
    check(failures, not missing, f"acknowledged writes missing after the crashes: {missing[:20]}")
    check(failures, answers[500] == 0, f"{answers[500]} requests answered 500 (a lost connection must answer 503)")
    after = {kind: write(0)[1] for kind in MODELS}
    check(failures, all(200 <= s < 300 for s in after.values()), f"writes after the last restart answered {after}")
    verify = subprocess.run(
        [sys.executable, "manage.py", "verify_chains"],
        env=stack.env,
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    check(
        failures,
        verify.returncode == 0,
        f"verify_chains after the crashes: {verify.stdout[-800:]}{verify.stderr[-800:]}",
    )
    return {
        "crashes": cluster.crashes,
        "requests": sum(answers.values()),
        "answers": {str(k): v for k, v in sorted(answers.items())},
        "acknowledged_writes": len(acked),
        "missing_after_restart": len(missing),
        "max_downtime_seconds": round(max(downtime), 2) if downtime else None,
        "chains_verify": verify.returncode == 0,
        "failures": failures,
    }
