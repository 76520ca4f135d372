"""Database rules for positions: recorded facts never change, a closed position stays closed,
and no position is ever deleted — for every client, raw SQL included.

The application may still move a position's changing state (status, marks, exit) forward.
Installed by migration 0002 and re-installed after every migrate (SQLite drops triggers
when it rebuilds a table).
"""

from django.db import connections

TABLE = "book_position"
FACTS = ("instrument_id", "direction", "size", "entry_price", "opened_at", "opened_by", "corrects_id")
CLOSED_FIELDS = ("status", "exit_price", "closed_at", "realized_pnl")


def _changed(fields: tuple[str, ...], op: str) -> str:
    return " OR ".join(f"NEW.{name} {op} OLD.{name}" for name in fields)


PG = [
    f"""CREATE OR REPLACE FUNCTION {TABLE}_guard() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' OR TG_OP = 'TRUNCATE' THEN
    RAISE EXCEPTION '{TABLE}: % refused; positions are never deleted (close or correct it)', TG_OP
      USING ERRCODE = '42501';
  END IF;
  IF {_changed(FACTS, "IS DISTINCT FROM")} THEN
    RAISE EXCEPTION '{TABLE}: recorded facts of position % never change; enter a correction', OLD.id
      USING ERRCODE = '42501';
  END IF;
  IF OLD.status = 'CLOSED' AND ({_changed(CLOSED_FIELDS, "IS DISTINCT FROM")}) THEN
    RAISE EXCEPTION '{TABLE}: position % is closed; its close is final', OLD.id USING ERRCODE = '42501';
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql""",
    f"DROP TRIGGER IF EXISTS {TABLE}_guard ON {TABLE}",
    f"CREATE TRIGGER {TABLE}_guard BEFORE UPDATE OR DELETE ON {TABLE} FOR EACH ROW EXECUTE FUNCTION {TABLE}_guard()",
    f"DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE}",
    f"""CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE}
FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_guard()""",
]

SQLITE = [
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_facts BEFORE UPDATE ON {TABLE}
WHEN {_changed(FACTS, "IS NOT")}
BEGIN SELECT RAISE(ABORT, '{TABLE}: recorded facts of a position never change; enter a correction'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_closed BEFORE UPDATE ON {TABLE}
WHEN OLD.status = 'CLOSED' AND ({_changed(CLOSED_FIELDS, "IS NOT")})
BEGIN SELECT RAISE(ABORT, '{TABLE}: the position is closed; its close is final'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_no_delete BEFORE DELETE ON {TABLE}
WHEN pms_purge_allowed() = 0
BEGIN SELECT RAISE(ABORT, '{TABLE}: DELETE refused; positions are never deleted (close or correct it)'); END""",
]


def install(connection) -> None:
    """Create (or replace) the position rules on this connection's database."""
    statements = {"postgresql": PG, "sqlite": SQLITE}.get(connection.vendor)
    if statements is None:
        raise NotImplementedError(f"position triggers are not written for {connection.vendor}")
    if TABLE not in connection.introspection.table_names():
        return
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def install_after_migrate(sender=None, using="default", **kwargs) -> None:
    """post_migrate: keep the triggers even after SQLite rebuilt the table."""
    install(connections[using])
