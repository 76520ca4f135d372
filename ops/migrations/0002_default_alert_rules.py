"""Seed 000's alert thresholds for every probe, with the severity and runbook of its incident.

The rows come from the probe catalog through `ops.seed.load` (additive and idempotent, see
there): one declaration of each probe, not a copy here that could drift from it.
"""

from django.db import migrations

from ops import seed


def create(apps, schema_editor):
    seed.load(apps)


class Migration(migrations.Migration):
    dependencies = [("ops", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
