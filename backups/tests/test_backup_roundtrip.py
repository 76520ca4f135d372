"""A backup is the dump plus CSV exports, recorded in the inventory and verified by a restore."""

import csv
import json
from pathlib import Path

import pytest

from audit.models import Event
from backups import selectors, services
from backups.models import Backup, BackupStatus

pytestmark = pytest.mark.django_db(transaction=True)


def make_backup(actor="system:tests") -> Backup:
    backup = services.backup_start(actor=actor, trigger="command")
    return services.backup_run(backup_id=backup.pk)


def test_backup_writes_dump_and_csvs_and_verifies(audited_rows):
    audited_rows(5)
    backup = make_backup()

    assert backup.status == BackupStatus.VERIFIED, backup.error
    directory = Path(backup.directory)
    assert directory.parent.name == "backups" and len(directory.name) == 10  # BACKUP_DIR/<date>/
    names = [f["name"] for f in backup.files]
    assert backup.file == names[0] and backup.file.startswith("pms_ops_")
    assert f"audit_event_{backup.stamp}.csv" in names
    assert f"backups_backup_{backup.stamp}.csv" in names
    for entry in backup.files:
        assert (directory / entry["name"]).stat().st_size == entry["size"]
    assert not list(directory.glob("*.partial"))
    assert backup.size == sum(f["size"] for f in backup.files)
    # 10 events + "started" were in the snapshot; "completed" and "verified" came after it.
    assert backup.row_counts["audit_event"] == 11 == Event.objects.count() - 2
    assert {(h["table"], h["chain"]) for h in backup.chain_heads} >= {("audit_event", "audit"), ("audit_event", "auth")}
    assert backup.verification["ok"] is True
    assert [c["name"] for c in backup.verification["checks"]] == [
        "files",
        "restore",
        "chains",
        "row_counts",
        "chain_heads",
        "migrations",
        "csv_exports",
    ]
    assert backup.duration_seconds > 0 and backup.progress == 100
    assert selectors.newest_verified_backup() == backup
    actions = list(Event.objects.filter(subject_type="backups.backup").values_list("action", flat=True))
    assert actions == ["backups.backup.started", "backups.backup.completed", "backups.backup.verified"]


def test_csv_export_holds_every_row(audited_rows):
    audited_rows(3)
    backup = make_backup()
    path = Path(backup.directory) / f"audit_event_{backup.stamp}.csv"
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == backup.row_counts["audit_event"]
    assert {"id", "chain", "seq", "prev_hash", "hash", "action"} <= set(rows[0])


def test_a_second_backup_while_one_runs_is_refused(audited_rows):
    from core.errors import Conflict

    running = services.backup_start(actor="system:tests", trigger="api")
    with pytest.raises(Conflict, match=f"Backup #{running.pk} is already running"):
        services.backup_start(actor="system:tests", trigger="api")
    assert Backup.objects.count() == 1


def test_csvs_are_written_once_from_the_restored_copy_and_checked_after(audited_rows):
    audited_rows(2)
    backup = make_backup()
    csvs = [f for f in backup.files if f["name"].endswith(".csv")]
    manifest = json.loads((Path(backup.directory) / f"pms_ops_{backup.stamp}.json").read_text())
    assert manifest["files"] == backup.files and manifest["size"] == backup.size

    again = services.backup_verify(backup_id=backup.pk)
    assert again.status == BackupStatus.VERIFIED and again.files == backup.files  # not written again
    assert "csv_exports" not in [c["name"] for c in again.verification["checks"]]

    altered = Path(backup.directory) / csvs[0]["name"]
    altered.write_text(altered.read_text() + "1,forged\n")
    bad = services.backup_verify(backup_id=backup.pk)
    assert bad.status == BackupStatus.BAD and csvs[0]["name"] in bad.error


def test_a_csv_that_cannot_be_written_fails_verification_and_leaves_no_partial_file(audited_rows):
    audited_rows(2)
    backup = services.backup_start(actor="system:tests", trigger="command")
    directory = Path(backup.directory)
    (directory / f"audit_event_{backup.stamp}.csv.partial").mkdir(parents=True)  # in the way of the export

    backup = services.backup_run(backup_id=backup.pk)

    assert backup.status == BackupStatus.BAD and backup.error.startswith("verification failed: csv_exports:")
    assert [f["name"] for f in backup.files] == [backup.file]
    files = sorted(p.name for p in directory.iterdir() if p.is_file())  # the dump and its manifest, no CSV
    assert files == sorted([backup.file, f"pms_ops_{backup.stamp}.json"])
