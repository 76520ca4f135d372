from django.db import migrations

from journal.search import AddIdRangeIndex


class Migration(migrations.Migration):
    dependencies = [("journal", "0003_chain_links")]

    operations = [AddIdRangeIndex()]
