"""The inventory and the backup/restore endpoints: roles, bodies, filters, cursors, Idempotency-Key."""

import pytest

from approvals.models import ApprovalRequest
from audit.models import Event
from backups import services
from backups.models import Backup, BackupStatus

pytestmark = pytest.mark.django_db(transaction=True)


def test_ops_starts_a_backup_and_gets_202_with_its_id(api):
    response = api["oscar"].post("/api/v1/ops/backups")
    assert response.status_code == 202, response.content
    backup = Backup.objects.get(pk=response.json()["id"])
    # CELERY_TASK_ALWAYS_EAGER: the task ran on commit, in this process.
    assert backup.status == BackupStatus.VERIFIED, backup.error
    assert backup.trigger == "api" and backup.requested_by == "oscar"
    assert Event.objects.filter(action="backups.backup.started", actor="oscar").exists()


def test_a_replayed_post_with_the_same_idempotency_key_starts_nothing_twice(api):
    first = api["oscar"].post("/api/v1/ops/backups", HTTP_IDEMPOTENCY_KEY="nightly-1")
    again = api["oscar"].post("/api/v1/ops/backups", HTTP_IDEMPOTENCY_KEY="nightly-1")
    assert first.status_code == again.status_code == 202
    assert again.json()["id"] == first.json()["id"] and again["Idempotent-Replayed"] == "true"
    assert Backup.objects.count() == 1


@pytest.mark.parametrize(("who", "code"), [(None, 401), ("pam", 403), ("audrey", 403), ("alice", 403)])
def test_only_ops_may_start_a_backup(api, who, code):
    response = api[who].post("/api/v1/ops/backups")
    assert response.status_code == code
    assert not Backup.objects.exists()


@pytest.mark.parametrize("who", ["oscar", "audrey"])
def test_ops_and_auditors_read_the_inventory(api, who):
    services.backup_run(backup_id=services.backup_start(actor="system:tests", trigger="command").pk)
    response = api[who].get("/api/v1/ops/backups")
    assert response.status_code == 200
    row = response.json()["results"][0]
    assert row["status"] == "verified" and row["sha256"] and row["row_counts"]["audit_event"] >= 1
    assert {"chain_heads", "duration_seconds", "progress", "file", "size", "verification"} <= set(row)


def test_the_inventory_is_cursor_paginated_and_filtered(api):
    for _ in range(3):
        services.backup_fail(
            backup_id=services.backup_start(actor="system:tests", trigger="beat").pk, actor="system:tests", error="x"
        )
    page = api["oscar"].get("/api/v1/ops/backups?page_size=2&status=failed").json()
    assert len(page["results"]) == 2 and page["next"]
    rest = api["oscar"].get(page["next"]).json()
    assert len(rest["results"]) == 1
    assert api["oscar"].get("/api/v1/ops/backups?status=verified").json()["results"] == []


@pytest.mark.parametrize("query", ["status=splendid", "colour=red", "cursor=garbage"])
def test_a_malformed_filter_is_a_400_naming_the_parameter(api, query):
    response = api["oscar"].get(f"/api/v1/ops/backups?{query}")
    assert response.status_code == 400
    assert query.split("=")[0] in response.json()["fields"]


def test_pm_cannot_read_the_inventory(api):
    assert api["pam"].get("/api/v1/ops/backups").status_code == 403


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"reason": "x"}, "backup_id"),
        ({"backup_id": "seven", "reason": "x"}, "backup_id"),
        ({"backup_id": -3, "reason": "x"}, "backup_id"),
        ({"backup_id": 1}, "reason"),
    ],
)
def test_a_bad_restore_request_is_a_400_and_changes_nothing(api, body, field):
    response = api["oscar"].post("/api/v1/ops/restores", body, format="json")
    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert not ApprovalRequest.objects.exists()


def test_a_restore_of_an_unknown_backup_is_a_404(api):
    response = api["oscar"].post("/api/v1/ops/restores", {"backup_id": 999, "reason": "x"}, format="json")
    assert response.status_code == 404 and response.json()["error"] == "not_found"


def test_the_approver_sees_what_the_restore_would_do(api):
    from approvals import registry

    backup = services.backup_run(backup_id=services.backup_start(actor="system:tests", trigger="command").pk)
    response = api["oscar"].post("/api/v1/ops/restores", {"backup_id": backup.pk, "reason": "drill"}, format="json")
    assert response.status_code == 202
    request = ApprovalRequest.objects.get(pk=response.json()["approval_request_id"])
    preview = registry.get("backups.restore").describe(request.payload)
    assert preview["backup_id"] == backup.pk and "fresh backup" in preview["warning"]
    assert Event.objects.filter(action="backups.restore.requested", subject_id=str(backup.pk)).exists()


def test_the_requester_cannot_approve_their_own_restore(api, people):
    from approvals.services import approval_approve
    from core.errors import Forbidden

    backup = services.backup_run(backup_id=services.backup_start(actor="system:tests", trigger="command").pk)
    people["oscar"].groups.add(*people["alice"].groups.all())  # even an Ops person who is also an Approver
    response = api["oscar"].post("/api/v1/ops/restores", {"backup_id": backup.pk, "reason": "drill"}, format="json")
    with pytest.raises(Forbidden):
        approval_approve(actor=people["oscar"], request_id=response.json()["approval_request_id"])
