"""Every kind of bad input: a clear 4xx in the one error shape, and nothing written anywhere."""

import datetime as dt

import pytest
from django.utils import timezone

from audit.models import Event
from incidents.models import Incident, TimelineEvent
from journal.models import JournalEntry

FUTURE = (timezone.now() + dt.timedelta(days=1)).isoformat()


def snapshot(incident):
    incident = Incident.objects.get(pk=incident.pk)
    counts = (Event.objects.count(), TimelineEvent.objects.count(), JournalEntry.objects.count())
    return (incident.status, incident.version, incident.title, incident.severity), counts


CASES = [
    ("ivy", "post", "", {"title": "x", "severity": "P0"}, 400),
    ("ivy", "post", "", {"title": "x", "severity": 1}, 400),
    ("ivy", "post", "", {"title": ["x"], "severity": "P1"}, 400),
    ("ivy", "post", "", {"title": "x", "severity": "P1", "impact": "bad"}, 400),
    ("ivy", "post", "", {"title": "x", "severity": "P1", "runbook": "nope"}, 400),
    ("ivy", "post", "/status", {"status": "done"}, 400),
    ("ivy", "post", "/status", {"status": "closed"}, 409),
    ("ivy", "post", "/status", {"status": "acknowledged", "version": "abc"}, 400),
    ("ivy", "post", "/status", {"status": "acknowledged", "version": -1}, 400),
    ("ivy", "post", "/status", {"status": "acknowledged", "version": 99}, 409),
    ("ivy", "post", "/timeline", {"text": ""}, 400),
    ("ivy", "post", "/timeline", {"text": ["a", "b"]}, 400),
    ("ivy", "post", "/timeline", {"text": "x", "occurred_at": FUTURE}, 400),
    ("ivy", "post", "/timeline", {"text": "x", "occurred_at": "yesterday"}, 400),
    ("audrey", "post", "/timeline", {"text": "auditors only read"}, 403),
    ("audrey", "post", "/status", {"status": "acknowledged"}, 403),
    ("audrey", "patch", "", {"title": "renamed"}, 403),
    ("ivy", "patch", "", {"severity": "P9"}, 400),
    ("ivy", "patch", "", {"declared_by": "me"}, 400),
    ("ivy", "patch", "", {"recovery_time_override": "-00:10:00", "recovery_time_reason": "x"}, 400),
    ("ivy", "delete", "", None, 405),
    (None, "post", "/timeline", {"text": "anonymous"}, 401),
]


@pytest.mark.parametrize(("who", "method", "suffix", "body", "code"), CASES)
def test_refused_and_nothing_changed(api, incident, who, method, suffix, body, code):
    before = snapshot(incident)
    url = f"/api/v1/incidents/{incident.pk}{suffix}" if suffix or method != "post" else "/api/v1/incidents/"
    response = getattr(api[who], method)(url, body, format="json")
    assert response.status_code == code, response.data
    assert set(response.data) >= {"error", "detail", "fields"}
    assert response.data["detail"]
    assert snapshot(incident) == before
    assert Incident.objects.count() == 1


def test_unknown_incident_and_event_ids(api, incident):
    assert (
        api["ivy"].post("/api/v1/incidents/99999/status", {"status": "acknowledged"}, format="json").status_code == 404
    )
    assert api["ivy"].post("/api/v1/incidents/99999/timeline", {"text": "x"}, format="json").status_code == 404
    other = api["ivy"].post("/api/v1/incidents/", {"title": "Other", "severity": "P4"}, format="json").data["id"]
    foreign = TimelineEvent.objects.filter(incident_id=other).first().pk
    assert api["ivy"].get(f"/api/v1/incidents/{incident.pk}/timeline/{foreign}").status_code == 404
