"""Demo rows of backups: a real backup taken at load and verified by a scratch restore.

The demo starts with a verified backup because one was made, through the same service as
`manage.py backup`; a rerun within the hour keeps the one it has (beat's daily backup follows).
"""

from datetime import timedelta

from django.utils import timezone

from . import services
from .selectors import newest_verified_backup

ACTOR = "system:demo"
RECENT = timedelta(hours=1)


def load(users: dict) -> None:
    newest = newest_verified_backup()
    if newest is not None and timezone.now() - newest.finished_at < RECENT:
        return
    backup = services.backup_start(actor=ACTOR, trigger="command")
    services.backup_run(backup_id=backup.pk, actor=ACTOR)
