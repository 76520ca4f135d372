"""`manage.py backup_inspect`: print, as JSON, the row counts, chain heads, chain verification
and migration state of the database in DATABASE_URL (verification runs it on a scratch copy)."""

import json

from django.core.management.base import BaseCommand

from backups.inspection import inspect


class Command(BaseCommand):
    help = "Inspect the connected database for backup verification (JSON on stdout)."
    requires_system_checks = []

    def handle(self, *args, **options):
        self.stdout.write(json.dumps(inspect()))
