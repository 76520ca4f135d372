"""Settings of the backups app (from the environment)."""

from celery.schedules import crontab

from .env import VAR_DIR as _VAR_DIR
from .env import env as _env

# BACKUP_DIR itself is in base.py (default var/backups).
BACKUP_RETENTION_DAYS = _env.int("BACKUP_RETENTION_DAYS", default=30)
# Where pg_dump/pg_restore/psql live; empty: /usr/lib/postgresql/<server major>/bin, then PATH.
BACKUP_PG_BIN_DIR = _env("BACKUP_PG_BIN_DIR", default="")
# A running or verifying backup not heard from (heartbeat_at) for this long is declared dead by
# the sweeper: its worker was killed. Several heartbeat intervals.
BACKUP_STALE_AFTER_SECONDS = _env.int("BACKUP_STALE_AFTER_SECONDS", default=300)
# A queued backup is not dead, only not yet delivered (the broker or every worker is down): the
# sweeper re-sends it every minute. One no worker took within this long is failed, so that a
# request nobody will ever run does not hold the one-backup-at-a-time slot for ever.
BACKUP_NEVER_STARTED_AFTER_SECONDS = _env.int("BACKUP_NEVER_STARTED_AFTER_SECONDS", default=6 * 3600)
# A queued restore no worker took within this is failed, not run late over what the desk did since.
RESTORE_NEVER_STARTED_AFTER_SECONDS = _env.int("RESTORE_NEVER_STARTED_AFTER_SECONDS", default=30 * 60)
# A running backup writes heartbeat_at at every step and at least this often in between.
BACKUP_HEARTBEAT_SECONDS = _env.int("BACKUP_HEARTBEAT_SECONDS", default=30)
# Queued work not started after this long is sent to the broker again by the sweeper.
BACKUP_RESEND_AFTER_SECONDS = _env.int("BACKUP_RESEND_AFTER_SECONDS", default=30)
# BACKUP_TASK_TIME_LIMIT is in tasks.py, beside the visibility timeout it must stay under.

# The maintenance flag is a file, not a database row: a restore replaces the database.
# Point it at shared storage when several web hosts serve the app.
MAINTENANCE_FLAG_PATH = _env.path("MAINTENANCE_FLAG_PATH", default=_VAR_DIR / "maintenance.json")
MAINTENANCE_RETRY_AFTER_SECONDS = _env.int("MAINTENANCE_RETRY_AFTER_SECONDS", default=120)

_hour = _env.int("BACKUP_HOUR_UTC", default=2)
beat = {
    "backups-daily": {"task": "backups.backup_run_scheduled", "schedule": crontab(hour=_hour, minute=0)},
    "backups-retention": {"task": "backups.backups_prune", "schedule": crontab(hour=_hour, minute=45)},
    # The key predates the sweeper: the database scheduler updates its row in place (no orphaned entry).
    "backups-stale": {"task": "backups.backups_sweep", "schedule": 60},
    # Checked again after verification: every verified backup's sha256 daily; the one verified
    # longest ago restored into a scratch database weekly. A backup found bad opens an incident.
    "backups-checksum": {
        "task": "backups.backups_checksum",
        "schedule": crontab(hour=_env.int("BACKUP_CHECKSUM_HOUR_UTC", default=4), minute=0),
    },
    "backups-reverify": {
        "task": "backups.backups_reverify",
        "schedule": crontab(
            day_of_week=_env("BACKUP_REVERIFY_DAY", default="sun"),
            hour=_env.int("BACKUP_REVERIFY_HOUR_UTC", default=5),
            minute=0,
        ),
    },
}
