"""Outbound messages of incidents: Django mail and a JSON webhook. Best effort, after commit."""

import json
import logging
import urllib.request

from django.conf import settings
from django.core.mail import send_mail

from .models import Incident

log = logging.getLogger(__name__)


def escalation(incident_id: int, level: int, recipients: list[str], webhook_url: str = "") -> None:
    incident = Incident.objects.get(pk=incident_id)
    subject = f"[PMS Ops] {incident.severity} incident #{incident.pk} unacknowledged: escalated to level {level}"
    body = (
        f"{incident.title}\nDeclared {incident.declared_at:%Y-%m-%d %H:%M} UTC by {incident.declared_by}; "
        f"not acknowledged within the {incident.severity} response target.\n"
        f"War room: {settings.INCIDENTS_SITE_URL}/incidents/{incident.pk}/"
    )
    if recipients:
        send_mail(subject, body, None, recipients, fail_silently=True)
    post_webhook(webhook_url or settings.INCIDENTS_WEBHOOK_URL, {"text": f"{subject}\n{body}", "level": level})


def cadence_reminder(incident_id: int, email: str, minutes: int) -> None:
    incident = Incident.objects.get(pk=incident_id)
    subject = f"[PMS Ops] P1 incident #{incident.pk}: status update due"
    body = f"{incident.title}\nSeed 001 Runbook 11: communicate status every {minutes} minutes while a P1 is open."
    if email:
        send_mail(subject, body, None, [email], fail_silently=True)
    post_webhook(settings.INCIDENTS_WEBHOOK_URL, {"text": f"{subject}\n{body}"})


def post_webhook(url: str, message: dict) -> None:
    """An unreachable chat must never break escalation: log and carry on."""
    if not url.startswith(("https://", "http://")):
        return
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        url, data=json.dumps(message).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        urllib.request.urlopen(request, timeout=5).close()  # noqa: S310
    except OSError as exc:
        log.warning("incident webhook %s failed: %s", url, exc)
