"""Making the files of one backup: the dump and what was in it; the CSV exports of a restored copy.

Everything is written under a `.partial` name and renamed only when all of it is on disk,
so a killed worker or a full disk never leaves a file that looks finished.
PostgreSQL: one REPEATABLE READ transaction exports its snapshot to `pg_dump --snapshot`
and is itself used for the counts and chain heads: both describe the dump's instant.
SQLite: the online backup API copies a consistent file, and everything is read from it.
The CSVs are written by verification from the dump restored into a scratch database
(`export_csvs`): they are the dump's rows, and the dump is not slowed by a second reader.
"""

import contextlib
import hashlib
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

from django.db import connection

from core.dbroles import owner_connection

from . import exports, pgtools, snapshot
from .errors import BackupError

PARTIAL = ".partial"
Progress = Callable[[int, str], None]


def dump_name(stamp: str, vendor: str) -> str:
    return f"pms_ops_{stamp}.{'pgdump' if vendor == 'postgresql' else 'sqlite3'}"


def _partial(directory: Path, name: str) -> Path:
    return directory / f"{name}{PARTIAL}"


@contextlib.contextmanager
def _pg_snapshot() -> Iterator[tuple[object, str]]:
    """A separate connection (the owner's, like pg_dump) holding one read-only REPEATABLE READ snapshot, and its id."""
    with owner_connection() as conn, conn.cursor() as cursor:
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        yield cursor, cursor.fetchone()[0]
        cursor.execute("COMMIT")


def _make_postgresql(directory: Path, stamp: str, progress: Progress) -> tuple[list[str], dict]:
    name = dump_name(stamp, "postgresql")
    with _pg_snapshot() as (cursor, snapshot_id):
        progress(5, "pg_dump -Fc (running), counting rows and reading chain heads")
        dump = pgtools.Dump(_partial(directory, name), snapshot=snapshot_id)
        try:
            recorded = snapshot.take(cursor, "postgresql")
            progress(30, "waiting for pg_dump")
            dump.wait()
        finally:
            dump.stop()
    return [name], recorded


def _make_sqlite(directory: Path, stamp: str, progress: Progress) -> tuple[list[str], dict]:
    name = dump_name(stamp, "sqlite")
    path = _partial(directory, name)
    progress(5, "SQLite online backup")
    if connection.in_atomic_block:
        # The online backup waits for the source's write lock forever: refuse instead of hanging.
        raise BackupError("the SQLite online backup cannot run inside an open transaction; run it from a task")
    connection.ensure_connection()
    target = sqlite3.connect(path)
    try:
        connection.connection.backup(target)
    finally:
        target.close()
    copy = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        progress(30, "counting rows and reading chain heads")
        cursor = copy.cursor()
        recorded = snapshot.take(cursor, "sqlite")
    finally:
        copy.close()
    return [name], recorded


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _finish(directory: Path, names: list[str]) -> list[dict]:
    """Checksum each file, then rename it into place: from here on it counts as written."""
    files = []
    for name in names:
        partial = _partial(directory, name)
        files.append({"name": name, "size": partial.stat().st_size, "sha256": sha256_of(partial)})
    for name in names:
        _partial(directory, name).rename(directory / name)
    return files


def make(directory: Path, stamp: str, progress: Progress) -> dict:
    """Write the backup's dump; returns {"file", "files", "row_counts", "chain_heads", "migrations"}."""
    directory.mkdir(parents=True, exist_ok=True)
    maker = _make_postgresql if connection.vendor == "postgresql" else _make_sqlite
    names, recorded = maker(directory, stamp, progress)
    progress(92, "checksum")
    return {"file": names[0], "files": _finish(directory, names), **recorded}


def export_csvs(cursor, vendor: str, directory: Path, stamp: str) -> list[dict]:
    """One CSV per PMS table present, read through `cursor`, checksummed; returns their file entries.

    A failure leaves no file: the partial CSVs are removed before the error goes on."""
    existing = snapshot.existing_tables(cursor, vendor)
    names = []
    try:
        for model in snapshot.exported_models():
            table = model._meta.db_table
            if table in existing:
                names.append(f"{table}_{stamp}.csv")
                exports.export(cursor, vendor, table, model._meta.pk.column, _partial(directory, names[-1]))
        return _finish(directory, names)
    except BaseException:
        for name in names:
            with contextlib.suppress(OSError):  # the first error is the one to report
                _partial(directory, name).unlink(missing_ok=True)
        raise


def remove_files(directory: Path, stamp: str) -> list[str]:
    """Remove every file of one backup, finished or partial; returns the names removed."""
    removed = []
    if directory.is_dir():
        for path in directory.glob(f"*_{stamp}.*"):
            path.unlink(missing_ok=True)
            removed.append(path.name)
    return sorted(removed)
