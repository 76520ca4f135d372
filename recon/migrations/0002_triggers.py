"""The database refuses UPDATE and DELETE on reconciliation's append-only tables."""

from django.db import migrations

from audit.triggers import InstallAppendOnlyTriggers


class Migration(migrations.Migration):
    dependencies = [("recon", "0001_initial")]

    operations = [
        InstallAppendOnlyTriggers("Statement"),
        InstallAppendOnlyTriggers("Run"),
        InstallAppendOnlyTriggers("BreakEvent"),
    ]
