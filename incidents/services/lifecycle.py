"""The write path of incidents: declare, edit, change status and roles, add timeline events.

Each function is one transaction: lock the incident row, check the expected version
(optimistic concurrency: a stale writer gets 409 with the current state), change state,
append the timeline event and the audit event. Post-mortems, checklists and runbooks
have their own modules (`postmortems.py`, `runbooks.py`).
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from audit.services import actor_name, event_record
from core.errors import Conflict, Invalid
from incidents.actions import IncidentsAction

from .. import events, validation
from ..locks import lock
from ..models import TRANSITIONS, Incident, IncidentRole, RoleName, Status, TimelineEvent
from . import paging, resolution, runbooks

# PATCH-able fields and their validators; everything else is refused by name.
EDITABLE = {
    "title": validation.title,
    "public_title": validation.public_title,
    "severity": validation.severity,
    "detected_by": validation.detected_by,
    "impact": validation.impact,
    "symptoms": lambda v: validation.text(v, "symptoms", required=False),
    "root_cause": lambda v: validation.text(v, "root_cause", required=False),
    "recovery_actions": lambda v: validation.text(v, "recovery_actions", required=False),
    "recovery_time_override": lambda v: validation.duration(v, "recovery_time_override"),
    "recovery_time_reason": lambda v: validation.text(v, "recovery_time_reason", required=False),
    "data_loss": lambda v: validation.boolean(v, "data_loss"),
    "data_loss_details": lambda v: validation.text(v, "data_loss_details", required=False),
    "prevention": lambda v: validation.text(v, "prevention", required=False),
}
STAMPS = {
    Status.ACKNOWLEDGED: "acknowledged_at",
    Status.MITIGATED: "mitigated_at",
    Status.RESOLVED: "resolved_at",
    Status.CLOSED: "closed_at",
}


def _bump(incident: Incident, fields: list[str]) -> None:
    incident.version += 1
    incident.save(update_fields=[*fields, "version"])


def incident_declare(
    *,
    actor,
    title: str,
    severity: str,
    public_title: str = "",
    detected_by: str = "",
    runbook: str = "",
    symptoms: str = "",
    impact: dict | None = None,
) -> Incident:
    """Open a new incident; with a runbook slug, attach its current version and checklist.

    The on-call is paged (or notified, by severity) in the same transaction: the messages are
    outbox rows, so a declared incident always has its page recorded.
    """
    with transaction.atomic():
        incident = Incident.objects.create(
            title=validation.title(title),
            public_title=validation.public_title(public_title),
            severity=validation.severity(severity),
            detected_by=validation.detected_by(detected_by),
            symptoms=validation.text(symptoms, "symptoms", required=False),
            impact=validation.impact(impact),
            declared_by=actor_name(actor),
            declared_at=(now := timezone.now()),
            started_at=now,
        )
        version = runbooks.attach(incident, runbook) if runbook else None
        events.status_change_event(incident, actor, "", Status.DECLARED, f"{incident.severity} {incident.title}")
        event_record(
            actor=actor,
            action=IncidentsAction.INCIDENT_DECLARED,
            subject_type="incidents.incident",
            subject_id=incident.pk,
            payload={"severity": incident.severity, "title": incident.title, "runbook": str(version or "")},
        )
        paging.page_on_declare(incident)  # every way of declaring (person, probe, alert) pages
    return incident


def _jsonable(value):
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    return value


def incident_update(*, actor, incident: Incident | int, changes: dict, expected_version: int | None = None):
    """Edit allowed record fields; every changed field is audited with before/after."""
    unknown = sorted(set(changes) - set(EDITABLE) - {"runbook"})
    if unknown:
        raise Invalid(
            f"These fields cannot be changed: {', '.join(unknown)}.", fields={f: ["Read-only."] for f in unknown}
        )
    with transaction.atomic():
        incident = lock(incident, expected_version)
        if incident.status == Status.CLOSED:
            raise Conflict(
                f"Incident {incident.pk} is closed; its record is final.", extra={"current": incident.state()}
            )
        diff = _apply(incident, changes)
        _check_override(incident)
        if "runbook" in changes:
            diff["runbook"] = {"before": None, "after": str(runbooks.attach(incident, changes["runbook"]))}
        if not diff:
            return incident
        _bump(incident, [name for name in diff if name != "runbook"])
        if "severity" in diff:
            events.severity_change_event(incident, actor, diff["severity"]["before"], diff["severity"]["after"])
        event_record(
            actor=actor,
            action=IncidentsAction.INCIDENT_UPDATED,
            subject_type="incidents.incident",
            subject_id=incident.pk,
            payload={"changes": diff, "version": incident.version},
        )
    return incident


def _apply(incident: Incident, changes: dict) -> dict:
    diff = {}
    for name, value in changes.items():
        if name == "runbook":
            continue
        value = EDITABLE[name](value)
        before = getattr(incident, name)
        if before != value:
            setattr(incident, name, value)
            diff[name] = {"before": _jsonable(before), "after": _jsonable(value)}
    return diff


def _check_override(incident: Incident) -> None:
    if incident.recovery_time_override is not None and not incident.recovery_time_reason.strip():
        raise Invalid(
            "Overriding the recovery time needs a reason.",
            fields={"recovery_time_reason": ["Say why the computed recovery time is wrong."]},
        )
    if incident.recovery_time_override is not None and incident.recovery_time_override < dt.timedelta(0):
        raise Invalid("recovery_time_override is negative.", fields={"recovery_time_override": ["Must be >= 0."]})


def incident_status_change(
    *, actor, incident: Incident | int, status: str, note: str = "", expected_version: int | None = None
) -> Incident:
    """Move along the status graph; resolving writes the journal entry, closing needs the post-mortem."""
    validation.status(status)
    note = validation.text(note, "note", required=False, limit=2000)
    with transaction.atomic():
        incident = lock(incident, expected_version)
        before = incident.status
        if status not in TRANSITIONS[before]:
            allowed = ", ".join(TRANSITIONS[before]) or "none (closed is final)"
            raise Conflict(
                f"Incident {incident.pk} is {before}; it cannot go to {status}. Allowed next: {allowed}.",
                code="transition_forbidden",
                fields={"status": [f"Not allowed from {before}."]},
                extra={"current": incident.state()},
            )
        if status == Status.CLOSED:
            resolution.check_closable(incident)
        _stamp(incident, status)
        events.status_change_event(incident, actor, before, status, note)
        if status == Status.RESOLVED:
            resolution.journal(incident, actor)
            paging.notify_subscribers(incident, "resolved")
        event_record(
            actor=actor,
            action=IncidentsAction.INCIDENT_STATUS_CHANGED,
            subject_type="incidents.incident",
            subject_id=incident.pk,
            payload={"from": before, "to": status, "note": note, "version": incident.version},
        )
    return incident


def _stamp(incident: Incident, status: str) -> None:
    incident.status = status
    fields = ["status"]
    stamp = STAMPS.get(status)
    if stamp:
        setattr(incident, stamp, timezone.now())
        fields.append(stamp)
    if status == Status.ACKNOWLEDGED and incident.resolved_at:
        incident.resolved_at = None  # reopened: the old resolution no longer holds
        fields.append("resolved_at")
    _bump(incident, fields)


def incident_role_assign(
    *, actor, incident: Incident | int, role: str, user, expected_version: int | None = None
) -> IncidentRole:
    """Give a role (commander, communications lead, …) to a person; a role_change event says who had it."""
    if role not in RoleName.values:
        raise Invalid(
            f"Unknown role {role!r}; use one of {', '.join(RoleName.values)}.", fields={"role": ["Unknown role."]}
        )
    user = validation.user(user.get_username() if hasattr(user, "get_username") else user)
    with transaction.atomic():
        incident = lock(incident, expected_version)
        if incident.status == Status.CLOSED:
            raise Conflict(f"Incident {incident.pk} is closed.", extra={"current": incident.state()})
        current = IncidentRole.objects.select_for_update().filter(incident=incident, role=role).first()
        before = current.user.get_username() if current else None
        assignment = _assign(incident, current, role, user)
        _bump(incident, [])
        events.role_change_event(incident, actor, RoleName(role).label, before, user.get_username())
        event_record(
            actor=actor,
            action=IncidentsAction.ROLE_ASSIGNED,
            subject_type="incidents.incident",
            subject_id=incident.pk,
            payload={"role": role, "before": before, "after": user.get_username()},
        )
    return assignment


def _assign(incident: Incident, current: IncidentRole | None, role: str, user) -> IncidentRole:
    if current is None:
        return IncidentRole.objects.create(incident=incident, role=role, user=user)
    current.user, current.assigned_at = user, timezone.now()
    current.save(update_fields=["user", "assigned_at"])
    return current


def incident_event_add(
    *, actor, incident: Incident, kind: str, text: str, occurred_at=None, data: dict | None = None
) -> TimelineEvent:
    """Append one event to the incident's timeline (notes, actions, comms, probe findings, …)."""
    validation.kind(kind)
    text = validation.text(text)
    occurred_at = validation.occurred_at(occurred_at)
    if data is not None and not isinstance(data, dict):
        raise Invalid("data must be an object.", fields={"data": ["Must be an object."]})
    with transaction.atomic():
        incident = lock(incident)
        if occurred_at and occurred_at < incident.started_at:
            incident.started_at = occurred_at  # backfilled: the incident began earlier than declared
            incident.save(update_fields=["started_at"])
        writer = events.FREE_TEXT.get(kind)
        if writer:
            event = writer(incident, actor, text, occurred_at, data)
        else:
            event = events.record_event(incident, actor, kind, text, occurred_at, data)
        event_record(
            actor=actor,
            action=IncidentsAction.EVENT_ADDED,
            subject_type="incidents.incident",
            subject_id=incident.pk,
            payload={"event": event.pk, "kind": kind, "seq": event.seq, "hash": event.hash},
        )
    return event
