"""`manage.py migrate`, run as the owner role; afterwards the runtime role is granted its rights.

Everything migrate does (schema changes, data migrations, post_migrate handlers installing the
append-only triggers) runs on the default connection reconnected with DATABASE_OWNER_URL's
credentials; tables added by the migrations are then granted to DATABASE_URL's role.
"""

from django.core.management.commands import migrate

from audit.grants import grant_runtime_role
from core import dbroles


class Command(migrate.Command):
    help = migrate.Command.help + " Runs as the owner (DATABASE_OWNER_URL), then grants the runtime role."

    def handle(self, *args, **options):
        database = options["database"]
        role = dbroles.runtime_role(database)
        with dbroles.connected_as_owner(database) as connection:
            super().handle(*args, **options)
            if role:
                grant_runtime_role(connection, role)
