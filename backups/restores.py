"""Restores: the four-eyes request and the approvable action (`DatabaseRestore`) that queues the job.

The procedure itself (maintenance, fresh backup, swap, migrate, verify) is in
`procedure.py`; this module is the write path that leads to it.
"""

from django.db import transaction

from approvals.registry import Approvable
from approvals.services import approval_request_create
from audit.services import actor_name, event_record
from core import outbox
from core.errors import Conflict, Invalid, NotFound

from . import rechecks
from .actions import BackupsAction
from .models import Backup, BackupStatus, Restore


def _backup_id(payload: dict) -> int:
    value = payload.get("backup_id") if isinstance(payload, dict) else None
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise Invalid("backup_id must be a positive integer.", fields={"backup_id": ["A backup id, e.g. 12."]})
    return value


def restorable_backup(backup_id: int) -> Backup:
    """The backup, if it may be restored: only a verified one — never a bad, failed or removed one."""
    backup = Backup.objects.filter(pk=backup_id).first()
    if backup is None:
        raise NotFound(f"Backup {backup_id} does not exist.", fields={"backup_id": ["Unknown backup."]})
    if backup.status != BackupStatus.VERIFIED:
        why = f": {backup.error}" if backup.error else ""
        raise Conflict(
            f"Backup #{backup.pk} is {backup.get_status_display().lower()}{why}; "
            "only a verified backup can be restored.",
            code="backup_not_restorable",
            extra={"status": backup.status},
        )
    return backup


def restore_request(*, actor, backup_id: object, reason: str):
    """Ask for a restore; a second person approves it (approvals' queue) before anything happens."""
    payload = {"backup_id": backup_id}
    backup = restorable_backup(_backup_id(payload))
    rechecks.check_before_restore(backup, actor=actor)
    with transaction.atomic():
        request = approval_request_create(
            actor=actor,
            action=DatabaseRestore.name,
            payload=payload,
            reason=reason,
            subject_type="backups.backup",
            subject_id=backup.pk,
        )
        event_record(
            actor=actor,
            action=BackupsAction.RESTORE_REQUESTED,
            subject_type="backups.backup",
            subject_id=backup.pk,
            payload={"approval_request_id": request.pk, "reason": request.reason},
        )
    return request


def restore_queue(
    *, actor, backup_id: int, reason: str, requested_by: str, approved_by: str, approval_request_id=None
) -> Restore:
    """Create the restore job and hand it to a worker once this transaction commits."""
    backup = restorable_backup(backup_id)
    with transaction.atomic():
        restore = Restore.objects.create(
            backup=backup,
            reason=reason,
            requested_by=requested_by,
            approved_by=approved_by,
            approval_request_id=approval_request_id,
            step="queued",
        )
        event_record(
            actor=actor,
            action=BackupsAction.RESTORE_QUEUED,
            subject_type="backups.restore",
            subject_id=restore.pk,
            payload={"backup_id": backup.pk, "approved_by": approved_by, "approval_request_id": approval_request_id},
        )
    return restore


class DatabaseRestore(Approvable):
    """Restoring the whole database from a verified backup (seed 001): four eyes, then a worker's procedure."""

    name = "backups.restore"
    label = "Restore the database from a backup"
    aliases = ("ops.restore",)  # its name while backups lived inside ops (migration 0002)

    def validate(self, payload: dict) -> None:
        restorable_backup(_backup_id(payload))

    def execute(self, request, *, actor) -> dict:
        """Queue the restore job inside the approving transaction; a worker runs it once that commits.

        A broker that is down does not fail the approval: the restore stays queued; the sweeper re-sends it."""
        restore = restore_queue(
            actor=actor,
            backup_id=_backup_id(request.payload),
            reason=request.reason,
            requested_by=request.requested_by.get_username(),
            approved_by=actor_name(actor),
            approval_request_id=request.pk,
        )
        outbox.send_on_commit("backups.restore_run", restore.pk)
        return {"restore_id": restore.pk, "backup_id": restore.backup_id}

    def describe(self, payload: dict) -> dict:
        """What the approver sees: which state the database goes back to, and what that costs."""
        backup = Backup.objects.filter(pk=payload.get("backup_id")).first()
        if backup is None:
            return {"backup_id": payload.get("backup_id"), "warning": "unknown backup"}
        return {
            "backup_id": backup.pk,
            "backup_taken_at": backup.started_at.isoformat(),
            "status": backup.status,
            "size_bytes": backup.size,
            "rows": sum(backup.row_counts.values()),
            "warning": (
                "Replaces the whole database with its state at the time of this backup. A fresh backup is "
                "taken first, so what was recorded since is kept there; the app is in maintenance meanwhile."
            ),
        }
