"""A running restore and what it records: its row's steps, the audit trail, the incident's timeline.

Restoring replaces the database, and with it the rows that described this job, the inventory
since that backup and the incident's timeline so far. The job keeps them in memory while the
swap runs (`swapped`) and writes them back afterwards (`put_back`, `replay_timeline`): the
restored database records the restore, and everything before the swap is also inside the
pre-restore backup.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.core.management.color import no_style
from django.db import transaction
from django.utils import timezone

from audit.services import event_record
from core import dbroles
from incidents.models import Incident
from incidents.services import incident_event_add

from .actions import BackupsAction
from .models import Backup, Restore, RestoreStatus

BACKUP_FIELDS = [f.attname for f in Backup._meta.concrete_fields if f.attname != "id"]
RESTORE_FIELDS = [f.attname for f in Restore._meta.concrete_fields if f.attname != "id"]


@dataclass
class RestoreJob:
    restore: Restore
    actor: str
    echo: Callable[[str], object] | None = None
    swapped: bool = False
    incident: Incident | None = None
    inventory: list[Backup] = field(default_factory=list)

    def record(self, percent: int, name: str, detail: str) -> None:
        """One step done: on the restore row, in the audit trail, on the incident's timeline."""
        entry = {"at": timezone.now().isoformat(), "step": name, "detail": detail}
        self.restore.steps.append(entry)
        self.restore.progress, self.restore.step = percent, name
        if self.echo:
            self.echo(f"[{percent:3d}%] {name}: {detail}")
        if self.swapped:
            return  # written back with the rest after the swap
        with transaction.atomic():
            self.restore.save(update_fields=["steps", "progress", "step"])
            self.audit(BackupsAction.RESTORE_STEP, step=name, detail=detail)
            self._timeline(entry)

    def audit(self, action: str, **payload) -> None:
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

    def attach(self, incident: Incident) -> None:
        self.incident = incident
        self.restore.incident_id = incident.pk
        self.restore.save(update_fields=["incident_id"])

    def put_back(self) -> None:
        """The inventory and this job as they were just before the swap, ids and sequences included."""
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

    def replay_timeline(self) -> None:
        """Every step so far onto the (re-attached) incident: the swap took the timeline with it."""
        with transaction.atomic():
            for entry in self.restore.steps:
                self._timeline(entry)

    def finish(self, status: str, error: str) -> Restore:
        self.restore.status, self.restore.error, self.restore.finished_at = status, error, timezone.now()
        with transaction.atomic():
            self.restore.save(update_fields=["status", "error", "finished_at", "progress", "step", "steps"])
            action = (
                BackupsAction.RESTORE_SUCCEEDED if status == RestoreStatus.SUCCEEDED else BackupsAction.RESTORE_FAILED
            )
            pre = self.restore.pre_restore_backup
            self.audit(
                action,
                error=error,
                steps=self.restore.steps,
                pre_restore_backup_id=pre.pk if pre else None,
                pre_restore_chain_heads=pre.chain_heads if pre else [],
            )
        return self.restore
