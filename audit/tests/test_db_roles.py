"""The runtime role cannot disarm the append-only rules: it owns nothing, so the database refuses
it every way around the triggers, on every table of the append-only registry."""

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from audit.grants import grant_statements
from audit.services import event_record
from audit.triggers import append_only_models
from core import dbroles

pytestmark = pytest.mark.postgres

TABLES = sorted(model._meta.db_table for model in append_only_models())

# What the owner could do to history; each one must be refused to the runtime role.
DISARMING = {
    "disable trigger": "ALTER TABLE {t} DISABLE TRIGGER ALL",
    "disable one trigger": "ALTER TABLE {t} DISABLE TRIGGER {t}_no_change",
    "alter column type": "ALTER TABLE {t} ALTER COLUMN id TYPE numeric USING id + 1",
    "replace the refusing function": (
        "CREATE OR REPLACE FUNCTION {t}_refuse() RETURNS trigger AS $$ BEGIN RETURN NEW; END $$ LANGUAGE plpgsql"
    ),
    "drop trigger": "DROP TRIGGER {t}_no_change ON {t}",
    "drop table": "DROP TABLE {t} CASCADE",
    "truncate": "TRUNCATE {t} CASCADE",
    "update": "UPDATE {t} SET id = id",
    "delete": "DELETE FROM {t}",
    "session_replication_role": "SET session_replication_role = replica",
}


def _refused(sql: str) -> str:
    with pytest.raises(DatabaseError) as refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    return str(refused.value)


def test_the_suite_connects_as_a_runtime_role_that_owns_nothing(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = current_user")
        assert cursor.fetchone() == (False, False, False)
        cursor.execute(
            "SELECT count(*) FROM pg_class WHERE relowner = (SELECT oid FROM pg_roles WHERE rolname = %s)",
            [connection.settings_dict["USER"]],
        )
        assert cursor.fetchone() == (0,)
    assert dbroles.runtime_role() == connection.settings_dict["USER"]
    assert not dbroles.is_owner()


@pytest.mark.parametrize("table", TABLES)
@pytest.mark.parametrize("what", sorted(DISARMING))
def test_the_runtime_role_cannot_get_around_the_triggers(db, table, what):
    event_record(actor=None, action="audit.chains.verified", payload={})  # history to protect
    message = _refused(DISARMING[what].format(t=table))
    assert "permission denied" in message or "must be owner" in message, message
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal AND tgenabled = 'O'",
            [table],
        )
        assert cursor.fetchone()[0] >= 2  # the UPDATE/DELETE and TRUNCATE refusals are still armed
        cursor.execute("SELECT count(*) FROM audit_event")
        assert cursor.fetchone() == (1,)


@pytest.mark.parametrize("table", TABLES)
def test_the_runtime_role_may_read_and_add_only(db, table):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT privilege_type FROM information_schema.role_table_grants WHERE grantee = current_user "
            "AND table_name = %s ORDER BY privilege_type",
            [table],
        )
        assert [row[0] for row in cursor.fetchall()] == ["INSERT", "SELECT"]


def test_grants_cover_every_append_only_table_present():
    statements = grant_statements("app", schema="public", tables={"audit_event", "book_position", "django_migrations"})
    assert 'REVOKE UPDATE, DELETE ON "public"."audit_event" FROM "app"' in statements
    assert not any("book_position" in s for s in statements)  # a mutable table keeps UPDATE (its own guard)
    assert 'REVOKE INSERT, UPDATE, DELETE ON "public"."django_migrations" FROM "app"' in statements


@pytest.fixture
def later_table(transactional_db):
    """A table a later migration would add: created by the owner, unknown to the runtime role."""
    with dbroles.owner_connection() as owner, owner.cursor() as cursor:
        cursor.execute("CREATE TABLE roles_test_later (id bigint PRIMARY KEY)")
    yield "roles_test_later"
    with dbroles.owner_connection() as owner, owner.cursor() as cursor:
        cursor.execute("DROP TABLE roles_test_later")


@pytest.mark.parametrize("command", ["migrate", "grant_runtime_role"])
def test_migrate_and_the_grant_command_give_new_tables_to_the_runtime_role(later_table, command):
    assert "permission denied" in _refused(f"SELECT * FROM {later_table}")
    call_command(command, verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {later_table} VALUES (1)")
        cursor.execute(f"SELECT count(*) FROM {later_table}")
        assert cursor.fetchone() == (1,)
        cursor.execute("SELECT current_user")
        assert cursor.fetchone() == (connection.settings_dict["USER"],)  # back as the runtime role
    assert "must be owner" in _refused(f"ALTER TABLE {later_table} ADD COLUMN x int")
