"""PostgreSQL: lock a chain and read its head in one round trip (a volatile function takes a fresh
snapshot for each statement, so the head read after the lock is the committed one)."""

from django.db import migrations

SQL = """
CREATE OR REPLACE FUNCTION pms_chain_lock_head(tbl regclass, chain_name text, lock_key bigint,
                                               OUT seq bigint, OUT hash text) AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(lock_key);
  EXECUTE 'SELECT seq, hash FROM ' || tbl::text || ' WHERE chain = $1 ORDER BY seq DESC LIMIT 1'
     INTO seq, hash USING chain_name;
END $$ LANGUAGE plpgsql VOLATILE
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SQL)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS pms_chain_lock_head(regclass, text, bigint)")


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_event_chain_id_index")]
    operations = [migrations.RunPython(forwards, backwards)]
