"""A backup is the dump plus CSV exports, recorded in the inventory and verified by a restore."""

import csv
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
