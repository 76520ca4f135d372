"""The one error a backup step raises: its message is what the inventory shows."""

from core.errors import ServiceError


class BackupError(ServiceError):
    """A backup, verification or restore step failed; the message says which and why."""

    code = "backup_failed"
