"""What a backup records about the database: row counts per table, chain heads, migrations.

Computed with plain SQL on a given DB-API cursor, so the same code reads the live
database inside the exported snapshot (PostgreSQL), the SQLite backup file itself, or a
scratch copy during verification — whatever was dumped is exactly what was counted.
"""

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import models

from audit.models import ChainedModel


def _is_project_app(config) -> bool:
    """Apps of this repository (not Django's nor a library's): their tables are the PMS's."""
    path = Path(config.path).resolve()
    base = Path(settings.BASE_DIR).resolve()
    return path.is_relative_to(base) and ".venv" not in path.parts and "site-packages" not in path.parts


def exported_models() -> list[type[models.Model]]:
    """Every concrete table of every project app, found through the app registry: tables
    that other apps add later are exported and counted without a change here."""
    found = []
    for config in apps.get_app_configs():
        if _is_project_app(config):
            found += [m for m in config.get_models() if m._meta.managed and not m._meta.proxy]
    return sorted(found, key=lambda m: m._meta.db_table)


def chained_tables() -> list[str]:
    return [m._meta.db_table for m in exported_models() if issubclass(m, ChainedModel)]


def row_counts(cursor, tables: list[str]) -> dict[str, int]:
    counts = {}
    for table in tables:
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
        counts[table] = cursor.fetchone()[0]
    return counts


def chain_heads(cursor, tables: list[str]) -> list[dict]:
    """{"table","chain","head_seq","head_hash"} per chain, the shape of audit's chain_heads().

    The chains are found by hopping through the (chain, seq) unique index, one probe per chain,
    not by grouping every row: the backup reads them beside a running pg_dump."""
    heads = []
    for table in tables:
        cursor.execute(
            f'WITH RECURSIVE chains(chain) AS (SELECT MIN(chain) FROM "{table}" UNION ALL '
            f'SELECT (SELECT MIN(chain) FROM "{table}" WHERE chain > chains.chain) FROM chains '
            "WHERE chains.chain IS NOT NULL) "
            f'SELECT t.chain, t.seq, t.hash FROM chains JOIN "{table}" t ON t.chain = chains.chain '
            f'AND t.seq = (SELECT MAX(seq) FROM "{table}" WHERE chain = chains.chain) ORDER BY t.chain'
        )
        heads += [{"table": table, "chain": c, "head_seq": s, "head_hash": h} for c, s, h in cursor.fetchall()]
    return heads


def applied_migrations(cursor) -> list[str]:
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    return [f"{app}.{name}" for app, name in cursor.fetchall()]


def existing_tables(cursor, vendor: str) -> set[str]:
    if vendor == "postgresql":
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    else:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    return {row[0] for row in cursor.fetchall()}


def present(tables: list[str], cursor, vendor: str) -> list[str]:
    """Tables of the current code that exist in this database (an older schema lacks some)."""
    existing = existing_tables(cursor, vendor)
    return [t for t in tables if t in existing]


def take(cursor, vendor: str) -> dict:
    """Everything a backup records, read through one cursor (one consistent view)."""
    tables = present([m._meta.db_table for m in exported_models()], cursor, vendor)
    return {
        "row_counts": row_counts(cursor, tables),
        "chain_heads": chain_heads(cursor, present(chained_tables(), cursor, vendor)),
        "migrations": applied_migrations(cursor),
    }
