"""The approvable action "ops.restore" became "backups.restore": open requests and the policy move
with it (migration 0002), finished requests keep their recorded name and still resolve."""

import importlib

import pytest
from django.apps import apps
from django.db import connection

from approvals import selectors
from approvals.models import ApprovalPolicy, ApprovalRequest, Status
from approvals.services import approval_approve, approval_policy_set, approval_request_create
from audit.models import Event
from backups.models import Backup, BackupStatus, Restore

pytestmark = pytest.mark.django_db

MIGRATION = importlib.import_module("backups.migrations.0002_restore_action_name")


@pytest.fixture
def backup():
    """A verified inventory row: enough for a restore request (its files are never read here)."""
    return Backup.objects.create(
        status=BackupStatus.VERIFIED,
        trigger="command",
        requested_by="system:tests",
        vendor=connection.vendor,
        stamp="20261201T020000Z",
        file="pms_ops_20261201T020000Z.dump",
        size=4096,
        row_counts={"audit_event": 3},
    )


@pytest.fixture
def recorded(people, backup):
    """Requests as a release before the rename stored them (written directly: no service makes them now)."""

    def make(status: str) -> ApprovalRequest:
        return ApprovalRequest.objects.create(
            action="ops.restore",
            payload={"backup_id": backup.pk},
            reason="drill",
            subject_type="backups.backup",
            subject_id=str(backup.pk),
            requested_by=people["oscar"],
            status=status,
            approver_roles=["Approver"],
            expires_at=ApprovalRequest.default_expiry(24),
        )

    return make


def test_the_migration_renames_open_requests_and_keeps_finished_ones(recorded):
    pending, executed, rejected = recorded(Status.PENDING), recorded(Status.EXECUTED), recorded(Status.REJECTED)

    MIGRATION.rename(apps, None)

    assert ApprovalRequest.objects.get(pk=pending.pk).action == "backups.restore"
    assert ApprovalRequest.objects.get(pk=executed.pk).action == "ops.restore"
    assert ApprovalRequest.objects.get(pk=rejected.pk).action == "ops.restore"


def test_the_migration_moves_the_restore_policy_and_reverses(people):
    ApprovalPolicy.objects.create(action="ops.restore", required_approvals=2, approver_roles=["Approver", "Ops"])

    MIGRATION.rename(apps, None)
    assert ApprovalPolicy.for_action("backups.restore").required_approvals == 2

    MIGRATION.rename_back(apps, None)
    assert ApprovalPolicy.objects.get().action == "ops.restore"


def test_the_migration_keeps_a_policy_already_set_under_the_new_name(people):
    ApprovalPolicy.objects.create(action="ops.restore", required_approvals=2, approver_roles=["Approver"])
    ApprovalPolicy.objects.create(action="backups.restore", required_approvals=3, approver_roles=["Approver"])

    MIGRATION.rename(apps, None)

    assert ApprovalPolicy.objects.get(action="backups.restore").required_approvals == 3
    assert ApprovalPolicy.objects.filter(action="ops.restore").exists()


def test_a_finished_request_under_the_old_name_still_shows_its_label_and_preview(recorded, backup):
    executed = recorded(Status.EXECUTED)

    assert selectors.label(executed.action) == "Restore the database from a backup"
    assert selectors.preview(executed)["backup_id"] == backup.pk


def test_a_request_left_under_the_old_name_still_executes_the_restore(recorded, people, backup):
    pending = recorded(Status.PENDING)  # e.g. opened by a web process still running the old release

    request = approval_approve(actor=people["alice"], request_id=pending.pk, comment="agreed")

    assert request.status == Status.EXECUTED, request.failure_reason
    restore = Restore.objects.get()
    assert request.result == {"restore_id": restore.pk, "backup_id": backup.pk}
    assert Event.objects.filter(action="backups.restore.queued", subject_id=str(restore.pk)).exists()


def test_the_old_name_opens_a_request_under_the_new_one(people, backup):
    request = approval_request_create(
        actor=people["oscar"], action="ops.restore", payload={"backup_id": backup.pk}, reason="drill"
    )

    assert ApprovalRequest.objects.get(pk=request.pk).action == "backups.restore"
    event = Event.objects.get(action="approvals.request.created", subject_id=str(request.pk))
    assert event.payload["action"] == "backups.restore"


def test_a_policy_set_under_the_old_name_applies_to_restores(people, backup):
    approval_policy_set(
        actor=people["alice"], action="ops.restore", required_approvals=2, approver_roles=["Approver"], expiry_hours=4
    )

    assert ApprovalPolicy.objects.get().action == "backups.restore"
    request = approval_request_create(
        actor=people["oscar"], action="backups.restore", payload={"backup_id": backup.pk}, reason="drill"
    )
    assert request.required_approvals == 2
