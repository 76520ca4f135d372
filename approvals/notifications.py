"""Tell approvers a request is waiting: mail, and a chat webhook when configured.

Both go through the outbox (core/outbox.py): recorded in the transaction that opens the request,
sent by a worker after commit, retried when the mail server or the chat is down, and recorded as
failed (never dropped silently) when they stay down. Mail and webhook are separate messages, so a
chat outage never sends the mail twice.
"""

import json
import urllib.request

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db.models import Q

from core import outbox

from . import selectors
from .models import ApprovalRequest

MAIL = "approvals.mail_request_waiting"
WEBHOOK = "approvals.post_request_waiting"
DELIVERY_HEADER = "X-PMS-Delivery"


def request_waiting(request_id: int) -> None:
    """Queue the notices of a new request, in the caller's transaction."""
    outbox.message_add(MAIL, request_id)
    if settings.NOTIFY_WEBHOOK_URL.startswith(("https://", "http://")):
        outbox.message_add(WEBHOOK, request_id)


def _notice(request: ApprovalRequest) -> tuple[str, str]:
    name = selectors.label(request.action)
    subject = f"[PMS Ops] Approval needed: {name} #{request.pk}"
    body = (
        f"{request.requested_by} requests: {name}.\n\nReason: {request.reason}\n\n"
        f"Review it in the approvals queue before {request.expires_at:%Y-%m-%d %H:%M} UTC."
    )
    return subject, body


@outbox.handler(MAIL)
def mail_request_waiting(request_id: int) -> None:
    """Mail every active approver but the requester; a refused send raises, so the outbox retries it."""
    request = ApprovalRequest.objects.select_related("requested_by").get(pk=request_id)
    recipients = list(
        get_user_model()
        .objects.filter(Q(groups__name__in=request.approver_roles), is_active=True)
        .exclude(pk=request.requested_by_id)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )
    if recipients:
        send_mail(*_notice(request), None, recipients, fail_silently=False)


@outbox.handler(WEBHOOK)
def post_request_waiting(request_id: int) -> None:
    """POST the notice to NOTIFY_WEBHOOK_URL; an unreachable chat or a non-2xx answer raises (retried)."""
    url = settings.NOTIFY_WEBHOOK_URL
    if not url.startswith(("https://", "http://")):
        return  # switched off since the request was made
    subject, body = _notice(ApprovalRequest.objects.select_related("requested_by").get(pk=request_id))
    data = json.dumps({"text": f"{subject}\n{body}"}).encode()
    # The same id on every attempt: a post retried after a worker died mid-send can be dropped by the
    # receiver (at-least-once delivery; incidents' webhooks carry their Delivery's id the same way).
    headers = {"Content-Type": "application/json", DELIVERY_HEADER: f"approvals.request.{request_id}.waiting"}
    req = urllib.request.Request(url, data=data, headers=headers, method="POST")  # noqa: S310 (scheme checked)
    urllib.request.urlopen(req, timeout=5).close()  # noqa: S310
