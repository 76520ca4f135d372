"""The runbook library's write path: new versions, attaching a version to an incident, ticking its steps."""

from django.db import transaction
from django.utils import timezone

from audit.services import actor_name, event_record
from core.errors import Conflict, Invalid, NotFound
from incidents.actions import IncidentsAction

from .. import events
from ..locks import lock
from ..models import ChecklistItem, Incident, Runbook, RunbookVersion, Status

CONTENT = ("recognition", "diagnostic_steps", "recovery_actions", "verification", "escalate_if")


def attach(incident: Incident, slug: str) -> RunbookVersion:
    """Inside the caller's transaction: pin the runbook's current version and copy its checklist."""
    runbook = Runbook.objects.filter(slug=slug).first() if isinstance(slug, str) else None
    if runbook is None:
        raise Invalid(f"Unknown runbook {slug!r}; see GET /api/v1/runbooks/.", fields={"runbook": ["Unknown slug."]})
    if incident.runbook_version_id:
        raise Conflict(f"Incident {incident.pk} already follows {incident.runbook_version}.")
    version = runbook.current
    incident.runbook_version = version
    incident.save(update_fields=["runbook_version"])
    steps = [("recovery", s) for s in version.recovery_actions] + [("verification", s) for s in version.verification]
    ChecklistItem.objects.bulk_create(
        ChecklistItem(incident=incident, position=i, section=section, text=text)
        for i, (section, text) in enumerate(steps, start=1)
    )
    return version


def _steps(value, field: str) -> list[str]:
    if isinstance(value, str):
        value = [line.strip() for line in value.splitlines()]
    if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
        raise Invalid(f"{field} must be a list of steps.", fields={field: ["A list of strings, one step each."]})
    return [s.strip() for s in value if s.strip()]


def runbook_revise(*, actor, runbook: Runbook, title: str = "", source: str = "", **content) -> RunbookVersion:
    """Append a new version (unchanged parts carried over); incidents keep the version they attached."""
    unknown = set(content) - set(CONTENT)
    if unknown:
        raise Invalid(f"Unknown runbook fields: {', '.join(sorted(unknown))}.")
    with transaction.atomic():
        runbook = Runbook.objects.select_for_update().get(pk=runbook.pk)
        if title or source:
            runbook.title, runbook.source = title or runbook.title, source or runbook.source
            runbook.save(update_fields=["title", "source"])
        current = runbook.current
        values = {name: getattr(current, name) for name in CONTENT} if current else {}
        values.update(content)
        for name in ("diagnostic_steps", "recovery_actions", "verification"):
            values[name] = _steps(values.get(name, []), name)
        if not str(values.get("recognition", "")).strip():
            raise Invalid("recognition is empty.", fields={"recognition": ["Describe the symptoms."]})
        version = RunbookVersion.objects.create(
            runbook=runbook, number=(current.number + 1) if current else 1, created_by=actor_name(actor), **values
        )
        event_record(
            actor=actor,
            action=IncidentsAction.RUNBOOK_REVISED,
            subject_type="incidents.runbook",
            subject_id=runbook.slug,
            payload={"version": version.number},
        )
    return version


def checklist_item_tick(*, actor, incident: Incident | int, position: int, ticked: bool = True) -> ChecklistItem:
    """Tick (or untick) one runbook step; the timeline records a `checklist` event."""
    with transaction.atomic():
        incident = lock(incident)
        item = ChecklistItem.objects.select_for_update().filter(incident=incident, position=position).first()
        if item is None:
            raise NotFound(f"Incident {incident.pk} has no checklist step {position}.")
        if incident.status == Status.CLOSED:
            raise Conflict(f"Incident {incident.pk} is closed.", extra={"current": incident.state()})
        if bool(item.ticked_at) == ticked:
            return item
        item.ticked_at = timezone.now() if ticked else None
        item.ticked_by = actor_name(actor) if ticked else ""
        item.save(update_fields=["ticked_at", "ticked_by"])
        events.checklist_event(incident, actor, item.text, position, ticked)
        event_record(
            actor=actor,
            action=IncidentsAction.CHECKLIST_TICKED if ticked else IncidentsAction.CHECKLIST_UNTICKED,
            subject_type="incidents.incident",
            subject_id=incident.pk,
            payload={"position": position, "step": item.text},
        )
    return item
