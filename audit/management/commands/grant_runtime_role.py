"""`manage.py grant_runtime_role [ROLE]`: give the runtime role exactly its rights (run as the owner)."""

from django.core.management.base import BaseCommand, CommandError

from audit.grants import grant_runtime_role
from core import dbroles


class Command(BaseCommand):
    help = (
        "Grant the runtime role (default: DATABASE_URL's user) SELECT/INSERT on append-only tables and "
        "what the other tables need, nothing more. Connects with DATABASE_OWNER_URL. `migrate` does this too."
    )

    def add_arguments(self, parser):
        parser.add_argument("role", nargs="?", help="The runtime role (default: DATABASE_URL's user).")
        parser.add_argument("--database", default="default")

    def handle(self, *args, role=None, database="default", **options):
        role = role or dbroles.runtime_role(database)
        if not role:
            raise CommandError(
                "No runtime role: DATABASE_URL connects as the owner (or the database is SQLite). "
                "Set DATABASE_OWNER_URL to the owner and DATABASE_URL to the runtime role, or name the role."
            )
        with dbroles.connected_as_owner(database) as connection:
            statements = grant_runtime_role(connection, role)
        if not statements:
            raise CommandError("Roles exist on PostgreSQL only; nothing to grant on this database.")
        self.stdout.write(self.style.SUCCESS(f"Granted {role} the runtime rights ({len(statements)} statements)."))
