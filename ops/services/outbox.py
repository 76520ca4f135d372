"""Ops' hand on the outbox (core/outbox.py): a message that failed for good, sent again and audited."""

from django.db import transaction

from audit.services import event_record
from core import outbox
from core.models import OutboxMessage

from ..actions import OpsAction


def outbox_message_resend(*, actor, message_id: int) -> OutboxMessage:
    """The admin's "Send again": pending with a full set of attempts, published after commit, audited."""
    with transaction.atomic():
        before = OutboxMessage.objects.filter(pk=message_id).values("attempts", "error").first()
        message = outbox.message_resend(message_id)
        event_record(
            actor=actor,
            action=OpsAction.OUTBOX_MESSAGE_RESENT,
            subject_type="core.outboxmessage",
            subject_id=message.pk,
            payload={"handler": message.handler, "args": message.args, **before},
        )
    return message
