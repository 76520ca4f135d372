"""`manage.py backup`: make a backup in the foreground, verify it, print its files."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from backups import services
from backups.models import BackupStatus
from core.errors import ServiceError


class Command(BaseCommand):
    help = "Back up the database (dump + CSV exports), verify it by a scratch restore, print the files."

    def handle(self, *args, **options):
        try:
            backup = services.backup_start(actor="system:command", trigger="command")
        except ServiceError as exc:
            self.stderr.write(self.style.ERROR(exc.detail))
            sys.exit(1)
        backup = services.backup_run(backup_id=backup.pk, actor="system:command")
        for entry in backup.files:
            self.stdout.write(
                f"{Path(backup.directory) / entry['name']}  {entry['size']} bytes  sha256 {entry['sha256']}"
            )
        if backup.status != BackupStatus.VERIFIED:
            self.stderr.write(self.style.ERROR(f"Backup #{backup.pk} {backup.status}: {backup.error}"))
            sys.exit(1)
        self.stdout.write(self.style.SUCCESS(f"Backup #{backup.pk} verified in {backup.duration_seconds} s."))
