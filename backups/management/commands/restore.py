"""`manage.py restore BACKUP`: the restore procedure from the command line.

Same safety steps as an approved restore (incident, maintenance, fresh backup, verify,
migrate); the four-eyes approval is replaced by a typed confirmation, audited as such.
"""

import sys

from django.core.management.base import BaseCommand

from backups import procedure, restores
from backups.models import RestoreStatus
from core.errors import ServiceError


class Command(BaseCommand):
    help = "Restore the database from a verified backup (id), after a fresh backup."

    def add_arguments(self, parser):
        parser.add_argument("backup", type=int, help="Backup id (see the inventory).")
        parser.add_argument("--reason", default="", help="Why (goes on the incident and into the audit trail).")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args, **options):
        backup_id, reason = options["backup"], options["reason"] or "restore from the command line"
        try:
            backup = restores.restorable_backup(backup_id)
        except ServiceError as exc:
            self.stderr.write(self.style.ERROR(exc.detail))
            sys.exit(1)
        if not options["yes"] and not self._confirmed(backup):
            self.stderr.write("Not confirmed; nothing was changed.")
            sys.exit(1)
        restore = restores.restore_queue(
            actor="system:command",
            backup_id=backup.pk,
            reason=reason,
            requested_by="system:command",
            approved_by="system:command (confirmed at the prompt)",
        )
        restore = procedure.restore_run(restore_id=restore.pk, echo=self.stdout.write)
        if restore.status != RestoreStatus.SUCCEEDED:
            self.stderr.write(self.style.ERROR(f"Restore #{restore.pk} failed: {restore.error}"))
            sys.exit(1)
        self.stdout.write(self.style.SUCCESS(f"Restore #{restore.pk} of backup #{backup.pk} succeeded."))

    def _confirmed(self, backup) -> bool:
        self.stdout.write(
            f"This replaces the whole database with backup #{backup.pk} taken {backup.started_at:%Y-%m-%d %H:%M} UTC.\n"
            "A fresh backup is taken first. Type the backup id to confirm: "
        )
        return input().strip() == str(backup.pk)
