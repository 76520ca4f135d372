"""Celery tasks of core: the outbox's one delivery task and its sweeper."""

from celery import shared_task

from . import outbox


@shared_task(name=outbox.DELIVER)
def outbox_deliver(message_id: int) -> str:
    return outbox.message_deliver(message_id)


@shared_task(name="core.outbox_sweep")
def outbox_sweep() -> dict:
    return outbox.outbox_sweep()
