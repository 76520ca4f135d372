"""Inspect the database this process is connected to: what verification compares.

Run in a subprocess whose DATABASE_URL is the scratch copy (`manage.py backup_inspect`)
and in-process on the live database right after a restore.
"""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from audit.chain import chained_models, chains_of, verify_chain

from . import snapshot


def pending_migrations() -> list[str]:
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _ in plan]


def verify_chains() -> list[dict]:
    """Every chain of every chained table present here (an older schema may lack some)."""
    existing = set(connection.introspection.table_names())
    models = [m for m in chained_models() if m._meta.db_table in existing]
    return [verify_chain(model, chain).as_dict() for model in models for chain in chains_of(model)]


def inspect() -> dict:
    with connection.cursor() as cursor:
        taken = snapshot.take(cursor, connection.vendor)
    return {**taken, "chains": verify_chains(), "pending_migrations": pending_migrations()}
