"""Tell approvers a request is waiting: Django mail, and a chat webhook when configured."""

import json
import logging
import urllib.request

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db.models import Q

from . import selectors
from .models import ApprovalRequest

log = logging.getLogger(__name__)


def request_waiting(request_id: int) -> None:
    request = ApprovalRequest.objects.select_related("requested_by").get(pk=request_id)
    name = selectors.label(request.action)
    subject = f"[PMS Ops] Approval needed: {name} #{request.pk}"
    body = (
        f"{request.requested_by} requests: {name}.\n\nReason: {request.reason}\n\n"
        f"Review it in the approvals queue before {request.expires_at:%Y-%m-%d %H:%M} UTC."
    )
    approvers = (
        get_user_model()
        .objects.filter(Q(groups__name__in=request.approver_roles), is_active=True)
        .exclude(pk=request.requested_by_id)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )
    recipients = list(approvers)
    if recipients:
        send_mail(subject, body, None, recipients, fail_silently=True)
    post_webhook({"text": f"{subject}\n{body}"})


def post_webhook(message: dict) -> None:
    """Best effort: a chat outage must never block an approval."""
    url = settings.NOTIFY_WEBHOOK_URL
    if not url.startswith(("https://", "http://")):
        return
    data = json.dumps(message).encode()
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"}, method="POST")  # noqa: S310 (scheme checked)
    try:
        urllib.request.urlopen(req, timeout=5).close()  # noqa: S310
    except OSError as exc:
        log.warning("notification webhook failed: %s", exc)
