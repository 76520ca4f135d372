"""Celery tasks of audit: thin wrappers that call services."""

from celery import shared_task

from . import services


@shared_task(name="audit.digest_publish")
def digest_publish() -> dict:
    """Beat: publish the chain heads (a duplicate run only publishes the same heads twice)."""
    return services.digest_publish(actor="system:beat")


@shared_task(name="audit.checkpoints_publish")
def checkpoints_publish() -> list[dict]:
    """Beat: sign a checkpoint of every tree that grew (a duplicate run finds nothing new to sign)."""
    return services.checkpoints_publish(actor="system:beat")
