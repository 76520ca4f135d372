"""`manage.py verify_chains`: recompute every hash chain; exit 1 if any link is broken."""

import sys

from django.core.management.base import BaseCommand

from audit.chain import verify_all


class Command(BaseCommand):
    help = "Verify every hash chain and name the first broken link."

    def handle(self, *args, **options):
        broken = False
        for report in verify_all():
            line = (
                f"{report.table} [{report.chain}]: {report.rows} rows checked, "
                f"head seq {report.head_seq} {report.head_hash}"
            )
            if report.ok:
                self.stdout.write(self.style.SUCCESS(f"OK     {line}"))
                continue
            broken = True
            b = report.broken
            self.stdout.write(
                self.style.ERROR(
                    f"BROKEN {line}; first broken link: table {b['table']} seq {b['seq']} row id {b['id']} "
                    f"({b['field']}: expected {b['expected']}, found {b['found']})"
                )
            )
        if broken:
            sys.exit(1)
