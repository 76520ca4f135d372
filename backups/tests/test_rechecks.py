"""Issue 12, "A corrupted backup stays `verified`": backups are checked again on a schedule, and a
restore request checks its backup first. A backup found bad is marked so at once, with an incident."""

from pathlib import Path

import pytest

from approvals.models import ApprovalRequest
from audit.models import Event
from backups import rechecks, services
from backups.models import Backup, BackupStatus
from core.testing import locked_elsewhere
from incidents.models import Incident

pytestmark = pytest.mark.django_db(transaction=True)


def verified_backup() -> Backup:
    backup = services.backup_run(backup_id=services.backup_start(actor="system:tests", trigger="api").pk)
    assert backup.status == BackupStatus.VERIFIED, backup.error
    return backup


def flip_a_byte(backup: Backup) -> None:
    dump = Path(backup.directory) / backup.file
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))


def failed_verifications(backup: Backup) -> int:
    return Event.objects.filter(action="backups.backup.verification_failed", subject_id=str(backup.pk)).count()


def test_the_daily_checksum_marks_an_altered_backup_bad_with_an_incident(audited_rows):
    audited_rows(2)
    good, altered = verified_backup(), verified_backup()
    flip_a_byte(altered)

    assert rechecks.backups_checksum() == {"checked": 2, "bad": [altered.pk]}

    altered.refresh_from_db()
    assert altered.status == BackupStatus.BAD and "sha256" in altered.error and "altered" in altered.error
    assert failed_verifications(altered) == 1
    incident = Incident.objects.get()
    assert incident.title == f"Backup #{altered.pk} found bad by the daily checksum"
    assert incident.severity == "P2" and "sha256" in incident.symptoms
    assert Backup.objects.get(pk=good.pk).status == BackupStatus.VERIFIED
    assert rechecks.backups_checksum() == {"checked": 1, "bad": []}  # found once, declared once
    assert Incident.objects.count() == 1


def test_the_scheduled_restore_verification_takes_the_longest_unchecked_and_marks_it_bad(audited_rows):
    audited_rows(2)
    older, newer = verified_backup(), verified_backup()
    Backup.objects.filter(pk=older.pk).update(row_counts={**older.row_counts, "audit_event": 10**6})  # lies now

    assert rechecks.backups_reverify() == older.pk

    older.refresh_from_db()
    assert older.status == BackupStatus.BAD and "row_counts" in older.error
    assert Incident.objects.get().title == f"Backup #{older.pk} found bad by its scheduled restore verification"
    assert rechecks.backups_reverify() == newer.pk  # the next one in turn; it is still good
    assert Backup.objects.get(pk=newer.pk).status == BackupStatus.VERIFIED
    assert Incident.objects.count() == 1


def test_a_restore_of_an_altered_backup_is_refused_before_anyone_is_asked(api, audited_rows):
    audited_rows(2)
    backup = verified_backup()
    flip_a_byte(backup)

    response = api["oscar"].post("/api/v1/ops/restores", {"backup_id": backup.pk, "reason": "drill"}, format="json")

    assert response.status_code == 409, response.content
    assert response.json()["error"] == "backup_not_restorable" and "checksum" in response.json()["detail"]
    assert not ApprovalRequest.objects.exists()
    assert not Event.objects.filter(action="backups.restore.requested").exists()
    assert Backup.objects.get(pk=backup.pk).status == BackupStatus.BAD
    assert Incident.objects.get().title == f"Backup #{backup.pk} found bad when a restore was requested"
    again = api["oscar"].post("/api/v1/ops/restores", {"backup_id": backup.pk, "reason": "drill"}, format="json")
    assert again.status_code == 409 and Incident.objects.count() == 1


@pytest.mark.postgres
def test_a_verification_delivered_while_another_runs_exits_touching_nothing(audited_rows):
    audited_rows(2)
    backup = verified_backup()
    with locked_elsewhere(f"backups.verify:{backup.pk}"):  # another delivery is verifying it
        flip_a_byte(backup)  # were this run to verify, it would mark the backup bad
        assert services.backup_verify(backup_id=backup.pk, actor="system:tests").status == BackupStatus.VERIFIED
    assert failed_verifications(backup) == 0
    assert Event.objects.filter(action="backups.backup.verified", subject_id=str(backup.pk)).count() == 1
