"""Issue 12: every backups task with side effects, delivered twice (one after the other, or while the
first still runs), does its work once; the extra delivery exits touching nothing.

Covered elsewhere: backup_run (test_stuck: two concurrent runs), restore_run (test_stuck),
backup_verify (test_rechecks), the outbox's deliveries (approvals/tests/test_notifications.py).
"""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from audit.models import Event
from backups import services, tasks
from backups.models import Backup, BackupStatus
from core.testing import locked_elsewhere
from incidents.models import Incident

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_daily_backup_delivered_twice_makes_one_backup(audited_rows):
    audited_rows(2)
    assert tasks.backup_run_scheduled() == BackupStatus.VERIFIED
    assert tasks.backup_run_scheduled() is None
    assert Backup.objects.filter(trigger="beat").count() == 1
    assert Event.objects.filter(action="backups.backup.started").count() == 1


def test_the_daily_backup_is_made_again_when_todays_failed(audited_rows):
    failed = services.backup_start(actor="system:beat", trigger="beat")
    services.backup_fail(backup_id=failed.pk, actor="system:tests", error="disk full")
    assert tasks.backup_run_scheduled() == BackupStatus.VERIFIED
    assert Backup.objects.filter(trigger="beat").count() == 2


@pytest.mark.postgres
def test_a_sweep_delivered_while_another_sweeps_touches_nothing(settings):
    dead = services.backup_start(actor="system:tests", trigger="api")
    silent = timezone.now() - timedelta(seconds=settings.BACKUP_STALE_AFTER_SECONDS + 1)
    Backup.objects.filter(pk=dead.pk).update(status=BackupStatus.RUNNING, heartbeat_at=silent)

    with locked_elsewhere("backups.sweep"):
        assert tasks.backups_sweep() is None
        assert Backup.objects.get(pk=dead.pk).status == BackupStatus.RUNNING

    assert tasks.backups_sweep()["dead"] == 1
    assert tasks.backups_sweep()["dead"] == 0
    assert Event.objects.filter(action="backups.backup.failed", subject_id=str(dead.pk)).count() == 1


@pytest.mark.postgres
def test_retention_delivered_twice_removes_each_old_backup_once(settings, audited_rows):
    audited_rows(2)
    old = services.backup_run(backup_id=services.backup_start(actor="system:tests", trigger="api").pk)
    services.backup_run(backup_id=services.backup_start(actor="system:tests", trigger="api").pk)
    long_ago = timezone.now() - timedelta(days=settings.BACKUP_RETENTION_DAYS + 1)
    Backup.objects.filter(pk=old.pk).update(started_at=long_ago)

    with locked_elsewhere("backups.prune"):
        assert tasks.backups_prune() is None
        assert Backup.objects.get(pk=old.pk).status == BackupStatus.VERIFIED

    assert tasks.backups_prune() == [old.pk]
    assert tasks.backups_prune() == []
    assert Event.objects.filter(action="backups.backup.removed").count() == 1


@pytest.mark.postgres
def test_a_checksum_run_delivered_while_another_runs_declares_nothing(audited_rows):
    audited_rows(2)
    backup = services.backup_run(backup_id=services.backup_start(actor="system:tests", trigger="api").pk)
    (Path(backup.directory) / backup.file).write_bytes(b"not the dump any more")

    with locked_elsewhere("backups.checksum"):
        assert tasks.backups_checksum() is None
        assert Backup.objects.get(pk=backup.pk).status == BackupStatus.VERIFIED

    assert tasks.backups_checksum() == {"checked": 1, "bad": [backup.pk]}
    assert tasks.backups_checksum() == {"checked": 0, "bad": []}
    assert Incident.objects.count() == 1
