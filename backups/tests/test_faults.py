"""Faults: a damaged dump, a full disk, a missing or wrong pg_dump, a worker killed mid-backup."""

import os
import stat
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from audit.models import Event
from backups import selectors, services
from backups.models import Backup, BackupStatus

pytestmark = pytest.mark.django_db(transaction=True)


def make_backup() -> Backup:
    backup = services.backup_start(actor="system:tests", trigger="command")
    return services.backup_run(backup_id=backup.pk)


def test_a_truncated_dump_fails_verification_and_says_why(audited_rows):
    audited_rows(3)
    backup = make_backup()
    dump = Path(backup.directory) / backup.file
    dump.write_bytes(dump.read_bytes()[: backup.files[0]["size"] // 2])

    backup = services.backup_verify(backup_id=backup.pk, actor="system:tests")

    assert backup.status == BackupStatus.BAD
    assert "truncated" in backup.error and backup.file in backup.error
    assert backup.verification["ok"] is False
    assert selectors.newest_verified_backup() is None  # a bad backup never counts as fresh
    assert Event.objects.filter(action="backups.backup.verification_failed", subject_id=str(backup.pk)).exists()


def test_a_byte_flipped_dump_is_caught_by_its_sha256(audited_rows):
    audited_rows(3)
    backup = make_backup()
    dump = Path(backup.directory) / backup.file
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))

    backup = services.backup_verify(backup_id=backup.pk, actor="system:tests")

    assert backup.status == BackupStatus.BAD
    assert "sha256" in backup.error and "altered" in backup.error


def test_a_missing_dump_fails_verification(audited_rows):
    backup = make_backup()
    (Path(backup.directory) / backup.file).unlink()
    backup = services.backup_verify(backup_id=backup.pk, actor="system:tests")
    assert backup.status == BackupStatus.BAD and "missing" in backup.error


@pytest.fixture
def tiny_disk(settings, tmp_path):
    """A real 4 MB tmpfs as BACKUP_DIR: writes past it fail with ENOSPC."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)], check=True)
    settings.BACKUP_DIR = mount
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_disk_full_fails_cleanly_and_leaves_older_backups_alone(tiny_disk, audited_rows):
    audited_rows(3)
    first = make_backup()
    assert first.status == BackupStatus.VERIFIED, first.error
    first_files = sorted(p.name for p in Path(first.directory).iterdir())
    ballast = tiny_disk / "ballast"
    with ballast.open("wb") as handle:  # fill the disk, keeping 8 KB free
        handle.write(b"\0" * (os.statvfs(tiny_disk).f_bavail * os.statvfs(tiny_disk).f_frsize - 8192))

    second = make_backup()

    assert second.status == BackupStatus.FAILED
    assert second.error.startswith("disk full: ")
    leftovers = [p.name for p in Path(second.directory).iterdir() if second.stamp in p.name]
    assert leftovers == []  # partial files removed
    assert sorted(p.name for p in Path(first.directory).iterdir()) == first_files
    assert selectors.newest_verified_backup() == first
    failed = Event.objects.get(action="backups.backup.failed", subject_id=str(second.pk))
    assert failed.payload["error"] == second.error


@pytest.mark.postgres
def test_pg_dump_missing_is_a_clear_error_naming_it(settings, tmp_path, audited_rows):
    settings.BACKUP_PG_BIN_DIR = str(tmp_path / "no-bin")
    backup = make_backup()
    assert backup.status == BackupStatus.FAILED
    major = connection.pg_version // 10000
    assert f"pg_dump for PostgreSQL {major} not found" in backup.error
    assert str(tmp_path / "no-bin" / "pg_dump") in backup.error


@pytest.mark.postgres
def test_pg_dump_of_the_wrong_version_is_refused(settings, tmp_path, audited_rows):
    bin_dir = tmp_path / "old-bin"
    bin_dir.mkdir()
    fake = bin_dir / "pg_dump"  # an old client, as an old package would install it
    fake.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 11.22'\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    settings.BACKUP_PG_BIN_DIR = str(bin_dir)

    backup = make_backup()

    assert backup.status == BackupStatus.FAILED
    assert f"{fake} is version 11" in backup.error
    assert not list(Path(backup.directory).glob(f"*{backup.stamp}*"))


def test_a_backup_abandoned_by_a_killed_worker_is_marked_failed_and_the_next_run_succeeds(settings, audited_rows):
    audited_rows(2)
    abandoned = services.backup_start(actor="system:tests", trigger="beat")
    directory = Path(abandoned.directory)
    directory.mkdir(parents=True)
    half = directory / f"pms_ops_{abandoned.stamp}.pgdump.partial"
    half.write_bytes(b"PGDMP half a dump")  # what a worker killed mid-dump leaves behind
    Backup.objects.filter(pk=abandoned.pk).update(
        status=BackupStatus.RUNNING,
        heartbeat_at=timezone.now() - timedelta(seconds=settings.BACKUP_STALE_AFTER_SECONDS + 1),
    )

    fresh = make_backup()

    abandoned.refresh_from_db()
    assert abandoned.status == BackupStatus.FAILED and "abandoned" in abandoned.error
    assert not half.exists()
    assert fresh.status == BackupStatus.VERIFIED, fresh.error
    assert selectors.newest_verified_backup() == fresh


def test_a_queued_backup_older_than_the_dead_run_limit_is_left_alone(settings, audited_rows):
    """Queued is not dead, only not yet delivered: the sweeper sends it again instead."""
    queued = services.backup_start(actor="system:tests", trigger="beat")
    long_ago = timezone.now() - timedelta(seconds=settings.BACKUP_STALE_AFTER_SECONDS + 1)
    Backup.objects.filter(pk=queued.pk).update(started_at=long_ago)
    assert services.backups_mark_stale() == 0
    queued.refresh_from_db()
    assert queued.status == BackupStatus.QUEUED
