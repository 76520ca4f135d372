"""Database triggers that refuse UPDATE, DELETE and TRUNCATE on append-only tables,
and refuse an insert that does not link to the head of its chain; on PostgreSQL, each chained
table's function that locks a chain and reads its head (`chain.append` calls it).

They hold for every client, raw SQL included. The application's runtime role owns no table,
so it cannot disable or replace them (`grants.py`); the owner and a PostgreSQL superuser
(`session_replication_role = replica`) can, which is why every append-only table is chained.
"""

from django.apps import apps
from django.db import connections
from django.db.migrations.operations.base import Operation

from .canonical import GENESIS
from .models import AppendOnlyModel


def lock_head_function(table: str) -> str:
    """The function that locks one of `table`'s chains and returns its head (seq, hash) on PostgreSQL."""
    return f"{table}_lock_head"


def _pg_sql(table: str, chained: bool) -> list[str]:
    sql = [
        f"""CREATE OR REPLACE FUNCTION {table}_refuse() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'append-only table {table}: % refused', TG_OP USING ERRCODE = '42501';
END $$ LANGUAGE plpgsql""",
        f"DROP TRIGGER IF EXISTS {table}_no_change ON {table}",
        f"""CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table}
FOR EACH ROW EXECUTE FUNCTION {table}_refuse()""",
        f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}",
        f"""CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
FOR EACH STATEMENT EXECUTE FUNCTION {table}_refuse()""",
    ]
    if chained:
        sql += [
            # Static SQL, so its plan is cached: it runs under the chain's lock on every append.
            # A VOLATILE function's statement takes a fresh snapshot: it sees the head committed
            # by the writer that held the lock before.
            f"""CREATE OR REPLACE FUNCTION {lock_head_function(table)}(chain_name text, lock_key bigint,
                                                 OUT seq bigint, OUT hash text) AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(lock_key);
  SELECT t.seq, t.hash INTO seq, hash FROM {table} t WHERE t.chain = chain_name ORDER BY t.seq DESC LIMIT 1;
END $$ LANGUAGE plpgsql VOLATILE""",
            f"""CREATE OR REPLACE FUNCTION {table}_link() RETURNS trigger AS $$
DECLARE head_seq bigint; head_hash varchar;
BEGIN
  SELECT seq, hash INTO head_seq, head_hash FROM {table}
   WHERE chain = NEW.chain ORDER BY seq DESC LIMIT 1;
  IF NEW.seq <> COALESCE(head_seq, 0) + 1 OR NEW.prev_hash <> COALESCE(head_hash, '{GENESIS}') THEN
    RAISE EXCEPTION 'append-only table {table}: row does not link to the head of chain % (seq %)',
      NEW.chain, NEW.seq USING ERRCODE = '23514';
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql""",
            f"DROP TRIGGER IF EXISTS {table}_link ON {table}",
            f"""CREATE TRIGGER {table}_link BEFORE INSERT ON {table}
FOR EACH ROW EXECUTE FUNCTION {table}_link()""",
        ]
    return sql


def _sqlite_sql(table: str, chained: bool) -> list[str]:
    sql = [
        f"""CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table}
BEGIN SELECT RAISE(ABORT, 'append-only table {table}: UPDATE refused'); END""",
        f"""CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table}
WHEN pms_purge_allowed() = 0
BEGIN SELECT RAISE(ABORT, 'append-only table {table}: DELETE refused'); END""",
    ]
    if chained:
        sql.append(
            f"""CREATE TRIGGER IF NOT EXISTS {table}_link BEFORE INSERT ON {table}
WHEN NEW.seq <> COALESCE((SELECT MAX(seq) FROM {table} WHERE chain = NEW.chain), 0) + 1
  OR NEW.prev_hash <> COALESCE(
       (SELECT hash FROM {table} WHERE chain = NEW.chain AND seq = NEW.seq - 1), '{GENESIS}')
BEGIN SELECT RAISE(ABORT, 'append-only table {table}: row does not link to the head of its chain'); END"""
        )
    return sql


def trigger_sql(vendor: str, table: str, chained: bool) -> list[str]:
    if vendor == "postgresql":
        return _pg_sql(table, chained)
    if vendor == "sqlite":
        return _sqlite_sql(table, chained)
    raise NotImplementedError(f"append-only triggers are not written for {vendor}")


def _is_chained(model) -> bool:
    """By its columns, so that a migration's historical model answers as of that migration."""
    return {"chain", "seq", "prev_hash", "hash"} <= {field.name for field in model._meta.get_fields()}


def install(connection, model) -> None:
    chained = _is_chained(model)
    with connection.cursor() as cursor:
        for statement in trigger_sql(connection.vendor, model._meta.db_table, chained):
            cursor.execute(statement)


class InstallAppendOnlyTriggers(Operation):
    """Migration operation: put the append-only triggers on a model's table."""

    reversible = True
    reduces_to_sql = False

    def __init__(self, model_name: str):
        self.model_name = model_name

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        install(schema_editor.connection, to_state.apps.get_model(app_label, self.model_name))

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        pass

    def describe(self) -> str:
        return f"Install append-only triggers on {self.model_name}"

    def deconstruct(self):
        return (self.__class__.__qualname__, [self.model_name], {})


def append_only_models(models=None) -> list[type[AppendOnlyModel]]:
    """The registry of append-only tables: every concrete AppendOnlyModel (of `models`, or of every app)."""
    return [m for m in (apps.get_models() if models is None else models) if issubclass(m, AppendOnlyModel)]


def ensure_all_triggers(sender=None, using="default", **kwargs) -> None:
    """post_migrate, per app: (re)install triggers on the app's append-only tables."""
    connection = connections[using]
    tables = set(connection.introspection.table_names())
    for model in append_only_models(sender.get_models() if sender is not None else None):
        if model._meta.db_table in tables:
            install(connection, model)


# SQLite: the DELETE trigger asks this function. It exists only in this process, so any
# other client (the sqlite3 shell included) fails the trigger and is refused as well.
_purge_allowed = False


def register_sqlite_function(sender, connection, **kwargs) -> None:
    """connection_created: give Django's SQLite connections `pms_purge_allowed()`."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("pms_purge_allowed", 0, lambda: int(_purge_allowed), deterministic=False)


class purge_allowed:
    """Test-database teardown only: lets Django's flush empty append-only tables.

    PostgreSQL: `session_replication_role = replica` (needs a superuser), SQLite: the
    in-process flag above. Never used by the application.
    """

    def __init__(self, connection):
        self.connection = connection

    def __enter__(self):
        global _purge_allowed
        if self.connection.vendor == "postgresql":
            with self.connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = replica")
        _purge_allowed = True
        return self

    def __exit__(self, *exc):
        global _purge_allowed
        _purge_allowed = False
        if self.connection.vendor == "postgresql":
            with self.connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = DEFAULT")
