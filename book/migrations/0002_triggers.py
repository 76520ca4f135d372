"""Database-enforced rules: append-only ledger, prices and MTM runs; immutable position facts."""

from django.db import migrations

from audit.triggers import InstallAppendOnlyTriggers


def install_position_rules(apps, schema_editor):
    from book import triggers

    triggers.install(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("book", "0001_initial")]

    operations = [
        InstallAppendOnlyTriggers("LedgerEntry"),
        InstallAppendOnlyTriggers("Price"),
        InstallAppendOnlyTriggers("MtmRun"),
        migrations.RunPython(install_position_rules, migrations.RunPython.noop),
    ]
