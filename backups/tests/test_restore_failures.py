"""A restore that fails says whether the live database changed: before the swap it is untouched and
maintenance ends; after the swap maintenance stays on until Ops has looked, and the job is kept."""

from pathlib import Path

import pytest

from audit.models import Event
from backups import procedure, restores, services
from backups.models import Backup, BackupStatus, Restore, RestoreStatus
from core import maintenance
from incidents.models import Incident

pytestmark = pytest.mark.django_db(transaction=True)


def make_backup() -> Backup:
    backup = services.backup_run(backup_id=services.backup_start(actor="system:tests", trigger="command").pk)
    assert backup.status == BackupStatus.VERIFIED, backup.error
    return backup


def run_restore(backup: Backup) -> Restore:
    queued = restores.restore_queue(
        actor="system:tests", backup_id=backup.pk, reason="drill", requested_by="oscar", approved_by="alice"
    )
    return procedure.restore_run(restore_id=queued.pk)


def timeline(restore: Restore) -> list[str]:
    incident = Incident.objects.get(pk=restore.incident_id)
    return [e.data["step"] for e in incident.events.filter(kind="action").order_by("occurred_at", "pk")]


def test_a_backup_changed_on_disk_fails_before_the_swap_and_leaves_the_database(audited_rows):
    audited_rows(2)
    target = make_backup()
    dump = Path(target.directory) / target.file
    dump.write_bytes(dump.read_bytes() + b"appended later")
    before = set(Event.objects.values_list("pk", flat=True))

    restore = run_restore(target)

    assert restore.status == RestoreStatus.FAILED
    assert "changed since it was verified" in restore.error and "the live database was not changed" in restore.error
    assert [s["step"] for s in restore.steps] == ["incident", "maintenance on", "fresh backup", "failed"]
    assert timeline(restore) == ["incident", "maintenance on", "fresh backup", "failed"]
    assert maintenance.maintenance_state() is None
    assert before <= set(Event.objects.values_list("pk", flat=True))  # nothing recorded before was lost
    failed = Event.objects.get(action="backups.restore.failed", subject_id=str(restore.pk))
    assert failed.payload["pre_restore_backup_id"] == restore.pre_restore_backup_id


def test_a_restored_database_that_does_not_match_its_record_keeps_maintenance_on(audited_rows):
    audited_rows(2)
    target = make_backup()
    Backup.objects.filter(pk=target.pk).update(row_counts={**target.row_counts, "audit_event": 10_000})

    restore = run_restore(target)

    assert restore.status == RestoreStatus.FAILED
    assert "does not match backup" in restore.error and "maintenance stays ON" in restore.error
    steps = ["incident", "maintenance on", "fresh backup", "restore", "failed"]
    assert [s["step"] for s in Restore.objects.get(pk=restore.pk).steps] == steps  # the job outlives the swap
    assert timeline(restore) == steps
    assert maintenance.maintenance_state() is not None
    fresh = Backup.objects.get(pk=restore.pre_restore_backup_id)  # the inventory is written back too
    assert fresh.status == BackupStatus.VERIFIED and fresh.trigger == "restore"
    assert Event.objects.filter(action="backups.restore.failed", subject_id=str(restore.pk)).exists()
