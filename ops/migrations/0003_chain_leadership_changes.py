"""Issue 11: the append-only leadershipchange rows join a hash chain; existing rows are linked in id order."""

from django.db import migrations, models

import audit.operations
import audit.triggers


class Migration(migrations.Migration):
    dependencies = [("ops", "0002_default_alert_rules")]

    operations = [
        migrations.AddField(
            model_name="leadershipchange", name="chain", field=models.CharField(default="main", max_length=100)
        ),
        migrations.AddField(
            model_name="leadershipchange",
            name="seq",
            field=models.PositiveBigIntegerField(default=0),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="leadershipchange",
            name="prev_hash",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="leadershipchange",
            name="hash",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        audit.operations.ChainExistingRows(
            "leadershipchange", "leadership", ("heartbeat", "previous_leader", "new_leader", "changed_at")
        ),
        migrations.AddConstraint(
            model_name="leadershipchange",
            constraint=models.UniqueConstraint(fields=("chain", "seq"), name="ops_leadershipchange_chain_seq"),
        ),
        migrations.AddConstraint(
            model_name="leadershipchange",
            constraint=models.UniqueConstraint(fields=("chain", "prev_hash"), name="ops_leadershipchange_chain_prev"),
        ),
        audit.triggers.InstallAppendOnlyTriggers("leadershipchange"),
    ]
