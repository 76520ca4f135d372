"""Issue 12, "What broke": nothing a backup request writes gets stuck or blocks later work.

A broker that is down, a run not heard from, a second delivery of the same task: each was a
production fault; each is replayed here against real processes (a redis-server of the test's own).
"""

import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection, connections
from django.utils import timezone

from approvals.models import ApprovalRequest
from audit.models import Event
from backups import heartbeat, services, tasks, verification
from backups.models import Backup, BackupStatus, Restore, RestoreStatus
from core.testing import PrivateRedis, queued_tasks

pytestmark = pytest.mark.django_db(transaction=True)

BACKUPS = "/api/v1/ops/backups"


def sent(server: PrivateRedis) -> list[tuple[str, list]]:
    return queued_tasks(server.url)


def events(action: str, backup: Backup) -> int:
    return Event.objects.filter(action=action, subject_type="backups.backup", subject_id=str(backup.pk)).count()


def made(backup_id: int) -> Backup:
    backup = Backup.objects.get(pk=backup_id)
    assert backup.status == BackupStatus.VERIFIED, backup.error
    return backup


def test_broker_down_a_backup_is_accepted_queued_and_runs_once_the_broker_is_back(api, broker, audited_rows):
    audited_rows(2)
    broker.stop()
    asked = time.monotonic()
    response = api["oscar"].post(BACKUPS)
    assert time.monotonic() - asked < 10  # it was a 500 after 19 s: publishing no longer retries
    assert response.status_code == 202, response.content
    backup = Backup.objects.get(pk=response.json()["id"])
    assert (backup.status, response.json()["status"]) == (BackupStatus.QUEUED, "queued")
    assert events("backups.backup.started", backup) == 1
    assert services.backups_sweep()["broker_down"] is True  # still down: still queued, nothing lost
    assert Backup.objects.get(pk=backup.pk).status == BackupStatus.QUEUED

    broker.start()
    swept = services.backups_sweep()
    assert swept == {"dead": 0, "resent_backups": [backup.pk], "resent_restores": [], "broker_down": False}
    assert sent(broker) == [("backups.backup_run", [backup.pk])]
    assert tasks.backup_run(backup.pk) == BackupStatus.VERIFIED  # what the worker does with that message
    assert events("backups.backup.completed", made(backup.pk)) == 1


def test_a_queued_backup_blocks_a_second_request_until_it_runs_once_the_broker_is_back(
    api, broker, settings, audited_rows
):
    """Issue 12 (drills' finding): a backup asked for during an outage longer than the dead-run limit
    was failed at the broker's return instead of sent; queued is not dead, only not yet delivered."""
    audited_rows(2)
    broker.stop()
    asked = api["oscar"].post(BACKUPS)
    assert asked.status_code == 202, asked.content
    queued = Backup.objects.get(pk=asked.json()["id"])
    long_ago = timezone.now() - timedelta(seconds=settings.BACKUP_STALE_AFTER_SECONDS + 1)
    Backup.objects.filter(pk=queued.pk).update(started_at=long_ago)  # the outage outlasted the dead-run limit

    refused = api["oscar"].post(BACKUPS)
    assert refused.status_code == 409
    assert (
        refused.json()["error"] == "conflict"
        and f"#{queued.pk} is already running (queued)" in refused.json()["detail"]
    )
    assert services.backups_sweep()["broker_down"] is True
    assert Backup.objects.get(pk=queued.pk).status == BackupStatus.QUEUED

    broker.start()
    swept = services.backups_sweep()
    assert swept == {"dead": 0, "resent_backups": [queued.pk], "resent_restores": [], "broker_down": False}
    assert sent(broker) == [("backups.backup_run", [queued.pk])]
    assert tasks.backup_run(queued.pk) == BackupStatus.VERIFIED  # what the worker does with that message
    assert events("backups.backup.failed", queued) == 0

    response = api["oscar"].post(BACKUPS)
    assert response.status_code == 202, response.content  # the slot is free once it ran


def test_a_queued_backup_no_worker_ever_took_is_failed_and_frees_the_slot(api, settings, audited_rows):
    """The bound on a request nobody runs (no worker consumes the queue): it must not block for ever."""
    queued = services.backup_start(actor="system:tests", trigger="api")
    never = timezone.now() - timedelta(seconds=settings.BACKUP_NEVER_STARTED_AFTER_SECONDS + 1)
    Backup.objects.filter(pk=queued.pk).update(started_at=never)

    response = api["oscar"].post(BACKUPS)

    assert response.status_code == 202, response.content
    made(response.json()["id"])
    queued.refresh_from_db()
    assert queued.status == BackupStatus.FAILED and "never started: no worker took it" in queued.error
    assert events("backups.backup.failed", queued) == 1


def test_a_running_backup_not_heard_from_is_declared_dead_and_a_new_one_is_accepted(api, settings, audited_rows):
    audited_rows(2)
    dead = services.backup_start(actor="system:tests", trigger="beat")
    directory = Path(dead.directory)
    directory.mkdir(parents=True)
    partial = directory / f"pms_ops_{dead.stamp}.pgdump.partial"
    partial.write_bytes(b"PGDMP half a dump")
    silent = timezone.now() - timedelta(seconds=settings.BACKUP_STALE_AFTER_SECONDS + 1)
    Backup.objects.filter(pk=dead.pk).update(status=BackupStatus.RUNNING, heartbeat_at=silent)

    response = api["oscar"].post(BACKUPS)

    assert response.status_code == 202, response.content
    made(response.json()["id"])
    dead.refresh_from_db()
    assert dead.status == BackupStatus.FAILED and "abandoned" in dead.error
    assert not partial.exists()
    assert events("backups.backup.failed", dead) == 1


def test_a_long_backup_still_beating_is_not_declared_dead(api, settings):
    alive = services.backup_start(actor="system:tests", trigger="beat")
    long_ago = timezone.now() - timedelta(hours=2)
    Backup.objects.filter(pk=alive.pk).update(
        status=BackupStatus.RUNNING, started_at=long_ago, heartbeat_at=timezone.now()
    )
    assert services.backups_sweep()["dead"] == 0
    response = api["oscar"].post(BACKUPS)
    assert response.status_code == 409
    assert Backup.objects.get(pk=alive.pk).status == BackupStatus.RUNNING


def test_a_long_step_keeps_beating_and_the_beat_stops_with_the_run(settings):
    settings.BACKUP_HEARTBEAT_SECONDS = 0.05
    backup = services.backup_start(actor="system:tests", trigger="beat")
    silent = timezone.now() - timedelta(hours=1)
    Backup.objects.filter(pk=backup.pk).update(status=BackupStatus.RUNNING, heartbeat_at=silent)

    with heartbeat.beating(backup.pk):  # a pg_dump that reports nothing for a while
        deadline = time.monotonic() + 10
        while Backup.objects.get(pk=backup.pk).heartbeat_at == silent:
            assert time.monotonic() < deadline, "no heartbeat while the step ran"
            time.sleep(0.05)
    last = Backup.objects.get(pk=backup.pk).heartbeat_at
    time.sleep(0.3)

    assert Backup.objects.get(pk=backup.pk).heartbeat_at == last  # stopped with the run
    assert services.backups_sweep()["dead"] == 0


def test_a_verification_not_heard_from_is_marked_bad_and_its_files_kept(settings, audited_rows):
    audited_rows(2)
    backup = made(services.backup_run(backup_id=services.backup_start(actor="system:tests", trigger="beat").pk).pk)
    silent = timezone.now() - timedelta(seconds=settings.BACKUP_STALE_AFTER_SECONDS + 1)
    Backup.objects.filter(pk=backup.pk).update(status=BackupStatus.VERIFYING, heartbeat_at=silent)

    assert services.backups_sweep()["dead"] == 1

    backup.refresh_from_db()
    assert backup.status == BackupStatus.BAD and "abandoned" in backup.error
    assert all((Path(backup.directory) / f["name"]).exists() for f in backup.files)  # whole files are not deleted
    assert events("backups.backup.verification_failed", backup) == 1
    assert made(services.backup_verify(backup_id=backup.pk, actor="system:tests").pk)  # verified again by hand


def test_a_redelivered_task_reverifies_a_backup_left_verifying_and_leaves_a_live_one_alone(settings, audited_rows):
    audited_rows(2)
    backup = made(services.backup_run(backup_id=services.backup_start(actor="system:tests", trigger="beat").pk).pk)
    Backup.objects.filter(pk=backup.pk).update(status=BackupStatus.VERIFYING, heartbeat_at=timezone.now())
    assert tasks.backup_run(backup.pk) == BackupStatus.VERIFYING  # its run is alive: touched nothing
    assert events("backups.backup.verified", backup) == 1

    silent = timezone.now() - timedelta(seconds=settings.BACKUP_STALE_AFTER_SECONDS + 1)
    Backup.objects.filter(pk=backup.pk).update(heartbeat_at=silent)  # its worker was killed
    assert tasks.backup_run(backup.pk) == BackupStatus.VERIFIED
    assert events("backups.backup.verified", backup) == 2
    assert events("backups.backup.completed", backup) == 1  # the files were not made again


@pytest.mark.postgres
def test_the_sweeper_drops_the_scratch_database_of_a_killed_verification(settings, audited_rows):
    from backups import pgtools

    backup = made(services.backup_run(backup_id=services.backup_start(actor="system:tests", trigger="beat").pk).pk)
    scratch = verification.scratch_name(backup.pk)
    pgtools.create_database(scratch)  # what a worker killed during pg_restore leaves
    silent = timezone.now() - timedelta(seconds=settings.BACKUP_STALE_AFTER_SECONDS + 1)
    Backup.objects.filter(pk=backup.pk).update(status=BackupStatus.VERIFYING, heartbeat_at=silent)

    services.backups_sweep()

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_database WHERE datname = %s", [scratch])
        assert cursor.fetchone()[0] == 0
    assert Backup.objects.get(pk=backup.pk).status == BackupStatus.BAD


@pytest.mark.postgres
def test_two_concurrent_runs_of_one_backup_task_run_it_once(audited_rows):
    audited_rows(2)
    backup = services.backup_start(actor="system:tests", trigger="api")
    barrier, results = threading.Barrier(2), []

    def deliver() -> None:
        try:
            barrier.wait()
            results.append(tasks.backup_run(backup.pk))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    assert len(results) == 2 and BackupStatus.VERIFIED in results
    made(backup.pk)
    assert events("backups.backup.completed", backup) == 1
    assert events("backups.backup.verified", backup) == 1
    assert events("backups.backup.failed", backup) == 0


def test_approving_a_restore_with_the_broker_down_answers_200_and_the_restore_runs_later(api, broker, audited_rows):
    audited_rows(2)
    target = made(services.backup_run(backup_id=services.backup_start(actor="system:tests", trigger="api").pk).pk)
    asked = api["oscar"].post("/api/v1/ops/restores", {"backup_id": target.pk, "reason": "drill"}, format="json")
    assert asked.status_code == 202, asked.content
    broker.stop()

    approved = api["alice"].post(f"/api/v1/approvals/{asked.json()['approval_request_id']}/approve", {}, format="json")

    assert approved.status_code == 200, approved.content
    assert ApprovalRequest.objects.get(pk=asked.json()["approval_request_id"]).status == "executed"
    restore = Restore.objects.get()
    assert restore.status == RestoreStatus.QUEUED
    broker.start()
    assert services.backups_sweep()["resent_restores"] == [restore.pk]
    assert sent(broker) == [("backups.restore_run", [restore.pk])]
    assert tasks.restore_run(restore.pk) == RestoreStatus.SUCCEEDED
    assert tasks.restore_run(restore.pk) == RestoreStatus.SUCCEEDED  # a second delivery does nothing
    assert Event.objects.filter(action="backups.restore.succeeded").count() == 1


def test_a_restore_queued_longer_than_its_bound_is_failed_not_run_late(api, broker, settings, audited_rows):
    """A restore approved during a long outage must not replace the live database hours later."""
    audited_rows(2)
    target = made(services.backup_run(backup_id=services.backup_start(actor="system:tests", trigger="api").pk).pk)
    asked = api["oscar"].post("/api/v1/ops/restores", {"backup_id": target.pk, "reason": "drill"}, format="json")
    broker.stop()
    api["alice"].post(f"/api/v1/approvals/{asked.json()['approval_request_id']}/approve", {}, format="json")
    restore = Restore.objects.get()
    late = timezone.now() - timedelta(seconds=settings.RESTORE_NEVER_STARTED_AFTER_SECONDS + 1)
    Restore.objects.filter(pk=restore.pk).update(created_at=late)
    broker.start()

    swept = services.backups_sweep()

    assert swept["resent_restores"] == [] and swept["dead"] == 1
    assert sent(broker) == []
    restore.refresh_from_db()
    assert restore.status == RestoreStatus.FAILED and "request it again" in restore.error
    assert restore.started_at is None and restore.pre_restore_backup is None  # nothing of it ran
    assert tasks.restore_run(restore.pk) == RestoreStatus.FAILED  # a late delivery does nothing
    assert Event.objects.filter(action="backups.restore.failed", subject_id=str(restore.pk)).count() == 1
