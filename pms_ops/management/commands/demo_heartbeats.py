"""`manage.py demo_heartbeats`: the demo's trading instance and morning-pack pipeline checking in.

`make run` starts it beside web, worker and beat (Procfile), so the demo's heartbeats arrive
as a real instance's do, through the heartbeat service. Embedded default only, like demo_data.
A failed ping is logged and retried: honcho stops every process when one of them exits.
"""

import time

from django.core.management.base import BaseCommand
from django.db import DatabaseError

from core.errors import ServiceError
from ops import demo

from .demo_data import refuse_real_database

EVERY_SECONDS = 10


class Command(BaseCommand):
    help = "Ping the demo heartbeats when they are due, every 10 s (embedded SQLite default only)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Send the due pings once and exit.")

    def handle(self, *args, once: bool = False, **options):
        refuse_real_database()
        try:
            while True:
                self._tick()
                if once:
                    return
                time.sleep(EVERY_SECONDS)
        except KeyboardInterrupt:  # Ctrl-C in `make run`
            return

    def _tick(self) -> None:
        try:
            pinged = demo.heartbeats_ping()
        except (DatabaseError, ServiceError) as exc:
            self.stderr.write(f"demo heartbeats: {type(exc).__name__}: {exc}; retrying in {EVERY_SECONDS} s")
            return
        for name in pinged:
            self.stdout.write(f"heartbeat {name}: ping")
