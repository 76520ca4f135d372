"""The database refuses UPDATE and DELETE on sign-offs."""

from django.db import migrations

from audit.triggers import InstallAppendOnlyTriggers


class Migration(migrations.Migration):
    dependencies = [("desk", "0001_initial")]

    operations = [InstallAppendOnlyTriggers("SignOff")]
