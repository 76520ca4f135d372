"""The outbox of incident messages: every e-mail and webhook is a `Delivery` row first.

`record` writes the rows inside the caller's transaction and rings the `incidents.deliver`
task after commit; the row, not the broker message, is the promise. A row no worker ever
started is rung again by the sweeper (`sweep`, beat). `attempt` sends once and says what
went wrong; after the last retry `fail` puts the failure on the incident's timeline.
"""

import hashlib
import hmac
import json
import logging
import urllib.request
from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from audit.services import event_record
from core import locks
from core.errors import Conflict, NotFound
from core.outbox import send, send_on_commit
from incidents.actions import IncidentsAction

from . import events
from .models import Delivery, Incident

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-PMS-Signature"
ACK_SALT = "incidents.acknowledge-link"
TASK = "incidents.deliver"


@dataclass(frozen=True)
class Message:
    """What one happening says: a subject and text for people, an event name and data for machines."""

    event: str
    subject: str
    text: str
    data: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Recipient:
    """An e-mail address; `user` when it is a person of ours (an acknowledgement is then theirs)."""

    email: str
    user: object = None


def site_url(path: str) -> str:
    return settings.INCIDENTS_SITE_URL.rstrip("/") + path


def war_room_url(incident: Incident) -> str:
    return site_url(reverse("incidents:war-room", args=[incident.pk]))


def webhook_targets(extra_url: str = "") -> list[tuple[str, str]]:
    """The configured webhooks (generic JSON, Slack) plus an escalation level's own JSON URL."""
    targets = [
        (Delivery.Channel.WEBHOOK, settings.INCIDENTS_WEBHOOK_URL),
        (Delivery.Channel.SLACK, settings.INCIDENTS_SLACK_WEBHOOK_URL),
        (Delivery.Channel.WEBHOOK, extra_url),
    ]
    seen, unique = set(), []
    for channel, url in targets:
        if url and url not in seen:
            seen.add(url)
            unique.append((channel, url))
    return unique


def _payload(incident: Incident, message: Message, channel: str) -> dict:
    link = war_room_url(incident)
    if channel == Delivery.Channel.SLACK:
        return {"text": f"*{message.subject}*\n{message.text}\n<{link}|Open the war room>"}
    return {
        "event": message.event,
        "subject": message.subject,
        "text": message.text,
        "incident": {
            "id": incident.pk,
            "title": incident.title,
            "severity": incident.severity,
            "status": incident.status,
            "url": link,
        },
        **message.data,
    }


def record(
    incident: Incident,
    purpose: str,
    message: Message,
    *,
    recipients: list[Recipient] = (),
    webhooks: list[tuple[str, str]] = (),
    acknowledge: bool = False,
) -> list[Delivery]:
    """Write one row per recipient and webhook (in the caller's transaction); send them after commit."""
    rows = [
        Delivery(
            incident=incident,
            purpose=purpose,
            channel=Delivery.Channel.EMAIL,
            target=to.email,
            user=to.user,
            subject=message.subject,
            body=message.text
            if purpose == Delivery.Purpose.SUBSCRIBER
            else f"{message.text}\n\nWar room: {war_room_url(incident)}",
            acknowledge_link=acknowledge,
        )
        for to in recipients
    ]
    rows += [
        Delivery(
            incident=incident,
            purpose=purpose,
            channel=channel,
            target=url,
            subject=message.subject,
            payload=_payload(incident, message, channel),
        )
        for channel, url in webhooks
    ]
    for row in rows:
        row.save()
        send_on_commit(TASK, row.pk)
    return rows


def sweep() -> int:
    """Ring again every delivery recorded but never started (its message was lost), and every one left
    `sending` by a worker that died between its retries; one out of retries is failed onto the timeline."""
    age = timezone.timedelta(seconds=settings.INCIDENTS_DELIVERY_SWEEP_AFTER_SECONDS)
    ids = list(Delivery.objects.never_started(age).values_list("pk", flat=True)[:500])
    stuck = timezone.timedelta(seconds=settings.INCIDENTS_DELIVERY_STUCK_AFTER_SECONDS)
    for pk, attempts, error in Delivery.objects.stuck(stuck).values_list("pk", "attempts", "last_error")[:500]:
        if attempts > settings.INCIDENTS_DELIVERY_RETRIES:
            with locks.try_lock(f"incidents.deliver:{pk}") as mine:  # not while a late attempt still sends
                if mine:
                    fail(pk, error or "worker lost: left sending after its last attempt")
        else:
            ids.append(pk)
    return sum(1 for pk in ids if send(TASK, pk))


def resend(*, actor, delivery_id: int) -> Delivery:
    """Send a delivery that failed for good again (the admin's "Send again"), with a full set of retries."""
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().filter(pk=delivery_id).first()
        if delivery is None:
            raise NotFound(f"Delivery {delivery_id} does not exist.")
        if delivery.state != Delivery.State.FAILED:
            raise Conflict(f"Delivery #{delivery.pk} is {delivery.state}: only a failed one is sent again.")
        failed = {"delivery": delivery.pk, "target": delivery.target, "attempts": delivery.attempts}
        delivery.state, delivery.attempts = Delivery.State.PENDING, 0
        delivery.started_at = delivery.finished_at = None
        delivery.save(update_fields=["state", "attempts", "started_at", "finished_at"])
        event_record(
            actor=actor,
            action=IncidentsAction.DELIVERY_RESENT,
            subject_type="incidents.incident",
            subject_id=delivery.incident_id,
            payload={**failed, "error": delivery.last_error},
        )
        send_on_commit(TASK, delivery.pk)
    return delivery


def acknowledge_token(delivery: Delivery) -> str:
    return signing.dumps(delivery.pk, salt=ACK_SALT)


def acknowledge_url(delivery: Delivery) -> str:
    return site_url(reverse("incidents:acknowledge-link", args=[acknowledge_token(delivery)]))


def delivery_from_token(token: str) -> Delivery | None:
    """The delivery a link was sent in, or None when the link is forged or expired (signing errors)."""
    pk = signing.loads(token, salt=ACK_SALT, max_age=settings.INCIDENTS_ACK_LINK_MAX_AGE)
    return Delivery.objects.select_related("incident", "user").filter(pk=pk).first()


def sign(body: bytes) -> str:
    digest = hmac.new(settings.INCIDENTS_WEBHOOK_SECRET.encode(), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def attempt(delivery_id: int) -> str | None:
    """Send once. None when sent (or nothing left to send), else the error, kept on the row.

    Two runs of one delivery (a retry, and the sweeper's re-send of it as stuck) never send at once:
    the one without the lock exits, and the one with it sends only what is not sent yet."""
    with locks.try_lock(f"incidents.deliver:{delivery_id}") as mine:
        return _attempt(delivery_id) if mine else None


def _attempt(delivery_id: int) -> str | None:
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().filter(pk=delivery_id).first()
        if delivery is None or delivery.state in (Delivery.State.SENT, Delivery.State.FAILED):
            return None
        delivery.state, delivery.attempts = Delivery.State.SENDING, delivery.attempts + 1
        delivery.started_at = timezone.now()  # this attempt's: the sweeper finds one its worker left
        delivery.save(update_fields=["state", "attempts", "started_at"])
    try:
        _send(delivery)
    except OSError as exc:  # SMTP and HTTP errors (refused, timeout, 4xx/5xx) are all OSErrors
        error = f"{type(exc).__name__}: {exc}"[:2000]
        Delivery.objects.filter(pk=delivery_id).update(last_error=error)
        return error
    Delivery.objects.filter(pk=delivery_id).update(state=Delivery.State.SENT, finished_at=timezone.now())
    return None


def _send(delivery: Delivery) -> None:
    if delivery.channel == Delivery.Channel.EMAIL:
        body = delivery.body
        if delivery.acknowledge_link:
            body += f"\nAcknowledge (one use, no login needed): {acknowledge_url(delivery)}"
        EmailMessage(delivery.subject, body, None, [delivery.target]).send(fail_silently=False)
        return
    data = json.dumps(delivery.payload).encode()
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: sign(data),
        "X-PMS-Delivery": str(delivery.pk),
    }
    request = urllib.request.Request(delivery.target, data=data, headers=headers, method="POST")  # noqa: S310
    urllib.request.urlopen(request, timeout=10).close()  # noqa: S310 (http(s) URLs from settings and the admin)


def fail(delivery_id: int, error: str) -> None:
    """The last retry failed: mark the row and say so on the incident's timeline (never a silent drop)."""
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().select_related("incident").get(pk=delivery_id)
        if delivery.state in (Delivery.State.SENT, Delivery.State.FAILED):
            return  # a concurrent run got it through, or another already put the failure on the timeline
        delivery.state, delivery.finished_at, delivery.last_error = Delivery.State.FAILED, timezone.now(), error
        delivery.save(update_fields=["state", "finished_at", "last_error"])
        events.delivery_failed_event(delivery.incident, delivery, error)
        event_record(
            actor="system:delivery",
            action=IncidentsAction.DELIVERY_FAILED,
            subject_type="incidents.incident",
            subject_id=delivery.incident_id,
            payload={"delivery": delivery.pk, "target": delivery.target, "error": error},
        )
