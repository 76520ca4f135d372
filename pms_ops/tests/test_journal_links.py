"""Journal links validate against the real apps that registered their kinds (positions, incidents, approvals)."""

from book import services as book
from incidents.services import incident_declare
from journal.models import JournalEntry

LIST = "/api/v1/pms/journal"


def test_seed_004_correction_links_a_real_position(api, people):
    book.instrument_create(
        actor=people["oscar"], symbol="GOLD_MINI", name="Gold mini", currency="INR", point_value="10",
        margin_per_lot="105000",
    )  # fmt: skip
    position = book.position_open(
        actor=people["pam"], instrument="GOLD_MINI", direction="LONG", size=2, entry_price=71000, stop_price=70500
    )
    body = {"entry_type": "correction", "content": f"Position {position.pk} was recorded incorrectly."}
    ok = api["pam"].post(LIST, {**body, "related_position_id": str(position.pk)}, format="json")
    assert ok.status_code == 201 and ok.json()["related_position_id"] == str(position.pk)
    missing = api["pam"].post(LIST, {**body, "related_position_id": str(position.pk + 1000)}, format="json")
    assert missing.status_code == 400 and "related_position_id" in missing.json()["fields"]
    assert JournalEntry.objects.count() == 1


def test_incident_log_links_a_real_incident(api, people):
    incident = incident_declare(actor=people["ivy"], title="Redis unavailable", severity="P3")
    body = {"entry_type": "incident", "content": "Redis restarted.", "related_incident_id": incident.pk}
    assert api["ivy"].post(LIST, body, format="json").status_code == 201
    rows = api["audrey"].get(LIST, {"related_incident_id": incident.pk}).json()["results"]
    assert [r["related_incident_id"] for r in rows] == [str(incident.pk)]
    body["related_incident_id"] = 987654
    assert api["ivy"].post(LIST, body, format="json").status_code == 400


def test_a_link_to_an_approval_request_that_does_not_exist_is_refused(api, people):
    missing = api["pam"].post(LIST, {"entry_type": "decision", "content": "x", "related_approval_id": "1"})
    assert missing.status_code == 400 and "related_approval_id" in missing.json()["fields"]
