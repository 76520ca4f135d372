"""Settings of the backups app (from the environment)."""

from celery.schedules import crontab

from . import tasks as _tasks
from .env import VAR_DIR as _VAR_DIR
from .env import env as _env

# BACKUP_DIR itself is in base.py (default var/backups).
BACKUP_RETENTION_DAYS = _env.int("BACKUP_RETENTION_DAYS", default=30)
# Where pg_dump/pg_restore/psql live; empty: /usr/lib/postgresql/<server major>/bin, then PATH.
BACKUP_PG_BIN_DIR = _env("BACKUP_PG_BIN_DIR", default="")
# A backup still "running" after this long was abandoned by a killed worker.
BACKUP_STALE_AFTER_SECONDS = _env.int("BACKUP_STALE_AFTER_SECONDS", default=max(_tasks.CELERY_TASK_TIME_LIMIT, 3600))
BACKUP_TASK_TIME_LIMIT = _env.int("BACKUP_TASK_TIME_LIMIT", default=3 * 3600)

# The maintenance flag is a file, not a database row: a restore replaces the database.
# Point it at shared storage when several web hosts serve the app.
MAINTENANCE_FLAG_PATH = _env.path("MAINTENANCE_FLAG_PATH", default=_VAR_DIR / "maintenance.json")
MAINTENANCE_RETRY_AFTER_SECONDS = _env.int("MAINTENANCE_RETRY_AFTER_SECONDS", default=120)

_hour = _env.int("BACKUP_HOUR_UTC", default=2)
beat = {
    "backups-daily": {"task": "backups.backup_run_scheduled", "schedule": crontab(hour=_hour, minute=0)},
    "backups-retention": {"task": "backups.backups_prune", "schedule": crontab(hour=_hour, minute=45)},
    "backups-stale": {"task": "backups.backups_mark_stale", "schedule": 15 * 60},
}
