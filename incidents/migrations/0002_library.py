"""Seed data: seed 003's severities and escalation path, and the runbook library of all seeds.

The rows come from `incidents.seed.load` (additive and idempotent, see there), the loader the
test harness also uses after a flush.
"""

from django.db import migrations

from incidents import seed


def load(apps, schema_editor):
    seed.load(apps)


class Migration(migrations.Migration):
    dependencies = [("incidents", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
