"""Retention: older than BACKUP_RETENTION_DAYS goes, the newest verified stays, each removal audited."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from audit.models import Event
from backups import services
from backups.models import Backup, BackupStatus

pytestmark = pytest.mark.django_db(transaction=True)


def aged(days: int) -> Backup:
    backup = services.backup_run(backup_id=services.backup_start(actor="system:tests", trigger="beat").pk)
    Backup.objects.filter(pk=backup.pk).update(started_at=timezone.now() - timedelta(days=days))
    return Backup.objects.get(pk=backup.pk)


def test_old_backups_are_removed_and_audited(settings):
    settings.BACKUP_RETENTION_DAYS = 30
    old, recent = aged(40), aged(2)

    removed = services.backups_prune()

    assert removed == [old.pk]
    old.refresh_from_db()
    assert old.status == BackupStatus.REMOVED and old.removed_at
    assert not list(Path(old.directory).glob(f"*{old.stamp}*"))
    assert (Path(recent.directory) / recent.file).exists()
    event = Event.objects.get(action="backups.backup.removed")
    assert event.subject_id == str(old.pk) and event.payload["retention_days"] == 30
    assert old.file in event.payload["removed_files"]


def test_the_newest_verified_backup_is_never_removed(settings):
    settings.BACKUP_RETENTION_DAYS = 7
    oldest, newest_verified = aged(20), aged(10)
    bad = aged(9)
    Backup.objects.filter(pk=bad.pk).update(status=BackupStatus.BAD)

    removed = services.backups_prune()

    assert sorted(removed) == sorted([oldest.pk, bad.pk])
    newest_verified.refresh_from_db()
    assert newest_verified.status == BackupStatus.VERIFIED
    assert (Path(newest_verified.directory) / newest_verified.file).exists()


def test_retention_is_configurable(settings):
    backup = aged(3)
    settings.BACKUP_RETENTION_DAYS = 30
    aged(1)
    assert services.backups_prune() == []
    settings.BACKUP_RETENTION_DAYS = 2
    assert services.backups_prune() == [backup.pk]
