"""The approvable action "ops.restore" is now "backups.restore" (backups became an app of its own).

Renamed: pending requests (they resolve to the executor when approved) and the action's policy
(or an operator's restore policy would silently fall back to the default). Finished requests
(executed, failed, rejected, cancelled, expired) keep the name they were decided under, as the
audit trail recorded it; `DatabaseRestore.aliases` (backups/restores.py) keeps that name resolving for them.
"""

from django.db import migrations

OLD, NEW = "ops.restore", "backups.restore"
OPEN = ("pending", "approved")


def rename(apps, schema_editor, old=OLD, new=NEW):
    ApprovalRequest = apps.get_model("approvals", "ApprovalRequest")
    ApprovalPolicy = apps.get_model("approvals", "ApprovalPolicy")
    ApprovalRequest.objects.filter(action=old, status__in=OPEN).update(action=new)
    if not ApprovalPolicy.objects.filter(action=new).exists():
        ApprovalPolicy.objects.filter(action=old).update(action=new)


def rename_back(apps, schema_editor):
    rename(apps, schema_editor, old=NEW, new=OLD)


class Migration(migrations.Migration):
    dependencies = [("backups", "0001_initial"), ("approvals", "0001_initial")]

    operations = [migrations.RunPython(rename, rename_back)]
