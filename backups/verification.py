"""Verify a backup by restoring it: "a backup that has not been restored is not a backup".

The dump is restored into a scratch database (PostgreSQL: a temporary database filled by
pg_restore; SQLite: a copy of the file), a separate process connected to the copy reports
what it sees, and that is compared with what was recorded when the backup was made.
The result is a list of named checks; the first failing one is the reason shown.
A backup's first verification also writes its CSV exports from the restored copy, once every
check has passed: they hold exactly the rows the dump restores to.
"""

import contextlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.db import connection

from core import dbroles

from . import engine, pgtools
from .errors import BackupError


def _check(name: str, ok: bool, detail: str) -> dict:
    return {"name": name, "ok": ok, "detail": detail}


def check_files(directory: Path, files: list[dict]) -> dict:
    """Each file still there with its recorded size and sha256 (catches truncation and edits)."""
    for entry in files:
        path = directory / entry["name"]
        if not path.is_file():
            return _check("files", False, f"{entry['name']} is missing")
        size = path.stat().st_size
        if size != entry["size"]:
            return _check("files", False, f"{entry['name']} is {size} bytes, {entry['size']} were written (truncated?)")
        if engine.sha256_of(path) != entry["sha256"]:
            return _check("files", False, f"sha256 of {entry['name']} differs from the one recorded: file altered")
    return _check("files", True, f"{len(files)} files match their sha256")


def inspect_database(database_url: str) -> dict:
    """Run `manage.py backup_inspect` against another database and return its JSON."""
    module = os.environ.get("DJANGO_SETTINGS_MODULE") or settings.SETTINGS_MODULE or "pms_ops.settings"
    env = dict(os.environ, DATABASE_URL=database_url, DATABASE_OWNER_URL=database_url, DJANGO_SETTINGS_MODULE=module)
    command = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "backup_inspect"]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=3600, cwd=settings.BASE_DIR)
    if result.returncode != 0:
        tail = " ".join(result.stderr.strip().splitlines()[-3:])
        raise BackupError(f"inspecting the restored copy failed: {tail}")
    return json.loads(result.stdout)


def scratch_name(backup_id: int) -> str:
    """The scratch database of a backup's verification; the sweeper drops it after a killed worker."""
    return f"{connection.settings_dict['NAME']}_verify_{backup_id}"[:63]


@contextlib.contextmanager
def restored_postgresql(dump: Path, backup_id: int) -> Iterator[tuple[dict, object]]:
    """The dump restored into a scratch database: what a separate process sees there, and a cursor on it."""
    scratch = scratch_name(backup_id)
    pgtools.create_database(scratch)
    try:
        pgtools.restore_into(dump, scratch)
        seen = inspect_database(dbroles.url(dbroles.owner_settings(), scratch))
        with dbroles.owner_connection(name=scratch) as copy, copy.cursor() as cursor:
            yield seen, cursor
    finally:
        pgtools.drop_database(scratch)


@contextlib.contextmanager
def restored_sqlite(dump: Path) -> Iterator[tuple[dict, object]]:
    """A copy of the SQLite file, integrity-checked: what a separate process sees there, and a cursor on it."""
    with tempfile.TemporaryDirectory(prefix="pms-verify-") as scratch_dir:
        copy = Path(scratch_dir) / "scratch.sqlite3"
        shutil.copyfile(dump, copy)
        try:
            db = sqlite3.connect(copy)
            result = db.execute("PRAGMA integrity_check").fetchone()[0]
            db.close()
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"the SQLite copy does not open: {exc}") from exc
        if result != "ok":
            raise BackupError(f"SQLite integrity_check of the copy: {result}")
        seen = inspect_database(f"sqlite:///{copy}")
        db = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
        try:
            yield seen, db.cursor()
        finally:
            db.close()


def compare(recorded: dict, seen: dict) -> list[dict]:
    """The restored copy against the record: chains, row counts, chain heads, migrations."""
    broken = [c for c in seen["chains"] if not c["ok"]]
    checks = [
        _check(
            "chains",
            not broken,
            f"broken link in {broken[0]['broken']}" if broken else f"{len(seen['chains'])} chains verify",
        )
    ]
    differ = {
        t: (n, seen["row_counts"].get(t)) for t, n in recorded["row_counts"].items() if seen["row_counts"].get(t) != n
    }
    detail = "; ".join(f"{t}: recorded {a}, restored {b}" for t, (a, b) in differ.items())
    checks.append(_check("row_counts", not differ, detail or f"{len(recorded['row_counts'])} tables match"))
    heads_ok = seen["chain_heads"] == recorded["chain_heads"]
    checks.append(_check("chain_heads", heads_ok, "equal" if heads_ok else "chain heads differ from those recorded"))
    same = seen["migrations"] == recorded["migrations"]
    checks.append(
        _check("migrations", same, "as recorded" if same else "applied migrations differ from those recorded")
    )
    return checks


def verify(*, backup_id: int, directory: Path, file: str, files: list[dict], recorded: dict, stamp: str) -> dict:
    """{"ok", "checks", "reason", "exported"}: every check passed, or the first that failed, in words.

    `exported`: the CSV files written from the restored copy, when `files` had none yet."""
    checks, exported = [check_files(directory, files)], []
    if checks[0]["ok"]:
        vendor = connection.vendor
        restored = (
            restored_postgresql(directory / file, backup_id)
            if vendor == "postgresql"
            else restored_sqlite(directory / file)
        )
        try:
            with restored as (seen, cursor):
                checks.append(_check("restore", True, "restored into a scratch database"))
                checks += compare(recorded, seen)
                if all(c["ok"] for c in checks) and not any(f["name"].endswith(".csv") for f in files):
                    exported = _export(cursor, vendor, directory, stamp, checks)
        except BackupError as exc:
            checks.append(_check("restore", False, exc.detail))
        except Exception as exc:  # whatever went wrong, the backup is not proven good
            checks.append(_check("restore", False, f"{type(exc).__name__}: {exc}"))
    failed = next((c for c in checks if not c["ok"]), None)
    reason = f"{failed['name']}: {failed['detail']}" if failed else ""
    return {"ok": failed is None, "checks": checks, "reason": reason, "exported": exported}


def _export(cursor, vendor: str, directory: Path, stamp: str, checks: list[dict]) -> list[dict]:
    """The CSV exports from the restored copy; a failure (a full disk) is a failed check, not a lost backup run."""
    try:
        exported = engine.export_csvs(cursor, vendor, directory, stamp)
    except Exception as exc:  # a full disk, a lost connection: the backup run is incomplete
        checks.append(_check("csv_exports", False, f"{type(exc).__name__}: {exc}"))
        return []
    checks.append(_check("csv_exports", True, f"{len(exported)} tables exported from the restored copy"))
    return exported
