"""The one way work reaches Celery: recorded in the database first, published after commit.

The row is the outbox, the broker only a doorbell. Work with a row of its own (a queued backup,
a queued restore) is published with `send_on_commit` and re-sent by its app's sweeper; work
without one (a notification) is an `OutboxMessage` added with `message_add`, run by the one task
`core.outbox_deliver` and re-sent by `outbox_sweep` (beat, every minute). A broker that is down
fails nothing: publishing does not retry (settings.tasks), so a request never hangs on it, and
what was not sent stays pending. Delivery is at least once; a run claims its row with one
conditional UPDATE first, so of two deliveries only one runs the handler.
"""

import logging
from collections.abc import Callable
from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from kombu.exceptions import OperationalError

from .errors import Conflict, NotFound
from .models import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)

DELIVER = "core.outbox_deliver"
# Handler name → function. Apps register theirs with @handler when their module is imported.
HANDLERS: dict[str, Callable[..., None]] = {}


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


def handler(name: str) -> Callable:
    """Register a function as the handler of outbox messages named `name` (JSON-able arguments)."""

    def register(func: Callable[..., None]) -> Callable[..., None]:
        if HANDLERS.get(name, func) is not func:
            raise ValueError(f"outbox handler {name!r} is already registered")
        HANDLERS[name] = func
        return func

    return register


def message_add(name: str, *args) -> OutboxMessage:
    """Record work in the caller's transaction; a worker runs it once that commits (or when swept)."""
    if name not in HANDLERS:
        raise LookupError(f"no outbox handler is registered as {name!r}")
    message = OutboxMessage.objects.create(handler=name, args=list(args), due_at=timezone.now())
    send_on_commit(DELIVER, message.pk)
    return message


def _claim(message_id: int) -> OutboxMessage | None:
    now = timezone.now()
    won = OutboxMessage.objects.filter(pk=message_id, status=OutboxStatus.PENDING, due_at__lte=now).update(
        status=OutboxStatus.RUNNING, started_at=now, attempts=F("attempts") + 1
    )
    return OutboxMessage.objects.get(pk=message_id) if won else None


def message_deliver(message_id: int) -> str:
    """Run one message's handler, once: a duplicate delivery, or one not yet due, touches nothing."""
    message = _claim(message_id)
    if message is None:
        return "skipped"
    try:
        HANDLERS[message.handler](*message.args)
    except Exception as exc:  # recorded and retried, never dropped silently
        return _retry_or_fail(message, f"{type(exc).__name__}: {exc}")
    _this_run(message).update(status=OutboxStatus.DONE, finished_at=timezone.now(), error="")
    return OutboxStatus.DONE


def _this_run(message: OutboxMessage):
    """The row while this run still owns it: a run declared lost and claimed again is no longer ours."""
    return OutboxMessage.objects.filter(pk=message.pk, status=OutboxStatus.RUNNING, started_at=message.started_at)


def _retry_or_fail(message: OutboxMessage, error: str) -> str:
    """Pending again after a backoff, or failed for good after OUTBOX_MAX_ATTEMPTS (logged as an error)."""
    now, error = timezone.now(), error[:2000]
    if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        log.error("outbox message %s failed for good after %s attempts: %s", message.pk, message.attempts, error)
        _this_run(message).update(status=OutboxStatus.FAILED, finished_at=now, error=error)
        return OutboxStatus.FAILED
    delay = min(settings.OUTBOX_RETRY_SECONDS * 2 ** (message.attempts - 1), 3600)
    log.warning("outbox message %s failed (attempt %s), retry in %s s: %s", message.pk, message.attempts, delay, error)
    _this_run(message).update(status=OutboxStatus.PENDING, due_at=now + timedelta(seconds=delay), error=error)
    return OutboxStatus.PENDING


def message_resend(message_id: int) -> OutboxMessage:
    """Make a message that failed for good pending again, with a full set of attempts, and publish it
    after commit: its target was down longer than the retries; once it is back, nothing is lost.
    The caller (ops' "Send again") records who asked, in the same transaction."""
    message = OutboxMessage.objects.select_for_update().filter(pk=message_id).first()
    if message is None:
        raise NotFound(f"Outbox message {message_id} does not exist.")
    if message.status != OutboxStatus.FAILED:
        raise Conflict(f"Outbox message #{message.pk} is {message.status}: only a failed one is sent again.")
    message.status, message.attempts, message.due_at = OutboxStatus.PENDING, 0, timezone.now()
    message.started_at = message.finished_at = None
    message.save(update_fields=["status", "attempts", "due_at", "started_at", "finished_at"])
    send_on_commit(DELIVER, message.pk)
    return message


def outbox_sweep() -> dict:
    """Beat, every minute: runs not heard from are retried, due messages sent again, old done ones pruned."""
    now = timezone.now()
    stale = now - timedelta(seconds=settings.OUTBOX_STALE_AFTER_SECONDS)
    for message in OutboxMessage.objects.filter(status=OutboxStatus.RUNNING, started_at__lt=stale):
        _retry_or_fail(message, "worker lost: not finished within OUTBOX_STALE_AFTER_SECONDS")
    resend = now - timedelta(seconds=settings.OUTBOX_RESEND_AFTER_SECONDS)
    pending = OutboxMessage.objects.filter(status=OutboxStatus.PENDING, due_at__lte=resend)
    due = list(pending.values_list("pk", flat=True))
    sent = [send(DELIVER, pk) for pk in due]
    keep = now - timedelta(days=settings.OUTBOX_KEEP_DAYS)
    pruned, _ = OutboxMessage.objects.filter(status=OutboxStatus.DONE, finished_at__lt=keep).delete()
    return {"resent": due, "broker_down": not all(sent), "pruned": pruned}
