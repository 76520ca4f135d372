"""Resolving and closing: the journal entry of type `incident`, and the post-mortem gate."""

from core.errors import Conflict, Invalid
from journal.services import journal_entry_add

from .. import records
from ..models import Incident, PostMortem

MISSING_WORDS = {
    "root_cause_analysis": "the root cause analysis",
    "prevention_measures": "the prevention measures",
    "communication_review": "the communication review",
    "action_items": "at least one action item with an owner and a due date",
}


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


def postmortem_gaps(incident: Incident) -> list[str]:
    """What the post-mortem still lacks (field names); follow-up actions count as action items."""
    postmortem = PostMortem.objects.filter(incident=incident).first() or PostMortem(incident=incident)
    missing = postmortem.missing()
    if "action_items" in missing and incident.follow_ups.exists():
        missing.remove("action_items")
    return missing


def gaps_in_words(missing: list[str]) -> str:
    """ "the root cause analysis and the prevention measures": what a person reads before closing."""
    words = [MISSING_WORDS[name] for name in missing]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def check_closable(incident: Incident) -> None:
    """Seed 001 Runbook 11 step 6: no closing before the post-mortem is written."""
    missing = postmortem_gaps(incident)
    if missing:
        raise Conflict(
            f"Incident {incident.pk} cannot close yet: its post-mortem lacks {gaps_in_words(missing)}.",
            code="postmortem_required",
            fields={name: ["Required before closing."] for name in missing},
            extra={"current": incident.state()},
        )
