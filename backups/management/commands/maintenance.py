"""`manage.py maintenance on|off|status`: the maintenance flag, e.g. after a failed restore."""

from django.core.management.base import BaseCommand

from audit.services import event_record
from backups.actions import BackupsAction
from core import maintenance


class Command(BaseCommand):
    help = "Turn maintenance mode on or off, or show it."

    def add_arguments(self, parser):
        parser.add_argument("state", choices=["on", "off", "status"])
        parser.add_argument("--reason", default="maintenance")

    def handle(self, *args, state, reason, **options):
        if state == "on":
            maintenance.maintenance_on(reason=reason, by="system:command")
            event_record(actor="system:command", action=BackupsAction.MAINTENANCE_ON, payload={"reason": reason})
        elif state == "off":
            maintenance.maintenance_off()
            event_record(actor="system:command", action=BackupsAction.MAINTENANCE_OFF)
        self.stdout.write(f"maintenance: {maintenance.maintenance_state() or 'off'}")
