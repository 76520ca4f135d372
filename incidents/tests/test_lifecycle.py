"""From declaration to closing: the journal entry on resolution, the post-mortem gate, reopening."""

import pytest

from audit.models import Event
from core.errors import Conflict
from incidents.models import Incident
from incidents.services import incident_status_change
from journal.models import JournalEntry, JournalLink

BASE = "/api/v1/incidents/"
POSTMORTEM = {
    "root_cause_analysis": "Disk filled with WAL after archiving stopped.",
    "prevention_measures": "Alert at 80% disk; archive monitoring.",
    "communication_review": "Updates every 5 minutes held; users told late.",
    "action_items": [{"description": "Disk alert", "owner": "oscar", "due_date": "2026-12-31"}],
}


def walk(api, incident, *statuses, who="ivy"):
    for status in statuses:
        response = api[who].post(f"{BASE}{incident.pk}/status", {"status": status}, format="json")
        assert response.status_code == 200, response.data
    return response


def test_resolving_writes_the_incident_journal_entry(api, incident):
    api["ivy"].patch(f"{BASE}{incident.pk}", {"root_cause": "disk full", "prevention": "alerting"}, format="json")
    resolved = walk(api, incident, "acknowledged", "mitigated", "resolved")
    entry = JournalEntry.objects.get(entry_type="incident")
    assert resolved.data["journal_entry_id"] == entry.pk
    assert entry.author.username == "ivy"
    assert "Root Cause: disk full" in entry.content
    assert "Scenario: database-unavailable v1" in entry.content
    assert "Recovery Time: 0h 00m" in entry.content
    assert JournalLink.objects.filter(entry=entry, kind="incident", object_id=str(incident.pk)).exists()
    assert resolved.data["recovery_time_seconds"] >= 0


def test_closing_needs_the_postmortem(api, incident):
    walk(api, incident, "acknowledged", "resolved")
    refused = api["ivy"].post(f"{BASE}{incident.pk}/status", {"status": "closed"}, format="json")
    assert refused.status_code == 409
    assert refused.data["error"] == "postmortem_required"
    assert set(refused.data["fields"]) == {
        "root_cause_analysis",
        "prevention_measures",
        "communication_review",
        "action_items",
    }
    saved = api["ivy"].put(f"{BASE}{incident.pk}/postmortem", POSTMORTEM, format="json")
    assert saved.status_code == 200, saved.data
    closed = walk(api, incident, "closed")
    assert closed.data["status"] == "closed"
    assert api["ivy"].put(f"{BASE}{incident.pk}/postmortem", POSTMORTEM, format="json").status_code == 409
    assert api["ivy"].patch(f"{BASE}{incident.pk}", {"title": "x"}, format="json").status_code == 409


def test_postmortem_markdown_export_and_bad_action_items(api, incident):
    url = f"{BASE}{incident.pk}/postmortem"
    bad_items = [
        [{"description": "x", "owner": "ghost", "due_date": "2026-12-31"}],
        [{"description": "x", "owner": "oscar", "due_date": "soon"}],
        [{"owner": "oscar", "due_date": "2026-12-31"}],
        "all of them",
    ]
    for items in bad_items:
        assert api["ivy"].put(url, {**POSTMORTEM, "action_items": items}, format="json").status_code == 400
    assert api["audrey"].put(url, POSTMORTEM, format="json").status_code == 403
    assert api["ivy"].get(url).data["root_cause_analysis"] == ""
    api["ivy"].put(url, POSTMORTEM, format="json")
    markdown = api["audrey"].get(url, {"format": "md"})
    assert markdown.status_code == 200
    assert markdown["Content-Type"].startswith("text/markdown")
    text = markdown.content.decode()
    assert text.startswith(f"# Post-mortem: incident #{incident.pk}")
    assert "| Disk alert | oscar | 2026-12-31 |" in text
    assert "## Communication review" in text
    assert Event.objects.filter(action="incidents.postmortem.saved").count() == 1


def test_reopen_edges(people, incident):
    ivy = people["ivy"]
    for status in ("acknowledged", "mitigated", "acknowledged", "resolved", "acknowledged"):
        incident = incident_status_change(actor=ivy, incident=incident, status=status)
    assert incident.status == "acknowledged"
    assert incident.resolved_at is None
    with pytest.raises(Conflict):
        incident_status_change(actor=ivy, incident=incident, status="closed")
    statuses = [e.data["to"] for e in incident.events.filter(kind="status_change").order_by("seq")]
    assert statuses == ["declared", "acknowledged", "mitigated", "acknowledged", "resolved", "acknowledged"]


def test_a_system_actor_cannot_resolve(incident):
    incident_status_change(actor="system:probes", incident=incident, status="acknowledged")
    with pytest.raises(Exception, match="Only a person"):
        incident_status_change(actor="system:probes", incident=incident, status="resolved")
    assert Incident.objects.get(pk=incident.pk).status == "acknowledged"
    assert not JournalEntry.objects.exists()


def test_recovery_time_counts_from_a_backfilled_first_event(people, incident):
    import datetime as dt

    from django.utils import timezone

    from incidents.services import incident_event_add

    ivy = people["ivy"]
    incident_event_add(
        actor=ivy,
        incident=incident,
        kind="probe",
        text="first errors",
        occurred_at=timezone.now() - dt.timedelta(hours=1),
    )
    incident_status_change(actor=ivy, incident=incident, status="acknowledged")
    incident = incident_status_change(actor=ivy, incident=incident, status="resolved")
    assert dt.timedelta(minutes=59) < incident.recovery_time() < dt.timedelta(minutes=61)
    assert "Recovery Time: 1h 00m" in JournalEntry.objects.get().content


def test_the_update_service_checks_types_for_every_caller(people, incident):
    from core.errors import Invalid
    from incidents.services import incident_update

    for changes in ({"data_loss": "yes"}, {"recovery_time_override": 600}, {"severity": "P0"}, {"hash": "x"}):
        with pytest.raises(Invalid):
            incident_update(actor=people["ivy"], incident=incident, changes=changes)
    assert Incident.objects.get(pk=incident.pk).version == 1
