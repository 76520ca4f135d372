"""A running backup's sign of life: `heartbeat_at`, kept fresh while a long step reports nothing.

pg_dump and pg_restore run for minutes without a progress callback; a thread of the task's own
process touches the row every BACKUP_HEARTBEAT_SECONDS, so it stops exactly when the process dies.
"""

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import DatabaseError, connections
from django.utils import timezone

from .models import Backup, BackupStatus

log = logging.getLogger(__name__)


def _beat(backup_id: int, stop: threading.Event) -> None:
    try:
        while not stop.wait(settings.BACKUP_HEARTBEAT_SECONDS):
            try:
                Backup.objects.filter(pk=backup_id, status__in=[BackupStatus.RUNNING, BackupStatus.VERIFYING]).update(
                    heartbeat_at=timezone.now()
                )
            except DatabaseError as exc:  # a missed beat is retried next interval; the run itself goes on
                log.warning("heartbeat of backup %s not written: %s", backup_id, exc)
    finally:
        connections.close_all()  # this thread's own connections only


@contextmanager
def beating(backup_id: int) -> Iterator[None]:
    stop = threading.Event()
    thread = threading.Thread(target=_beat, args=(backup_id, stop), name=f"backup-{backup_id}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
