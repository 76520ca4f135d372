"""Periodic work of approvals: overdue pending requests become `expired` (beat, every minute)."""

from celery import shared_task

from .services import approvals_expire


@shared_task(name="approvals.tasks.approvals_expire_task")
def approvals_expire_task() -> int:
    return approvals_expire()
