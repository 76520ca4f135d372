"""Creates the `Price feed` group, the role of the service accounts that post market prices."""

from django.db import migrations

PRICE_FEED = "Price feed"


def create_role(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name=PRICE_FEED)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_idempotencyrecord")]
    operations = [migrations.RunPython(create_role, migrations.RunPython.noop)]
