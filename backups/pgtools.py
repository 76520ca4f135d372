"""PostgreSQL client tools: the pg_dump/pg_restore/psql matching the server, and how we call them.

A pg_dump older than the server refuses to dump it, and a newer one writes archives an
older pg_restore cannot read; so we insist on the server's major version and name the
binary we looked for when it is missing.
"""

import os
import re
import shutil
import subprocess
from pathlib import Path

from django.conf import settings
from django.db import connection

from core.dbroles import owner_settings

from .errors import BackupError

VERSION = re.compile(r"\(PostgreSQL\) (\d+)")


def server_major() -> int:
    return connection.pg_version // 10000


def _candidates(tool: str, major: int) -> list[Path]:
    if settings.BACKUP_PG_BIN_DIR:
        return [Path(settings.BACKUP_PG_BIN_DIR) / tool]
    found = shutil.which(tool)
    return [Path(f"/usr/lib/postgresql/{major}/bin/{tool}"), *([Path(found)] if found else [])]


def _major_of(path: Path) -> int | None:
    try:
        out = subprocess.run([str(path), "--version"], capture_output=True, text=True, timeout=10).stdout
    except OSError:
        return None
    match = VERSION.search(out)
    return int(match.group(1)) if match else None


def find_tool(tool: str) -> str:
    """Path of `tool` whose major version equals the server's, or a BackupError naming it."""
    major = server_major()
    candidates = _candidates(tool, major)
    seen = []
    for path in candidates:
        if not (path.is_file() and os.access(path, os.X_OK)):
            continue
        version = _major_of(path)
        if version == major:
            return str(path)
        seen.append(f"{path} is version {version}")
    looked = ", ".join(str(p) for p in candidates) or f"{tool} on PATH"
    if seen:
        raise BackupError(f"{tool} for PostgreSQL {major} not found: {'; '.join(seen)} (server is {major}).")
    raise BackupError(
        f"{tool} for PostgreSQL {major} not found (looked for {looked}); "
        f"install postgresql-client-{major} or set BACKUP_PG_BIN_DIR."
    )


def conn_args() -> tuple[list[str], dict]:
    """Arguments and environment to reach the default database (or another on its server) as the owner."""
    db = owner_settings()
    args = ["-h", db["HOST"] or "127.0.0.1", "-p", str(db["PORT"] or 5432)]
    if db["USER"]:
        args += ["-U", db["USER"]]
    env = dict(os.environ)
    if db["PASSWORD"]:
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def run(tool: str, args: list[str], *, timeout: float | None = None) -> None:
    """Run a client tool against the server; a non-zero exit is a BackupError with its stderr."""
    base, env = conn_args()
    command = [find_tool(tool), *base, *args]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        raise BackupError(f"{tool} failed (exit {result.returncode}): {_tail(result.stderr)}")


def _tail(text: str, lines: int = 5) -> str:
    return " ".join(text.strip().splitlines()[-lines:]) or "no message"


class Dump:
    """A running `pg_dump -Fc` of the live database, from an exported snapshot.

    It runs beside us: while it compresses, our own connection (same snapshot) counts rows
    and reads the chain heads. The CSV exports are read later from the restored copy
    (verification), so the dump has the database to itself.
    """

    def __init__(self, path: Path, *, snapshot: str):
        base, env = conn_args()
        name = connection.settings_dict["NAME"]
        command = [find_tool("pg_dump"), *base, "-Fc", "--snapshot", snapshot, "-f", str(path), name]
        self.process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def wait(self) -> None:
        stderr = self.process.communicate()[1].decode(errors="replace")
        if self.process.returncode != 0:
            raise BackupError(f"pg_dump failed (exit {self.process.returncode}): {_tail(stderr)}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def create_database(name: str) -> None:
    drop_database(name)
    run("createdb", [name])


def drop_database(name: str) -> None:
    run("dropdb", ["--if-exists", "--force", name])


def restore_into(path: Path, dbname: str) -> None:
    """Restore a dump into an empty (scratch) database; the first error stops it."""
    run("pg_restore", ["--exit-on-error", "--no-owner", "--no-acl", "-d", dbname, str(path)])


def restore_live(path: Path) -> None:
    """Replace the live database's schema with the dump's, in ONE transaction.

    pg_restore writes the SQL script, psql runs it after dropping the public schema, all
    inside --single-transaction: any error rolls everything back and the live data is
    untouched. Dropping a table is not refused by the append-only triggers (they guard
    rows, not tables), and the triggers arrive after the data, so the COPY is not
    re-checked row by row; the chains are verified afterwards instead.
    """
    base, env = conn_args()
    name = connection.settings_dict["NAME"]
    script = subprocess.Popen(
        [find_tool("pg_restore"), "--no-owner", "--no-acl", "-f", "-", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    psql = [
        find_tool("psql"),
        *base,
        "-X",
        "-q",
        "-v",
        "ON_ERROR_STOP=1",
        "--single-transaction",
        "-c",
        "SET lock_timeout = '60s'",
        "-c",
        "DROP SCHEMA public CASCADE",
        "-c",
        "CREATE SCHEMA public",
        "-f",
        "-",
        name,
    ]
    result = subprocess.run(psql, stdin=script.stdout, env=env, capture_output=True, text=True)
    script.stdout.close()
    script_err = script.stderr.read().decode(errors="replace")
    if script.wait() != 0:
        raise BackupError(f"pg_restore could not read {path.name}: {_tail(script_err)} (live database unchanged)")
    if result.returncode != 0:
        raise BackupError(f"restore failed, rolled back (live database unchanged): {_tail(result.stderr)}")
