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
