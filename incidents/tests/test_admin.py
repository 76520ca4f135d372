"""The admin: runbook edits become new versions, severity targets are edited and audited."""

import pytest
from django.test import Client

from audit.models import Event
from incidents.models import Runbook, Severity


@pytest.fixture
def admin_client_for(people):
    def _client(name):
        client = Client()
        client.force_login(people[name])
        return client

    return _client


def test_editing_a_runbook_adds_a_version_and_incidents_keep_theirs(admin_client_for, incident):
    runbook = Runbook.objects.get(slug="database-unavailable")
    v1 = runbook.current
    form = {
        "title": runbook.title,
        "source": runbook.source,
        "recognition": v1.recognition,
        "diagnostic_steps": "\n".join(v1.diagnostic_steps),
        "recovery_actions": "Restart the database\nCall the DBA",
        "verification": "GET /health returns 200",
        "escalate_if": v1.escalate_if,
        "versions-TOTAL_FORMS": "1",
        "versions-INITIAL_FORMS": "1",
        "versions-0-id": str(v1.pk),
        "versions-0-runbook": str(runbook.pk),
    }
    response = admin_client_for("ivy").post(f"/admin/incidents/runbook/{runbook.pk}/change/", form)
    assert response.status_code == 302, response.content[:2000]
    runbook.refresh_from_db()
    assert runbook.current.number == 2
    assert runbook.current.recovery_actions == ["Restart the database", "Call the DBA"]
    assert runbook.versions.get(number=1).recovery_actions == v1.recovery_actions
    incident.refresh_from_db()
    assert incident.runbook_version == v1
    assert Event.objects.filter(action="incidents.runbook.revised", subject_id="database-unavailable").exists()


def test_severity_targets_are_edited_and_audited(admin_client_for):
    client = admin_client_for("oscar")
    response = client.post(
        "/admin/incidents/severity/P2/change/",
        {
            "description": "High",
            "response_minutes": "20",
            "acknowledge_minutes": "30",
            "pages": "on",
            "update_cadence_minutes": "",
            "status_update_minutes": "10",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    assert Severity.objects.get(code="P2").response_minutes == 20
    event = Event.objects.get(action="incidents.config.changed")
    assert event.payload["changes"]["response_minutes"] == {"before": 30, "after": 20}
    assert admin_client_for("audrey").get("/admin/incidents/severity/P2/change/").status_code == 403
