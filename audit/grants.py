"""The runtime role's rights on PostgreSQL: what the application needs, nothing it could disarm.

SELECT and INSERT on append-only tables; SELECT, INSERT, UPDATE, DELETE on the others;
SELECT only on django_migrations; USAGE on sequences. No ownership, so no ALTER, DROP,
TRUNCATE, trigger or function change. Granted again after every `migrate` (tables added by
later migrations included) and after a restore, by the owner, in one transaction.
"""

from .triggers import append_only_models

READ_ONLY_TABLES = ("django_migrations",)


def grant_statements(role: str, *, schema: str, tables: set[str]) -> list[str]:
    """The SQL that leaves `role` with exactly the runtime rights on `tables` of `schema`."""
    who, where = _quote(role), _quote(schema)
    statements = [
        f"GRANT USAGE ON SCHEMA {where} TO {who}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {where} FROM {who}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {where} FROM {who}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {where} TO {who}",
        f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {where} TO {who}",
    ]
    append_only = sorted({m._meta.db_table for m in append_only_models()} & tables)
    statements += [f"REVOKE UPDATE, DELETE ON {where}.{_quote(table)} FROM {who}" for table in append_only]
    statements += [
        f"REVOKE INSERT, UPDATE, DELETE ON {where}.{_quote(table)} FROM {who}"
        for table in READ_ONLY_TABLES
        if table in tables
    ]
    return statements


def grant_runtime_role(connection, role: str) -> list[str]:
    """On an owner's PostgreSQL connection (not in a transaction): (re)grant `role` its runtime
    rights in one transaction, so that no request sees it half-granted. Returns the SQL run."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        schema = cursor.fetchone()[0]
        statements = grant_statements(role, schema=schema, tables=set(connection.introspection.table_names(cursor)))
        cursor.execute("BEGIN")
        try:
            for statement in statements:
                cursor.execute(statement)
        except BaseException:
            cursor.execute("ROLLBACK")
            raise
        cursor.execute("COMMIT")
    return statements


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
