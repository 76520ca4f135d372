"""The backups app's audit actions: backups, their verification and retention, restores, maintenance."""

from django.db import models


class BackupsAction(models.TextChoices):
    BACKUP_STARTED = "backups.backup.started", "Backup started"
    BACKUP_COMPLETED = "backups.backup.completed", "Backup files written"
    BACKUP_FAILED = "backups.backup.failed", "Backup failed; its files removed"
    BACKUP_VERIFIED = "backups.backup.verified", "Backup verified by a scratch restore"
    BACKUP_VERIFICATION_FAILED = "backups.backup.verification_failed", "Backup failed verification (marked bad)"
    BACKUP_REMOVED = "backups.backup.removed", "Backup removed by retention"
    RESTORE_REQUESTED = "backups.restore.requested", "Restore requested (awaiting four-eyes approval)"
    RESTORE_QUEUED = "backups.restore.queued", "Restore approved and queued"
    RESTORE_STEP = "backups.restore.step", "Restore step done"
    RESTORE_SUCCEEDED = "backups.restore.succeeded", "Restore finished and verified"
    RESTORE_FAILED = "backups.restore.failed", "Restore failed"
    MAINTENANCE_ON = "backups.maintenance.on", "Maintenance mode on"
    MAINTENANCE_OFF = "backups.maintenance.off", "Maintenance mode off"
