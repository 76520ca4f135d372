"""The core app's audit actions: what a person does to the outbox by hand."""

from django.db import models


class CoreAction(models.TextChoices):
    OUTBOX_MESSAGE_RESENT = "core.outbox_message.resent", "A failed outbox message sent again by hand"
