"""Issue 12: the timing settings that keep work from running twice or staying stuck agree with each other."""

import pytest
from celery import current_app
from django.conf import settings


def task_limits() -> dict[str, int]:
    """Each of our tasks' hard time limit (its own, else the default)."""
    current_app.loader.import_default_modules()
    return {
        name: task.time_limit or settings.CELERY_TASK_TIME_LIMIT
        for name, task in current_app.tasks.items()
        if not name.startswith("celery.")
    }


@pytest.mark.postgres  # the production configuration: Redis, whose unacked messages come back after the timeout
def test_no_task_outlives_the_brokers_visibility_timeout():
    """Regression: BACKUP_TASK_TIME_LIMIT (3 h) exceeded the visibility timeout (1 h): a live run was redelivered."""
    timeout = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    limits = task_limits()
    assert "backups.backup_run" in limits and "core.outbox_deliver" in limits
    assert {name: limit for name, limit in limits.items() if limit >= timeout} == {}


def test_work_is_declared_lost_only_after_it_could_have_finished_and_within_minutes():
    assert settings.OUTBOX_STALE_AFTER_SECONDS > settings.CELERY_TASK_TIME_LIMIT
    assert settings.BACKUP_STALE_AFTER_SECONDS >= 3 * settings.BACKUP_HEARTBEAT_SECONDS
    assert settings.BACKUP_STALE_AFTER_SECONDS <= 600 and settings.OUTBOX_STALE_AFTER_SECONDS <= 900


def test_the_worker_waits_for_the_broker_for_ever_and_nothing_queued_is_given_up_as_dead():
    """Regression (drills): the worker gave up on Redis, and a backup queued through an outage was failed."""
    conf = current_app.conf
    assert conf.broker_connection_retry and conf.broker_connection_retry_on_startup
    assert conf.broker_connection_max_retries is None
    assert settings.BACKUP_NEVER_STARTED_AFTER_SECONDS >= 3600 > settings.BACKUP_STALE_AFTER_SECONDS
    longest_retry_wait = settings.INCIDENTS_DELIVERY_BACKOFF_SECONDS * 2 ** (settings.INCIDENTS_DELIVERY_RETRIES - 1)
    assert longest_retry_wait < settings.INCIDENTS_DELIVERY_STUCK_AFTER_SECONDS <= 900


def test_the_sweepers_and_the_rechecks_are_scheduled():
    tasks = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert tasks["core.outbox_sweep"] == 60 and tasks["backups.backups_sweep"] == 60
    assert {"backups.backups_checksum", "backups.backups_reverify"} <= set(tasks)


@pytest.mark.postgres
def test_a_connection_that_died_while_idle_is_replaced_before_use():
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
