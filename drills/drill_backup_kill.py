"""Drill 4, the worker killed during a backup and during its verification, M times each: after the
sweep nothing is left `running` or `verifying`, no scratch database (`<db>_verify_<id>`) or
`*.partial` file is left over, and the next backup succeeds and verifies.

The worker's whole process group gets SIGKILL at a random moment of the phase, and a new worker is
started at once (as a process supervisor would). Beat's sweeper (`backups-stale`) declares the dead
run dead after BACKUP_STALE_AFTER_SECONDS (8 s in the drills); the drill also sends the sweeper every
2 s (harness.sweeping), so that each kill takes seconds, not a minute.
"""

import random
import time

from django.db import connection

from backups.models import Backup

from .harness import DrillFailed, check, populate, sweeping, wait_for

FULL = {"kills": 10, "rounds": 6}
SHORT = {"kills": 2, "rounds": 2}
AFTER_KILL = {"running": "failed", "verifying": "bad"}


def run(stack, *, kills: int, rounds: int) -> dict:
    populate(stack.http, rounds)
    with sweeping(2):
        return _run(stack, kills)


def _run(stack, kills: int) -> dict:
    failures: list[str] = []
    http = stack.http
    killed = {"running": 0, "verifying": 0}
    missed = {"running": 0, "verifying": 0}
    sweep_seconds = []
    for phase in ("running", "verifying"):
        attempts, ceiling = 0, 0.3
        while killed[phase] < kills and attempts < kills * 4:
            attempts += 1
            backup = _start_backup(http)
            if not wait_for(lambda b=backup, p=phase: _status(b) == p, timeout=60, every=0.02):
                missed[phase] += 1  # finished (or failed) before the phase was caught
                wait_for(lambda b=backup: _status(b) not in ("queued", "running", "verifying"), timeout=120)
                continue
            time.sleep(random.uniform(0, ceiling))
            if _status(backup) != phase:  # the phase was shorter than the wait: aim earlier next time
                missed[phase] += 1
                ceiling /= 2
                wait_for(lambda b=backup: _status(b) not in ("queued", "running", "verifying"), timeout=120)
                continue
            stack.restart_worker()
            killed[phase] += 1
            started = time.monotonic()
            swept = wait_for(lambda b=backup: _status(b) not in ("running", "verifying"), timeout=60, every=0.5)
            sweep_seconds.append(time.monotonic() - started)
            status = _status(backup)
            check(failures, bool(swept) and status == AFTER_KILL[phase], f"backup {backup} killed {phase}: {status}")
            check(failures, not _scratch_databases(), f"scratch databases left: {_scratch_databases()}")
    partial = [str(p) for p in stack.env_path("BACKUP_DIR").rglob("*.partial")]
    check(failures, not partial, f"partial files left: {partial[:5]}")
    stuck = list(Backup.objects.running().values_list("pk", "status"))
    check(failures, not stuck, f"left in progress: {stuck}")
    final = _start_backup(http)
    wait_for(lambda: _status(final) not in ("queued", "running", "verifying"), timeout=180, every=0.5)
    check(failures, _status(final) == "verified", f"the next backup is {_status(final)}")
    for phase in killed:
        check(failures, killed[phase] == kills, f"killed {killed[phase]} of {kills} backups while {phase}")
    return {
        "killed": killed,
        "missed_phase": missed,
        "worker_kills": stack.worker.kills,
        "max_seconds_to_sweep": round(max(sweep_seconds), 1) if sweep_seconds else None,
        "next_backup": _status(final),
        "failures": failures,
    }


def _start_backup(http) -> int:
    """POST a backup (Ops); a 409 means the slot is still held: wait for it, bounded."""
    for _ in range(120):
        status, answer = http.call("POST", "/api/v1/ops/backups", "oscar", {}, timeout=30)
        if status == 202:
            return answer["id"]
        time.sleep(0.5)
    raise DrillFailed(f"no backup could be started: {status} {answer}")


def _status(pk: int) -> str:
    return Backup.objects.filter(pk=pk).values_list("status", flat=True).first()


def _scratch_databases() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s", [f"{connection.settings_dict['NAME']}_verify_%"]
        )
        return [row[0] for row in cursor.fetchall()]
