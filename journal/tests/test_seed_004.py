"""Seed 004's journal calls, exactly as the runbook writes them."""

from audit.models import Event
from journal.models import JournalEntry, JournalLink

from .conftest import LIST


def test_scenario_3_correction_note_linked_to_the_incorrect_position(api, positions):
    body = {
        "entry_type": "correction",
        "content": "Position 17 was recorded incorrectly. Closed at entry price for zero P&L. "
        "Correct position opened as 18.",
        "related_position_id": "17",
    }
    response = api["pam"].post(LIST, body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["entry_type"] == "correction" and data["author"] == "pam"
    assert data["related_position_id"] == "17" and data["links"] == [{"kind": "position", "id": "17"}]
    assert {"id", "content", "occurred_at", "recorded_at", "hash"} <= set(data)
    entry = JournalEntry.objects.get(pk=data["id"])
    assert entry.hash == data["hash"] == entry.compute_hash()
    assert list(JournalLink.objects.values_list("kind", "object_id")) == [("position", "17")]
    event = Event.objects.get(action="journal.entry.added")
    assert (event.actor, event.subject_id, event.payload["hash"]) == ("pam", str(entry.pk), entry.hash)
    listed = api["audrey"].get(LIST, {"related_position_id": "17"}).json()["results"]
    assert [row["id"] for row in listed] == [entry.pk]


def test_scenario_4_mtm_correction_without_links(api):
    body = {
        "entry_type": "correction",
        "content": "MTM corrected for USDBRL. Previous price: 5.9. Correct price: 5.4. Source: Bloomberg.",
    }
    response = api["paul"].post(LIST, body, format="json")
    assert response.status_code == 201
    assert response.json()["links"] == [] and response.json()["related_position_id"] is None


def test_incident_log_entry_of_the_playbook(api):
    content = (
        "Date: 2026-12-02 09:10\nScenario: 2\nSymptoms: no X-Cache: HIT\nRoot Cause: Redis OOM\n"
        "Recovery Actions: restarted redis\nRecovery Time: 4 min\nData Loss: N\nPrevention: maxmemory policy"
    )
    response = api["ivy"].post(LIST, {"entry_type": "incident", "content": content}, format="json")
    assert response.status_code == 201
    assert JournalEntry.objects.get(pk=response.json()["id"]).content == content
