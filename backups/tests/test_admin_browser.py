"""Ops in the admin: start a backup with the button, see it verified, request a restore of it."""

import re

import pytest

from approvals.models import ApprovalRequest
from backups.models import Backup, BackupStatus

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.browser
def test_ops_starts_a_backup_and_requests_a_restore_in_the_admin(login, people):
    page = login(people["oscar"])
    page.goto("/admin/backups/backup/")
    with page.expect_navigation(timeout=120_000):  # eager Celery: backup + verification inside the request
        page.click("#start-backup", no_wait_after=True)

    backup = Backup.objects.get()
    assert backup.status == BackupStatus.VERIFIED and backup.trigger == "admin" and backup.requested_by == "oscar"
    assert f"Backup #{backup.pk} started" in page.inner_text(".messagelist")
    assert "Verified" in page.inner_text("#result_list")
    assert page.locator("#result_list progress").first.get_attribute("value") == "100"

    page.goto(f"/admin/backups/backup/{backup.pk}/change/")
    page.click("#request-restore")
    page.fill("#id_reason", "drill: restore last night's backup")
    page.click("#submit-restore")

    request = ApprovalRequest.objects.get(action="backups.restore")
    assert request.payload == {"backup_id": backup.pk} and request.requested_by == people["oscar"]
    assert re.search(rf"approval request #{request.pk} awaits a second person", page.inner_text(".messagelist"))


@pytest.mark.browser
def test_an_auditor_sees_the_inventory_without_the_start_button(login, people):
    page = login(people["audrey"])
    page.goto("/admin/backups/backup/")
    assert page.locator("#result_list, .paginator").count() >= 1
    assert page.locator("#start-backup").count() == 0


@pytest.mark.django_db
def test_the_start_view_refuses_anyone_but_ops(client, people):
    client.force_login(people["audrey"])
    assert client.post("/admin/backups/backup/start/").status_code == 403
    assert not Backup.objects.exists()
