"""Each chained table gets its own lock-and-read-head function (`audit.triggers.lock_head_function`):
static SQL whose plan is cached, where 0004's one function for every table re-planned its dynamic
query under the chain's lock on every append. Installed here for the tables that exist (as every
`migrate` does after its last migration), then 0004's function is dropped."""

import importlib

from django.db import migrations

from audit.triggers import ensure_all_triggers

generic = importlib.import_module("audit.migrations.0004_chain_lock_head_function")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        ensure_all_triggers(using=schema_editor.connection.alias)
    generic.backwards(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("audit", "0006_event_composite_indexes_only")]
    operations = [migrations.RunPython(forwards, generic.forwards)]
