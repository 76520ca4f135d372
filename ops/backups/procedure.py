"""Seed 004's General Restore Procedure, made safe: the steps a restore job runs.

1. incident (declared with runbook `general-restore` if none is open)  2. maintenance on
3. a fresh, verified backup ("Backups first")  4. restore  5. verify the restored data
against the backup's record  6. migrate  7. verify chains and migrations current
8. maintenance off. Every step goes on the incident's timeline and into the audit trail.

Restoring replaces the database, and with it the rows that described this job, the
inventory since that backup and the incident's timeline so far. Those are kept in memory
while the swap runs and written back afterwards: the restored database records the
restore, and everything before the swap is also inside the pre-restore backup.
"""

import sqlite3
from datetime import datetime
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, connections, transaction
from django.utils import timezone

from audit.grants import grant_runtime_role
from audit.services import event_record
from core import dbroles, maintenance
from core.errors import NotFound
from incidents.models import Incident
from incidents.services import incident_declare, incident_event_add

from . import inspection, pgtools, services, verification
from .errors import BackupError
from .models import Backup, BackupStatus, Restore, RestoreStatus

BACKUP_FIELDS = [f.attname for f in Backup._meta.concrete_fields if f.attname != "id"]
RESTORE_FIELDS = [f.attname for f in Restore._meta.concrete_fields if f.attname != "id"]


class Procedure:
    def __init__(self, restore: Restore, actor: str, echo=None):
        self.restore = restore
        self.actor = actor
        self.echo = echo or (lambda line: None)
        self.swapped = False
        self.incident = None
        self.inventory: list[Backup] = []

    # --- recording --------------------------------------------------------------------
    def step(self, percent: int, name: str, detail: str) -> None:
        entry = {"at": timezone.now().isoformat(), "step": name, "detail": detail}
        self.restore.steps.append(entry)
        self.restore.progress, self.restore.step = percent, name
        self.echo(f"[{percent:3d}%] {name}: {detail}")
        if self.swapped:
            return  # written back with the rest after the swap
        with transaction.atomic():
            self.restore.save(update_fields=["steps", "progress", "step"])
            self._audit("backups.restore.step", step=name, detail=detail)
            self._timeline(entry)

    def _audit(self, action: str, **payload) -> None:
        event_record(
            actor=self.actor,
            action=action,
            subject_type="backups.restore",
            subject_id=self.restore.pk,
            payload={"backup_id": self.restore.backup_id, **payload},
        )

    def _timeline(self, entry: dict) -> None:
        if self.incident is not None:
            incident_event_add(
                actor=self.actor,
                incident=self.incident,
                kind="action",
                text=f"Restore #{self.restore.pk}: {entry['step']} — {entry['detail']}",
                occurred_at=datetime.fromisoformat(entry["at"]),
                data={"restore_id": self.restore.pk, "step": entry["step"]},
            )

    def _user(self):
        username = self.restore.approved_by or self.restore.requested_by
        return get_user_model().objects.filter(username=username).first() or self.actor

    def _detected_by(self) -> str:
        """incidents wants a username or probe:<name>; a command-line restore has neither."""
        name = self.restore.requested_by
        return name if get_user_model().objects.filter(username=name).exists() else ""

    def open_incident(self) -> None:
        """The open incident, or a new one following the General Restore runbook."""
        self.incident = Incident.objects.open().order_by("-pk").first()
        if self.incident is None:
            self.incident = incident_declare(
                actor=self._user(),
                title=f"Database restore from backup #{self.restore.backup_id}",
                severity="P2",
                detected_by=self._detected_by(),
                runbook="general-restore",
                symptoms=self.restore.reason,
            )
        self.restore.incident_id = self.incident.pk
        self.restore.save(update_fields=["incident_id"])

    # --- the steps ----------------------------------------------------------------------
    def run(self) -> Restore:
        backup = self.restore.backup
        self.open_incident()
        self.step(5, "incident", f"on incident #{self.incident.pk}")
        maintenance.maintenance_on(reason=f"restore #{self.restore.pk} of backup #{backup.pk}", by=self.actor)
        self.step(10, "maintenance on", "API writes answer 503 until the restore ends")
        fresh = self.fresh_backup()
        self.step(40, "fresh backup", f"backup #{fresh.pk} verified ({fresh.size} bytes): what is there now is kept")
        self.inventory = list(Backup.objects.all())
        self.swap(backup)
        self.step(60, "restore", f"database replaced by backup #{backup.pk} ({backup.file})")
        self.check_restored(backup)
        self.step(70, "verify restored data", "chains verify; row counts and chain heads equal the backup's record")
        applied = self.migrate()
        self.step(85, "migrations", f"{len(applied)} migrations applied; none pending; chains verify")
        self.write_back()
        maintenance.maintenance_off()
        self.step(100, "maintenance off", "restore complete")
        return self.finish(RestoreStatus.SUCCEEDED, "")

    def fresh_backup(self) -> Backup:
        fresh = services.backup_start(actor=self.actor, trigger="restore")
        fresh = services.backup_run(backup_id=fresh.pk, actor=self.actor)
        if fresh.status != BackupStatus.VERIFIED:
            raise BackupError(f"the fresh backup #{fresh.pk} did not verify ({fresh.error}); nothing was restored")
        self.restore.pre_restore_backup = fresh
        self.restore.save(update_fields=["pre_restore_backup"])
        return fresh

    def swap(self, backup: Backup) -> None:
        path = Path(backup.directory) / backup.file
        check = verification.check_files(Path(backup.directory), backup.files)
        if not check["ok"]:
            raise BackupError(f"backup #{backup.pk} changed since it was verified: {check['detail']}")
        if connection.vendor == "postgresql":
            connections.close_all()  # our own idle connection must not hold a lock on the tables
            pgtools.restore_live(path)
            self.regrant()
        else:
            source = sqlite3.connect(path)
            try:
                connection.ensure_connection()
                source.backup(connection.connection)
            finally:
                source.close()
        self.swapped = True

    def regrant(self) -> None:
        """The restored schema is the owner's alone: give the runtime role its rights on it again."""
        role = dbroles.runtime_role()
        if role:
            with dbroles.owner_connection() as owner:
                grant_runtime_role(owner, role)

    def check_restored(self, backup: Backup) -> None:
        recorded = {"row_counts": backup.row_counts, "chain_heads": backup.chain_heads, "migrations": backup.migrations}
        failed = [c for c in verification.compare(recorded, inspection.inspect()) if not c["ok"]]
        if failed:
            raise BackupError(f"the restored database does not match backup #{backup.pk}: {failed[0]['detail']}")

    def migrate(self) -> list[str]:
        """Bring an older schema current; re-verify the chains only if a migration ran."""
        applied = inspection.pending_migrations()
        call_command("migrate", interactive=False, verbosity=0)
        pending = inspection.pending_migrations()
        broken = [c["broken"] for c in inspection.verify_chains() if not c["ok"]] if applied else []
        if pending or broken:
            raise BackupError(f"after migrate: pending {pending}, broken chains {broken}")
        return applied

    # --- after the swap -----------------------------------------------------------------
    def write_back(self) -> None:
        """Put back the inventory and this job as they were just before the swap."""
        with transaction.atomic():
            Backup.objects.bulk_create(
                self.inventory, update_conflicts=True, unique_fields=["id"], update_fields=BACKUP_FIELDS
            )
            Restore.objects.bulk_create(
                [self.restore], update_conflicts=True, unique_fields=["id"], update_fields=RESTORE_FIELDS
            )
        with dbroles.owner_connection() as owner, owner.cursor() as cursor:  # setval is the owner's right
            for sql in owner.ops.sequence_reset_sql(no_style(), [Backup, Restore]):
                cursor.execute(sql)
        self.swapped = False
        self.open_incident()
        with transaction.atomic():
            for entry in self.restore.steps:
                self._timeline(entry)

    def finish(self, status: str, error: str) -> Restore:
        self.restore.status, self.restore.error, self.restore.finished_at = status, error, timezone.now()
        with transaction.atomic():
            self.restore.save(update_fields=["status", "error", "finished_at", "progress", "step", "steps"])
            action = "backups.restore.succeeded" if status == RestoreStatus.SUCCEEDED else "backups.restore.failed"
            pre = self.restore.pre_restore_backup
            self._audit(
                action,
                error=error,
                steps=self.restore.steps,
                pre_restore_backup_id=pre.pk if pre else None,
                pre_restore_chain_heads=pre.chain_heads if pre else [],
            )
        return self.restore

    def fail(self, exc: Exception) -> Restore:
        detail = exc.detail if isinstance(exc, BackupError) else f"{type(exc).__name__}: {exc}"
        if self.swapped:
            detail += (
                "; the database was replaced: maintenance stays ON until Ops checks it (manage.py maintenance off)"
            )
            self.write_back()
        else:
            maintenance.maintenance_off()
            detail += "; the live database was not changed"
        self.step(self.restore.progress, "failed", detail)
        return self.finish(RestoreStatus.FAILED, detail)


def restore_run(*, restore_id: int, echo=None) -> Restore:
    """Run one queued restore to the end; a duplicate delivery of the task does nothing."""
    with transaction.atomic():
        restore = Restore.objects.select_for_update().filter(pk=restore_id).first()
        if restore is None:
            raise NotFound(f"Restore {restore_id} does not exist.")
        if restore.status != RestoreStatus.QUEUED:
            return restore
        restore.status, restore.started_at = RestoreStatus.RUNNING, timezone.now()
        restore.save(update_fields=["status", "started_at"])
    procedure = Procedure(Restore.objects.select_related("backup").get(pk=restore_id), "system:backups", echo)
    try:
        return procedure.run()
    except Exception as exc:  # every failure is recorded, and says whether the database changed
        return procedure.fail(exc)
