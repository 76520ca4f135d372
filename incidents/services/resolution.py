"""Resolving and closing: the journal entry of type `incident`, and the post-mortem gate."""

from core.errors import Conflict, Invalid
from journal.services import journal_entry_add

from .. import records
from ..models import Incident


def journal(incident: Incident, actor) -> None:
    """Seed 004: "Log incidents in the Decision Journal with entry_type incident"."""
    if isinstance(actor, str) or actor is None:
        raise Invalid("Only a person can resolve an incident (the journal entry needs an author).")
    entry = journal_entry_add(
        author=actor,
        entry_type="incident",
        content=records.incident_record(incident),
        links=[("incident", incident.pk)],
        tags=["incident", incident.severity.lower()],
        system=True,
    )
    incident.journal_entry_id = entry.pk
    incident.save(update_fields=["journal_entry_id"])


def check_closable(incident: Incident) -> None:
    """Seed 001 Runbook 11 step 6: no closing before the post-mortem is written."""
    postmortem = getattr(incident, "postmortem", None)
    missing = (
        postmortem.missing()
        if postmortem
        else ["root_cause_analysis", "prevention_measures", "communication_review", "action_items"]
    )
    if missing:
        raise Conflict(
            f"Incident {incident.pk} cannot close before its post-mortem is complete; missing: {', '.join(missing)}.",
            code="postmortem_required",
            fields={name: ["Required before closing."] for name in missing},
            extra={"current": incident.state()},
        )
