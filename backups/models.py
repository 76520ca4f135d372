"""Backup inventory and restore jobs.

Both are current-state rows (status, progress) whose every transition is an audit event;
they are not append-only because a running job reports progress. The files on disk and
their sha256 are what a backup *is*; the row says what we know about them.
"""

from django.db import models
from django.utils import timezone


class BackupStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    VERIFYING = "verifying", "Verifying"
    VERIFIED = "verified", "Verified"
    BAD = "bad", "Failed verification"
    FAILED = "failed", "Failed"
    REMOVED = "removed", "Removed by retention"


ACTIVE = [BackupStatus.QUEUED, BackupStatus.RUNNING, BackupStatus.VERIFYING]


class BackupQuerySet(models.QuerySet):
    def verified(self):
        return self.filter(status=BackupStatus.VERIFIED)

    def running(self):
        """Queued, running or verifying: what holds the one-at-a-time slot until it ends or is swept."""
        return self.filter(status__in=ACTIVE)

    def newest_first(self):
        return self.order_by("-started_at", "-pk")


class Backup(models.Model):
    status = models.CharField(max_length=10, choices=BackupStatus.choices, default=BackupStatus.QUEUED)
    trigger = models.CharField(max_length=20, help_text="beat, admin, api, command or restore.")
    requested_by = models.CharField(max_length=150, help_text="Username, or system:<name>.")
    vendor = models.CharField(max_length=20)
    started_at = models.DateTimeField(default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_seconds = models.FloatField(null=True, blank=True)
    directory = models.CharField(max_length=500, blank=True)
    stamp = models.CharField(max_length=40, unique=True, help_text="UTC timestamp naming the files.")
    file = models.CharField(max_length=500, blank=True, help_text="The database dump.")
    size = models.BigIntegerField(default=0, help_text="Bytes of every file of the backup.")
    sha256 = models.CharField(max_length=64, blank=True, help_text="Of the database dump.")
    files = models.JSONField(default=list, blank=True, help_text='[{"name","size","sha256"}]')
    row_counts = models.JSONField(default=dict, blank=True)
    chain_heads = models.JSONField(default=list, blank=True)
    migrations = models.JSONField(default=list, blank=True, help_text="Applied migrations, app.name.")
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent.")
    step = models.CharField(max_length=200, blank=True)
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text="Last sign of life of the task running it; the sweeper declares it dead."
    )
    error = models.TextField(blank=True)
    verification = models.JSONField(default=dict, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    objects = BackupQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [
            # At most one backup is active at a time: `vendor` is the same for every row of a database.
            models.UniqueConstraint(
                fields=["vendor"],
                condition=models.Q(status__in=["queued", "running", "verifying"]),
                name="backups_one_running",
            )
        ]

    def __str__(self) -> str:
        return f"Backup #{self.pk} {self.stamp} ({self.status})"


class RestoreStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class Restore(models.Model):
    """One approved restore. `approval_request_id` is a plain id: the approval row itself
    may predate or postdate the restored backup."""

    backup = models.ForeignKey(Backup, on_delete=models.PROTECT, related_name="restores")
    status = models.CharField(max_length=10, choices=RestoreStatus.choices, default=RestoreStatus.QUEUED)
    reason = models.TextField()
    requested_by = models.CharField(max_length=150)
    approved_by = models.CharField(max_length=150, blank=True)
    approval_request_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    pre_restore_backup = models.ForeignKey(
        Backup, null=True, blank=True, on_delete=models.PROTECT, related_name="+", help_text="Backups first."
    )
    incident_id = models.BigIntegerField(null=True, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)
    step = models.CharField(max_length=200, blank=True)
    steps = models.JSONField(default=list, blank=True, help_text='[{"at","step","detail"}]')
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Restore #{self.pk} of backup #{self.backup_id} ({self.status})"
