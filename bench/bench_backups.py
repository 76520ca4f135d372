"""Backups at 1,000,000 audit rows: backup + verification time, overhead against a raw
`pg_dump -Fc` of the same database in the same run (goal ≤ 10 %), and the full restore
procedure's time against seed 004's RTO for a full database restore (10-30 minutes)."""

import datetime as dt
import hashlib
import os
import subprocess
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

from audit.canonical import GENESIS, dumps, normalize

ROWS = int(os.environ.get("BENCH_BACKUP_ROWS", 1_000_000))
RTO_SECONDS = (10 * 60, 30 * 60)
COLUMNS = "chain, seq, prev_hash, hash, occurred_at, actor, action, subject_type, subject_id, payload, request_id"


def _rows(count: int):
    """Audit events with a precomputed hash chain, exactly as chain.append would write them."""
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    prev = GENESIS
    for seq in range(1, count + 1):
        occurred = start + dt.timedelta(seconds=seq)
        payload = {"position": seq % 5000, "qty": str(seq % 97)}
        content = {
            "chain": "audit",
            "seq": seq,
            "occurred_at": normalize(occurred),
            "actor": "system:bench",
            "action": "audit.chains.verified",
            "subject_type": "bench",
            "subject_id": str(seq),
            "payload": payload,
            "request_id": "",
            "client_ip": None,
        }
        digest = hashlib.sha256(prev.encode("ascii") + dumps(content)).hexdigest()
        yield ("audit", seq, prev, digest, occurred, "system:bench", "audit.chains.verified", "bench", str(seq),
               dumps(payload).decode(), "")  # fmt: skip
        prev = digest


def load(count: int) -> float:
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")  # bulk load: chain precomputed above
        with cursor.copy(f"COPY audit_event ({COLUMNS}) FROM STDIN") as copy:
            for row in _rows(count):
                copy.write_row(row)
        cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute("ANALYZE audit_event")
    return time.perf_counter() - started


def raw_pg_dump(directory: Path) -> tuple[float, int]:
    from backups import pgtools

    path = directory / "raw.pgdump"
    started = time.perf_counter()
    pgtools.run("pg_dump", ["-Fc", "-f", str(path), connection.settings_dict["NAME"]])
    return time.perf_counter() - started, path.stat().st_size


def _step_seconds(steps: list[dict]) -> dict:
    times = [dt.datetime.fromisoformat(s["at"]) for s in steps]
    return {
        s["step"]: round((t - p).total_seconds(), 2) for s, t, p in zip(steps[1:], times[1:], times[:-1], strict=True)
    }


def run() -> dict:
    from backups import procedure, restores, services

    settings.BACKUP_DIR = Path(tempfile.mkdtemp(prefix="pms-bench-backups-"))
    settings.MAINTENANCE_FLAG_PATH = settings.BACKUP_DIR / "maintenance.json"
    load_seconds = load(ROWS)
    raw_seconds, raw_size = raw_pg_dump(settings.BACKUP_DIR)

    started = time.perf_counter()
    backup = services.backup_run(backup_id=services.backup_start(actor="system:bench", trigger="command").pk)
    total = time.perf_counter() - started
    assert backup.status == "verified", backup.error

    restore = restores.restore_queue(
        actor="system:bench", backup_id=backup.pk, reason="bench", requested_by="system:bench", approved_by="bench"
    )
    started = time.perf_counter()
    restore = procedure.restore_run(restore_id=restore.pk)
    restore_seconds = time.perf_counter() - started
    assert restore.status == "succeeded", restore.error
    subprocess.run(["rm", "-rf", str(settings.BACKUP_DIR)], check=False)
    return {
        "rows": ROWS,
        "load_seconds": round(load_seconds, 2),
        "raw_pg_dump_seconds": round(raw_seconds, 2),
        "raw_pg_dump_bytes": raw_size,
        "backup_seconds": backup.duration_seconds,
        "backup_bytes_incl_csv": backup.size,
        "dump_bytes": backup.files[0]["size"],
        "overhead_vs_raw_pg_dump_pct": round(100 * (backup.duration_seconds - raw_seconds) / raw_seconds, 1),
        "overhead_goal_pct": 10,
        "verification_seconds": round(total - backup.duration_seconds, 2),
        "backup_plus_verification_seconds": round(total, 2),
        "restore_procedure_seconds": round(restore_seconds, 2),
        "restore_steps_seconds": _step_seconds(restore.steps),
        "rto_full_restore_seconds": list(RTO_SECONDS),
        "restore_share_of_rto_min_pct": round(100 * restore_seconds / RTO_SECONDS[0], 1),
    }
