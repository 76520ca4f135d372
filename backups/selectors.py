"""Reads of the backup inventory (ops probes and the dashboard use the first two)."""

from django.db.models import QuerySet

from .models import Backup, Restore


def newest_verified_backup() -> Backup | None:
    """The backup that counts as fresh: verified by a scratch restore. Bad ones never count."""
    return Backup.objects.verified().newest_first().first()


def recent_backups(limit: int = 5) -> list[Backup]:
    """Newest first, any status."""
    return list(Backup.objects.newest_first()[:limit])


def backups() -> QuerySet[Backup]:
    return Backup.objects.all()


def restores() -> QuerySet[Restore]:
    return Restore.objects.select_related("backup")
