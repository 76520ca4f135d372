"""`manage.py demo_data`: demo users per role (embedded default only) and each app's demo rows.

Idempotent: a second run keeps what exists. Apps contribute through an optional
`<app>/demo.py` with `load(users: dict[str, User]) -> None`.
"""

import importlib
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from core import roles

DEMO_USERS = {
    "pm": roles.PM,
    "approver": roles.APPROVER,
    "commander": roles.INCIDENT_COMMANDER,
    "ops": roles.OPS,
    "auditor": roles.AUDITOR,
    "feed": roles.PRICE_FEED,  # the demo price feed's service account (its API token: drf_create_token feed)
}
APPS = ("journal", "approvals", "book", "incidents", "desk", "ops", "backups")


def refuse_real_database() -> None:
    """The demo (its users, its heartbeats) belongs to the embedded default, never to a real database."""
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        raise CommandError("The demo runs only on the embedded default (SQLite); refusing on a real database.")


class Command(BaseCommand):
    help = "Load the demo dataset with one demo user per role (embedded SQLite default only)."

    def handle(self, *args, **options):
        refuse_real_database()
        users, logins = self._users()
        for app in APPS:
            try:
                module = importlib.import_module(f"{app}.demo")
            except ModuleNotFoundError:
                continue
            module.load(users)
        self.stdout.write("Demo logins (role: username / password):")
        for username, password in logins:
            self.stdout.write(f"  {DEMO_USERS[username]:<20} {username} / {password}")

    def _users(self):
        """Create missing demo users; passwords live in var/demo_passwords so reruns print them."""
        path = settings.DEMO_PASSWORDS_FILE
        known = dict(line.split(" ", 1) for line in path.read_text().splitlines()) if path.exists() else {}
        User = get_user_model()
        users, logins = {}, []
        for username, role in DEMO_USERS.items():
            user = User.objects.filter(username=username).first()
            if user is None:
                known[username] = secrets.token_urlsafe(9)
                user = User.objects.create_user(
                    username=username, password=known[username], email=f"{username}@example.com", is_staff=True
                )
                user.groups.add(Group.objects.get(name=role))
            users[username] = user
            logins.append((username, known.get(username, "(set earlier; see var/demo_passwords)")))
        path.write_text("".join(f"{name} {password}\n" for name, password in known.items()))
        path.chmod(0o600)
        return users, logins
