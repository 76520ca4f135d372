"""Seed 003's post-outage checklist ("System Recovery"), which sends people to a fresh reconciliation."""

from django.db import migrations

from incidents import seed


def load(apps, schema_editor):
    seed.load(apps)  # additive: adds the runbooks the library gained since, leaves stored ones alone


class Migration(migrations.Migration):
    dependencies = [("incidents", "0007_warroom")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
