"""What incident messages say: one function per happening, shared by e-mail and webhooks.

People get a subject and text; machines get an event name and the same facts as data. The
outbox (`outbox.py`) adds the war room link (and, for a page, the acknowledge link).
"""

from datetime import UTC

from django.utils import timezone

from .models import Incident
from .outbox import Message, site_url


def _when(moment) -> str:
    return f"{timezone.localtime(moment, UTC):%Y-%m-%d %H:%M} UTC"


def declared(incident: Incident, *, page: bool) -> Message:
    verb = "PAGE" if page else "FYI"
    text = (
        f"{incident.severity} incident #{incident.pk} declared: {incident.title}\n"
        f"Declared {_when(incident.declared_at)} by {incident.declared_by}"
        + (f" (detected by {incident.detected_by})" if incident.detected_by else "")
        + (".\nAcknowledge it now." if page else ".")
    )
    return Message(
        event="incident.paged" if page else "incident.notified",
        subject=f"[PMS Ops] {verb} {incident.severity} #{incident.pk}: {incident.title}",
        text=text,
        data={"page": page},
    )


def escalated(incident: Incident, step: str, reason: str) -> Message:
    return Message(
        event="incident.escalated",
        subject=f"[PMS Ops] ESCALATED {incident.severity} #{incident.pk} to {step}: {incident.title}",
        text=f"{incident.title}\nStatus {incident.status}; {reason}. You are paged as {step}.",
        data={"step": step, "reason": reason},
    )


def cadence_reminder(incident: Incident, minutes: int) -> Message:
    return Message(
        event="incident.update_due",
        subject=f"[PMS Ops] {incident.severity} incident #{incident.pk}: status update due",
        text=f"{incident.title}\nSeed 001 Runbook 11: communicate status every {minutes} minutes while it is open.",
        data={"cadence_minutes": minutes},
    )


def status_update_nudge(incident: Incident, minutes: int) -> Message:
    return Message(
        event="incident.stakeholder_update_due",
        subject=f"[PMS Ops] {incident.severity} incident #{incident.pk}: stakeholder update overdue",
        text=(
            f"{incident.title}\nNo status update for stakeholders in {minutes} minutes "
            "(seed 001 Runbook 11: users hear every 10 minutes). Post one from the war room."
        ),
        data={"cadence_minutes": minutes},
    )


def for_subscribers(incident: Incident, what: str, update: str = "") -> Message:
    """Stakeholders' mail: the public facts only (no notes, no names), and the status page."""
    lines = {
        "declared": f"We are investigating an incident: {incident.title} ({incident.severity}).",
        "update": f"Update on {incident.title} ({incident.severity}):\n{update}",
        "resolved": f"Resolved: {incident.title} ({incident.severity}).",
    }
    return Message(
        event=f"incident.{what}",
        subject=f"[PMS Ops] {what.capitalize()}: {incident.title}",
        text=f"{lines[what]}\n\nStatus page: {site_url('/status/')}",
    )
