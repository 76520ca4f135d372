"""A real Celery worker on Redis makes and verifies the backup the API asked for."""

import time
from pathlib import Path

import pytest

from backups.models import Backup, BackupStatus

pytestmark = [pytest.mark.postgres, pytest.mark.worker]


@pytest.fixture
def worker_env(monkeypatch, backup_dir, settings):
    """The worker is another process: it learns BACKUP_DIR from its environment."""
    monkeypatch.setenv("BACKUP_DIR", str(backup_dir))
    monkeypatch.setenv("MAINTENANCE_FLAG_PATH", str(settings.MAINTENANCE_FLAG_PATH))


def test_the_api_backup_runs_on_a_real_worker(worker_env, celery_worker_process, api, backup_dir):
    response = api["oscar"].post("/api/v1/ops/backups")
    assert response.status_code == 202
    backup_id = response.json()["id"]
    deadline = time.monotonic() + 60
    while Backup.objects.running().filter(pk=backup_id).exists():
        assert time.monotonic() < deadline, "the worker did not finish the backup"
        time.sleep(0.5)
    backup = Backup.objects.get(pk=backup_id)
    assert backup.status == BackupStatus.VERIFIED, backup.error
    assert Path(backup.directory).parent == backup_dir  # written where this test's settings say
    assert (Path(backup.directory) / backup.file).exists()


def test_a_backup_asked_while_the_broker_was_down_is_swept_to_a_real_worker(
    worker_env, celery_worker_process, api, settings
):
    """Issue 12: the request's 202 does not depend on the broker; the sweeper delivers it once it is back."""
    from celery import current_app

    from backups import services
    from core.testing import PrivateRedis, publish_to

    broker_url = current_app.conf.broker_url
    publish_to(PrivateRedis().url)  # a port nobody listens on: the broker is down for this request
    try:
        response = api["oscar"].post("/api/v1/ops/backups")
    finally:
        publish_to(broker_url)
    assert response.status_code == 202, response.content
    backup_id = response.json()["id"]
    assert Backup.objects.get(pk=backup_id).status == BackupStatus.QUEUED

    settings.BACKUP_RESEND_AFTER_SECONDS = 0
    assert services.backups_sweep()["resent_backups"] == [backup_id]
    deadline = time.monotonic() + 60
    while Backup.objects.running().filter(pk=backup_id).exists():
        assert time.monotonic() < deadline, "the worker did not finish the swept backup"
        time.sleep(0.5)
    backup = Backup.objects.get(pk=backup_id)
    assert backup.status == BackupStatus.VERIFIED, backup.error
