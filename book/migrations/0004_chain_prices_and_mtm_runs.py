"""Issue 11: the append-only price, mtmrun rows join a hash chain; existing rows are linked in id order."""

from django.db import migrations, models

import audit.operations
import audit.triggers


class Migration(migrations.Migration):
    dependencies = [("book", "0003_price_manual")]

    operations = [
        migrations.AddField(model_name="price", name="chain", field=models.CharField(default="main", max_length=100)),
        migrations.AddField(
            model_name="price", name="seq", field=models.PositiveBigIntegerField(default=0), preserve_default=False
        ),
        migrations.AddField(
            model_name="price",
            name="prev_hash",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="price", name="hash", field=models.CharField(default="", max_length=64), preserve_default=False
        ),
        audit.operations.ChainExistingRows(
            "price",
            "prices",
            ("instrument", "price", "source", "as_of", "recorded_at", "recorded_by", "manual", "approval_id"),
        ),
        migrations.AddConstraint(
            model_name="price",
            constraint=models.UniqueConstraint(fields=("chain", "seq"), name="book_price_chain_seq"),
        ),
        migrations.AddConstraint(
            model_name="price",
            constraint=models.UniqueConstraint(fields=("chain", "prev_hash"), name="book_price_chain_prev"),
        ),
        audit.triggers.InstallAppendOnlyTriggers("price"),
        migrations.AddField(model_name="mtmrun", name="chain", field=models.CharField(default="main", max_length=100)),
        migrations.AddField(
            model_name="mtmrun", name="seq", field=models.PositiveBigIntegerField(default=0), preserve_default=False
        ),
        migrations.AddField(
            model_name="mtmrun",
            name="prev_hash",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="mtmrun", name="hash", field=models.CharField(default="", max_length=64), preserve_default=False
        ),
        audit.operations.ChainExistingRows(
            "mtmrun",
            "mtm",
            ("ran_at", "ran_by", "prices", "positions_marked", "unrealized_pnl", "manual", "approval_id"),
        ),
        migrations.AddConstraint(
            model_name="mtmrun",
            constraint=models.UniqueConstraint(fields=("chain", "seq"), name="book_mtmrun_chain_seq"),
        ),
        migrations.AddConstraint(
            model_name="mtmrun",
            constraint=models.UniqueConstraint(fields=("chain", "prev_hash"), name="book_mtmrun_chain_prev"),
        ),
        audit.triggers.InstallAppendOnlyTriggers("mtmrun"),
    ]
