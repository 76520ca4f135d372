"""Issue 15: price checks (kept, chained), price exceptions, and an instrument's own price tolerance."""

import django.db.models.deletion
from django.db import migrations, models

import audit.triggers


class Migration(migrations.Migration):
    dependencies = [
        ("book", "0004_chain_prices_and_mtm_runs"),
    ]

    operations = [
        migrations.CreateModel(
            name="PriceCheck",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("chain", models.CharField(default="main", max_length=100)),
                ("seq", models.PositiveBigIntegerField()),
                ("prev_hash", models.CharField(max_length=64)),
                ("hash", models.CharField(max_length=64)),
                ("checked_at", models.DateTimeField()),
                ("passed", models.BooleanField()),
                (
                    "checks",
                    models.JSONField(
                        default=list,
                        help_text='Each check: {"check": "move"|"fresh"|"sources"|"manual", "ok": bool, "detail": "..."}.',
                    ),
                ),
            ],
            options={
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="PriceException",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("checks", "Failed its checks on arrival (held)"),
                            ("stale", "Too old to mark open positions"),
                        ],
                        max_length=10,
                    ),
                ),
                ("detail", models.TextField()),
                (
                    "status",
                    models.CharField(choices=[("open", "Open"), ("cleared", "Cleared")], default="open", max_length=10),
                ),
                ("raised_at", models.DateTimeField()),
                ("cleared_at", models.DateTimeField(blank=True, null=True)),
                ("cleared_by", models.CharField(blank=True, max_length=150)),
                (
                    "resolution",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("confirmed", "A second source agreed: the price is used"),
                            ("superseded", "Replaced by a manual price (four eyes): the price is not used"),
                            ("refreshed", "A fresh price arrived"),
                        ],
                        max_length=12,
                    ),
                ),
                (
                    "approval_id",
                    models.BigIntegerField(
                        blank=True, help_text="The approved manual price that cleared it.", null=True
                    ),
                ),
            ],
            options={
                "ordering": ["-id"],
            },
        ),
        migrations.AddField(
            model_name="instrument",
            name="price_tolerance_pct",
            field=models.DecimalField(
                blank=True,
                decimal_places=3,
                help_text="How far (%) a price may move from the previous one, or differ from another feed's, before it is held; empty: BOOK_PRICE_TOLERANCE_PCT.",
                max_digits=7,
                null=True,
            ),
        ),
        migrations.AddConstraint(
            model_name="instrument",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("price_tolerance_pct__isnull", True), ("price_tolerance_pct__gt", 0), _connector="OR"
                ),
                name="book_instrument_tolerance_positive",
            ),
        ),
        migrations.AddField(
            model_name="pricecheck",
            name="price",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.PROTECT, related_name="checked", to="book.price"
            ),
        ),
        migrations.AddField(
            model_name="priceexception",
            name="cleared_by_price",
            field=models.ForeignKey(
                blank=True,
                help_text="The price that cleared it.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="book.price",
            ),
        ),
        migrations.AddField(
            model_name="priceexception",
            name="instrument",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="price_exceptions", to="book.instrument"
            ),
        ),
        migrations.AddField(
            model_name="priceexception",
            name="price",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="exceptions", to="book.price"
            ),
        ),
        migrations.AddConstraint(
            model_name="pricecheck",
            constraint=models.UniqueConstraint(fields=("chain", "seq"), name="book_pricecheck_chain_seq"),
        ),
        migrations.AddConstraint(
            model_name="pricecheck",
            constraint=models.UniqueConstraint(fields=("chain", "prev_hash"), name="book_pricecheck_chain_prev"),
        ),
        migrations.AddIndex(
            model_name="priceexception",
            index=models.Index(fields=["instrument", "status"], name="book_priceexc_instr_status"),
        ),
        migrations.AddConstraint(
            model_name="priceexception",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "open")), fields=("price", "kind"), name="book_price_exception_one_open"
            ),
        ),
        migrations.AddConstraint(
            model_name="priceexception",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("resolution", ""), ("status", "open")),
                    models.Q(
                        ("cleared_at__isnull", False),
                        ("status", "cleared"),
                        models.Q(("resolution", ""), _negated=True),
                    ),
                    _connector="OR",
                ),
                name="book_price_exception_cleared_consistent",
            ),
        ),
        audit.triggers.InstallAppendOnlyTriggers("pricecheck"),
    ]
