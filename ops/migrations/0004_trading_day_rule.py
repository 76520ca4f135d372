"""The stored alert rule of the `trading_day` probe (a missed checklist sign-off), from the catalog."""

from django.db import migrations

from ops import seed


def load(apps, schema_editor):
    seed.load(apps)


class Migration(migrations.Migration):
    dependencies = [("ops", "0003_chain_leadership_changes")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
