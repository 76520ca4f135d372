"""Celery tasks of backups: thin wrappers that take ids and call the services."""

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model

from . import procedure, rechecks, services


@shared_task(name="backups.backup_run", time_limit=settings.BACKUP_TASK_TIME_LIMIT, soft_time_limit=None)
def backup_run(backup_id: int) -> str:
    return services.backup_run(backup_id=backup_id).status


@shared_task(name="backups.backup_run_scheduled", time_limit=settings.BACKUP_TASK_TIME_LIMIT)
def backup_run_scheduled() -> str | None:
    """Beat's daily backup: start one and make it in this same task (None: already made today)."""
    backup = services.backup_scheduled()
    return backup.status if backup else None


@shared_task(name="backups.backup_verify", time_limit=settings.BACKUP_TASK_TIME_LIMIT)
def backup_verify(backup_id: int, actor_id: int) -> str:
    actor = get_user_model().objects.get(pk=actor_id)
    return services.backup_verify(backup_id=backup_id, actor=actor).status


@shared_task(name="backups.backups_prune")
def backups_prune() -> list[int] | None:
    return services.backups_prune()


@shared_task(name="backups.backups_sweep")
def backups_sweep() -> dict | None:
    return services.backups_sweep()


@shared_task(name="backups.restore_run", time_limit=settings.BACKUP_TASK_TIME_LIMIT)
def restore_run(restore_id: int) -> str:
    return procedure.restore_run(restore_id=restore_id).status


@shared_task(name="backups.backups_checksum")
def backups_checksum() -> dict:
    return rechecks.backups_checksum()


@shared_task(name="backups.backups_reverify", time_limit=settings.BACKUP_TASK_TIME_LIMIT)
def backups_reverify() -> int | None:
    return rechecks.backups_reverify()
