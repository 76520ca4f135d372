"""Issue 11: the append-only runbookversion rows join a hash chain; existing rows are linked in id order."""

from django.db import migrations, models

import audit.operations
import audit.triggers


class Migration(migrations.Migration):
    dependencies = [("incidents", "0003_started_at")]

    operations = [
        migrations.AddField(
            model_name="runbookversion", name="chain", field=models.CharField(default="main", max_length=100)
        ),
        migrations.AddField(
            model_name="runbookversion",
            name="seq",
            field=models.PositiveBigIntegerField(default=0),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="runbookversion",
            name="prev_hash",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="runbookversion",
            name="hash",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        audit.operations.ChainExistingRows(
            "runbookversion",
            "runbooks",
            (
                "runbook",
                "number",
                "recognition",
                "diagnostic_steps",
                "recovery_actions",
                "verification",
                "escalate_if",
                "created_at",
                "created_by",
            ),
        ),
        migrations.AddConstraint(
            model_name="runbookversion",
            constraint=models.UniqueConstraint(fields=("chain", "seq"), name="incidents_runbookversion_chain_seq"),
        ),
        migrations.AddConstraint(
            model_name="runbookversion",
            constraint=models.UniqueConstraint(
                fields=("chain", "prev_hash"), name="incidents_runbookversion_chain_prev"
            ),
        ),
        audit.triggers.InstallAppendOnlyTriggers("runbookversion"),
    ]
