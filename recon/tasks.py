"""Celery tasks of reconciliation (beat): the watched directory, the age limit of breaks; services do the work."""

from celery import shared_task

from . import inbox, services


@shared_task(name="recon.inbox_sweep", ignore_result=True)
def inbox_sweep() -> dict:
    return inbox.inbox_sweep()


@shared_task(name="recon.breaks_escalate", ignore_result=True)
def breaks_escalate() -> list[int]:
    return services.breaks_escalate()
