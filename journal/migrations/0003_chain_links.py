"""Issue 11: the append-only journallink rows join a hash chain; existing rows are linked in id order."""

from django.db import migrations, models

import audit.operations
import audit.triggers


class Migration(migrations.Migration):
    dependencies = [("journal", "0002_search_and_indexes")]

    operations = [
        migrations.AddField(
            model_name="journallink", name="chain", field=models.CharField(default="main", max_length=100)
        ),
        migrations.AddField(
            model_name="journallink",
            name="seq",
            field=models.PositiveBigIntegerField(default=0),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="journallink",
            name="prev_hash",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="journallink",
            name="hash",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        audit.operations.ChainExistingRows("journallink", "journal-links", ("entry", "kind", "object_id")),
        migrations.AddConstraint(
            model_name="journallink",
            constraint=models.UniqueConstraint(fields=("chain", "seq"), name="journal_journallink_chain_seq"),
        ),
        migrations.AddConstraint(
            model_name="journallink",
            constraint=models.UniqueConstraint(fields=("chain", "prev_hash"), name="journal_journallink_chain_prev"),
        ),
        audit.triggers.InstallAppendOnlyTriggers("journallink"),
    ]
