"""Seed 004's General Restore Procedure, made safe: the steps a restore job runs.

1. incident (declared with runbook `general-restore` if none is open)  2. maintenance on
3. a fresh, verified backup ("Backups first")  4. restore  5. verify the restored data
against the backup's record  6. migrate  7. verify chains and migrations current
8. maintenance off. Every step goes on the incident's timeline and into the audit trail
(`restore_job.RestoreJob.record`); each function below is one step, run in `STEPS` order.
"""

import sqlite3
from collections.abc import Callable
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.utils import timezone

from audit.grants import grant_runtime_role
from core import dbroles, maintenance
from core.errors import NotFound
from incidents.models import Incident
from incidents.services import incident_declare

from . import inspection, pgtools, services, verification
from .errors import BackupError
from .models import Backup, BackupStatus, Restore, RestoreStatus
from .restore_job import RestoreJob


def _declaring_user(job: RestoreJob):
    username = job.restore.approved_by or job.restore.requested_by
    return get_user_model().objects.filter(username=username).first() or job.actor


def _detected_by(job: RestoreJob) -> str:
    """incidents wants a username or probe:<name>; a command-line restore has neither."""
    name = job.restore.requested_by
    return name if get_user_model().objects.filter(username=name).exists() else ""


def attach_incident(job: RestoreJob) -> None:
    """The open incident, or a new one following the General Restore runbook."""
    incident = Incident.objects.open().order_by("-pk").first()
    if incident is None:
        incident = incident_declare(
            actor=_declaring_user(job),
            title=f"Database restore from backup #{job.restore.backup_id}",
            severity="P2",
            detected_by=_detected_by(job),
            runbook="general-restore",
            symptoms=job.restore.reason,
        )
    job.attach(incident)


def open_incident(job: RestoreJob) -> None:
    attach_incident(job)
    job.record(5, "incident", f"on incident #{job.incident.pk}")


def enter_maintenance(job: RestoreJob) -> None:
    reason = f"restore #{job.restore.pk} of backup #{job.restore.backup_id}"
    maintenance.maintenance_on(reason=reason, by=job.actor)
    job.record(10, "maintenance on", "API writes answer 503 until the restore ends")


def take_fresh_backup(job: RestoreJob) -> None:
    """Seed 004's "Backups first": what is there now is kept, verified, before anything is replaced."""
    fresh = services.backup_start(actor=job.actor, trigger="restore")
    fresh = services.backup_run(backup_id=fresh.pk, actor=job.actor)
    if fresh.status != BackupStatus.VERIFIED:
        raise BackupError(f"the fresh backup #{fresh.pk} did not verify ({fresh.error}); nothing was restored")
    job.restore.pre_restore_backup = fresh
    job.restore.save(update_fields=["pre_restore_backup"])
    job.record(40, "fresh backup", f"backup #{fresh.pk} verified ({fresh.size} bytes): what is there now is kept")


def swap_database(job: RestoreJob) -> None:
    """Replace the live database by the backup's, once its files are checked unchanged since verification."""
    backup = job.restore.backup
    job.inventory = list(Backup.objects.all())
    check = verification.check_files(Path(backup.directory), backup.files)
    if not check["ok"]:
        raise BackupError(f"backup #{backup.pk} changed since it was verified: {check['detail']}")
    path = Path(backup.directory) / backup.file
    if connection.vendor == "postgresql":
        connections.close_all()  # our own idle connection must not hold a lock on the tables
        pgtools.restore_live(path)
        regrant()
    else:
        source = sqlite3.connect(path)
        try:
            connection.ensure_connection()
            source.backup(connection.connection)
        finally:
            source.close()
    job.swapped = True
    job.record(60, "restore", f"database replaced by backup #{backup.pk} ({backup.file})")


def regrant() -> None:
    """The restored schema is the owner's alone: give the runtime role its rights on it again."""
    role = dbroles.runtime_role()
    if role:
        with dbroles.owner_connection() as owner:
            grant_runtime_role(owner, role)


def verify_restored(job: RestoreJob) -> None:
    backup = job.restore.backup
    recorded = {"row_counts": backup.row_counts, "chain_heads": backup.chain_heads, "migrations": backup.migrations}
    failed = [c for c in verification.compare(recorded, inspection.inspect()) if not c["ok"]]
    if failed:
        raise BackupError(f"the restored database does not match backup #{backup.pk}: {failed[0]['detail']}")
    job.record(70, "verify restored data", "chains verify; row counts and chain heads equal the backup's record")


def migrate(job: RestoreJob) -> None:
    """Bring an older schema current; re-verify the chains only if a migration ran."""
    applied = inspection.pending_migrations()
    call_command("migrate", interactive=False, verbosity=0)
    pending = inspection.pending_migrations()
    broken = [c["broken"] for c in inspection.verify_chains() if not c["ok"]] if applied else []
    if pending or broken:
        raise BackupError(f"after migrate: pending {pending}, broken chains {broken}")
    job.record(85, "migrations", f"{len(applied)} migrations applied; none pending; chains verify")


def write_back(job: RestoreJob) -> None:
    """Put back what the swap replaced: the inventory, this job, the incident's timeline."""
    job.put_back()
    attach_incident(job)
    job.replay_timeline()


def leave_maintenance(job: RestoreJob) -> None:
    maintenance.maintenance_off()
    job.record(100, "maintenance off", "restore complete")


STEPS = (
    open_incident,
    enter_maintenance,
    take_fresh_backup,
    swap_database,
    verify_restored,
    migrate,
    write_back,
    leave_maintenance,
)


def fail(job: RestoreJob, exc: Exception) -> Restore:
    """Record the failure, and whether the live database changed: if it did, maintenance stays on."""
    detail = exc.detail if isinstance(exc, BackupError) else f"{type(exc).__name__}: {exc}"
    if job.swapped:
        detail += "; the database was replaced: maintenance stays ON until Ops checks it (manage.py maintenance off)"
        write_back(job)
    else:
        maintenance.maintenance_off()
        detail += "; the live database was not changed"
    job.record(job.restore.progress, "failed", detail)
    return job.finish(RestoreStatus.FAILED, detail)


def restore_run(*, restore_id: int, echo: Callable[[str], object] | None = None) -> Restore:
    """Run one queued restore to the end; a duplicate delivery of the task does nothing."""
    with transaction.atomic():
        restore = Restore.objects.select_for_update().filter(pk=restore_id).first()
        if restore is None:
            raise NotFound(f"Restore {restore_id} does not exist.")
        if restore.status != RestoreStatus.QUEUED:
            return restore
        restore.status, restore.started_at = RestoreStatus.RUNNING, timezone.now()
        restore.save(update_fields=["status", "started_at"])
    job = RestoreJob(Restore.objects.select_related("backup").get(pk=restore_id), "system:backups", echo)
    try:
        for step in STEPS:
            step(job)
        return job.finish(RestoreStatus.SUCCEEDED, "")
    except Exception as exc:  # every failure is recorded, and says whether the database changed
        return fail(job, exc)
