"""Restore: four-eyes → maintenance → fresh backup → restore → verify → migrate → maintenance off,
every step on an incident's timeline and in the audit trail."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from approvals.models import ApprovalRequest
from approvals.services import approval_approve
from audit.models import Event
from backups import services
from backups.models import Backup, BackupStatus, Restore, RestoreStatus
from core import maintenance

pytestmark = pytest.mark.django_db(transaction=True)

STEPS = [
    "incident",
    "maintenance on",
    "fresh backup",
    "restore",
    "verify restored data",
    "migrations",
    "maintenance off",
]


def make_backup() -> Backup:
    backup = services.backup_run(backup_id=services.backup_start(actor="system:tests", trigger="command").pk)
    assert backup.status == BackupStatus.VERIFIED, backup.error
    return backup


def later_events() -> int:
    return Event.objects.filter(action="auth.token.created", payload__later=True).count()


def add_later_events(count: int) -> None:
    from audit.services import event_record

    for index in range(count):
        event_record(actor="system:tests", action="auth.token.created", payload={"later": True, "n": index})


def test_an_approved_restore_runs_the_whole_procedure(api, people, audited_rows):
    from incidents.models import Incident

    audited_rows(3)
    target = make_backup()
    add_later_events(4)  # recorded after the backup: gone from the live data, kept in the fresh backup

    response = api["oscar"].post(
        "/api/v1/ops/restores", {"backup_id": target.pk, "reason": "positions corrupted"}, format="json"
    )
    assert response.status_code == 202, response.content
    request_id = response.json()["approval_request_id"]
    assert ApprovalRequest.objects.get(pk=request_id).action == "backups.restore"
    assert not Restore.objects.exists()  # nothing happens before the second person approves

    approval_approve(actor=people["alice"], request_id=request_id, comment="agreed")

    restore = Restore.objects.get()
    assert restore.status == RestoreStatus.SUCCEEDED, restore.error
    assert [s["step"] for s in restore.steps] == STEPS
    assert restore.progress == 100 and restore.approved_by == "alice" and restore.requested_by == "oscar"
    assert later_events() == 0
    fresh = restore.pre_restore_backup
    assert fresh.status == BackupStatus.VERIFIED and fresh.trigger == "restore"
    assert fresh.row_counts["audit_event"] > target.row_counts["audit_event"]
    assert set(Backup.objects.values_list("pk", flat=True)) == {target.pk, fresh.pk}
    assert maintenance.maintenance_state() is None
    incident = Incident.objects.get(pk=restore.incident_id)
    assert incident.runbook_version.runbook.slug == "general-restore"
    steps = [e.data["step"] for e in incident.events.filter(kind="action").order_by("occurred_at", "pk")]
    assert steps == STEPS
    succeeded = Event.objects.get(action="backups.restore.succeeded")
    assert succeeded.payload["pre_restore_backup_id"] == fresh.pk
    assert [s["step"] for s in succeeded.payload["steps"]] == STEPS
    call_command("verify_chains")  # the restored trail, plus the restore's own events, verify


def test_a_restore_of_a_backup_that_failed_verification_is_refused(api, people, audited_rows):
    backup = make_backup()
    backup_path = Path(backup.directory) / backup.file
    backup_path.write_bytes(b"PGDMP garbage")
    services.backup_verify(backup_id=backup.pk, actor="system:tests")
    assert backup_path.exists()

    response = api["oscar"].post("/api/v1/ops/restores", {"backup_id": backup.pk, "reason": "try"}, format="json")

    assert response.status_code == 409
    body = response.json()
    assert body["error"] == "backup_not_restorable" and "failed verification" in body["detail"]
    assert not ApprovalRequest.objects.exists() and not Restore.objects.exists()


def test_restore_from_the_command_line_with_yes(audited_rows, capsys):
    audited_rows(2)
    target = make_backup()
    add_later_events(2)

    call_command("restore", str(target.pk), "--yes", "--reason", "drill")

    out = capsys.readouterr().out
    assert "fresh backup" in out and "succeeded" in out
    assert later_events() == 0
    restore = Restore.objects.get()
    assert restore.status == RestoreStatus.SUCCEEDED and restore.approved_by.startswith("system:command")


def test_the_command_refuses_without_confirmation(audited_rows, monkeypatch):
    target = make_backup()
    monkeypatch.setattr("builtins.input", lambda: "no")
    with pytest.raises(SystemExit):
        call_command("restore", str(target.pk))
    assert not Restore.objects.exists()


def test_a_backup_from_an_older_schema_is_brought_current_by_migrate(audited_rows):
    audited_rows(2)
    call_command("migrate", "core", "0001", verbosity=0)
    try:
        old = make_backup()
        assert "core.0002_idempotencyrecord" not in old.migrations
    finally:
        call_command("migrate", verbosity=0)

    call_command("restore", str(old.pk), "--yes")

    restore = Restore.objects.get()
    assert restore.status == RestoreStatus.SUCCEEDED, restore.error
    assert "core_idempotencyrecord" in connection.introspection.table_names()
    from backups.inspection import pending_migrations

    assert pending_migrations() == []
