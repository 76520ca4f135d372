"""Hand recorded work to Celery after commit: the row is the outbox, the broker only a doorbell.

A broker that is down fails nothing: the row stays `queued` and the sweeper (`services.backups_sweep`,
every minute) rings again. Publishing does not retry (settings.tasks), so a request never hangs on it.
"""

import logging

from celery import current_app
from django.db import transaction
from kombu.exceptions import OperationalError

log = logging.getLogger(__name__)


def send(task: str, *args) -> bool:
    """Publish now; False (logged) when the broker refused: the sweeper re-sends what never started."""
    try:
        # ignore_result: the row is the task's state. Subscribing to the Redis result backend on publish
        # raised RuntimeError (not OperationalError) with Redis down: a 500 for a committed request.
        current_app.tasks[task].apply_async(args=args, retry=False, ignore_result=True)
    except OperationalError as exc:
        log.warning("broker down: %s%s not sent (%s); the sweeper re-sends it", task, args, exc)
        return False
    return True


def send_on_commit(task: str, *args) -> None:
    transaction.on_commit(lambda: send(task, *args))
