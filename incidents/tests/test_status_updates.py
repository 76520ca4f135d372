"""Stakeholder status updates: their own timeline kind; overdue ones nudge the communications lead."""

import datetime as dt

import pytest
import time_machine
from django.test import Client

from audit.models import Event
from incidents import selectors, tasks
from incidents.models import Subscriber
from incidents.services import incident_declare, incident_role_assign, incident_status_change, status_update_post

T0 = dt.datetime.combine(dt.date.today(), dt.time(9), tzinfo=dt.UTC)


@pytest.fixture
def signed_in(people):
    def _client(name):
        client = Client()
        client.force_login(people[name])
        return client

    return _client


def at(minutes: float):
    return time_machine.travel(T0 + dt.timedelta(minutes=minutes), tick=False)


def test_publish_read_and_the_latest(api, incident):
    url = f"/api/v1/incidents/{incident.pk}/status-updates"
    first = api["ivy"].post(url, {"text": "Trading is halted while we restore the database."}, format="json")
    assert first.status_code == 201, first.data
    assert first.data["kind"] == "status_update"
    api["oscar"].post(url, {"text": "Restore finished; verifying positions."}, format="json")
    listed = api["audrey"].get(url)
    assert [e["text"] for e in listed.data["results"]][:1] == ["Restore finished; verifying positions."]
    assert selectors.latest_status_update(incident).text == "Restore finished; verifying positions."
    assert Event.objects.filter(action="incidents.status_update.posted").count() == 2


def test_who_may_publish_and_bad_input(api, incident):
    url = f"/api/v1/incidents/{incident.pk}/status-updates"
    assert api["pam"].post(url, {"text": "x"}, format="json").status_code == 403
    assert api["audrey"].post(url, {"text": "x"}, format="json").status_code == 403
    for body in ({}, {"text": "   "}, {"text": "x" * 2001}, {"text": "ok", "public": True}):
        response = api["ivy"].post(url, body, format="json")
        assert response.status_code == 400, (body, response.data)
        assert response.data["error"]
    assert api["ivy"].post("/api/v1/incidents/99999/status-updates", {"text": "x"}, format="json").status_code == 404
    assert selectors.latest_status_update(incident) is None


def test_a_closed_incident_takes_no_more_updates(incident, people):
    from incidents.models import Incident

    Incident.objects.filter(pk=incident.pk).update(status="closed")
    from core.errors import Conflict

    with pytest.raises(Conflict):
        status_update_post(actor=people["ivy"], incident=incident, text="Back to normal")
    assert selectors.latest_status_update(incident) is None


def test_the_war_room_form_publishes(signed_in, incident):
    response = signed_in("ivy").post(f"/incidents/{incident.pk}/status-updates", {"text": "We are on it."})
    assert response.status_code == 302
    assert selectors.latest_status_update(incident).author == "ivy"
    page = signed_in("ivy").get(f"/incidents/{incident.pk}/")
    assert b'id="status-update-form"' in page.content
    assert signed_in("pam").post(f"/incidents/{incident.pk}/status-updates", {"text": "x"}).status_code == 403
    refused = signed_in("ivy").post(f"/incidents/{incident.pk}/status-updates", {"text": ""}, follow=True)
    assert b"Text is empty." in refused.content
    assert incident.events.filter(kind="status_update").count() == 1


def test_an_overdue_update_nudges_the_communications_lead(people, smtp, django_capture_on_commit_callbacks):
    with at(0):
        incident = incident_declare(actor=people["ivy"], title="All services down", severity="P1")
        incident_role_assign(actor=people["ivy"], incident=incident, role="communications", user="oscar")
    with at(9.9):
        assert tasks.nudge_status_updates() == 0  # Runbook 11: users hear every 10 minutes
    with at(10), django_capture_on_commit_callbacks(execute=True):
        assert tasks.nudge_status_updates() == 1
        assert tasks.nudge_status_updates() == 0
    nudge = incident.events.get(kind="comms", author="system:status-updates")
    assert nudge.text.startswith("Reminder to oscar: no stakeholder status update for 10 min")
    assert smtp[-1]["X-RcptTo"] == "oscar@example.com"
    assert "stakeholder update overdue" in smtp[-1]["Subject"]
    with at(15):
        status_update_post(actor=people["oscar"], incident=incident, text="Restoring from the 08:00 backup.")
    with at(24.9):
        assert tasks.nudge_status_updates() == 0  # the update reset the clock
    with at(25):
        assert tasks.nudge_status_updates() == 1
    with at(26):
        incident_status_change(actor=people["ivy"], incident=incident, status="acknowledged")
        incident_status_change(actor=people["ivy"], incident=incident, status="resolved")
    with at(60):
        assert tasks.nudge_status_updates() == 0  # resolved: nothing more to say


def test_without_a_communications_lead_the_commander_is_nudged_and_p3_never(people, smtp):
    with at(0):
        p1 = incident_declare(actor=people["ivy"], title="Data loss", severity="P1")
        incident_role_assign(actor=people["ivy"], incident=p1, role="commander", user="ivy")
        incident_declare(actor=people["ivy"], title="Dashboard slow", severity="P3")
    with at(30):
        assert tasks.nudge_status_updates() == 1
    assert p1.events.get(author="system:status-updates").data == {"nudge": True, "to": "ivy"}


def test_subscribers_hear_of_updates_and_the_resolution(people, smtp, django_capture_on_commit_callbacks):
    Subscriber.objects.create(email="desk@example.com", severities=["P1"], created_by="ivy")
    Subscriber.objects.create(email="p2-only@example.com", severities=["P2"], created_by="ivy")
    Subscriber.objects.create(email="gone@example.com", severities=["P1"], active=False, created_by="ivy")
    with django_capture_on_commit_callbacks(execute=True):
        incident = incident_declare(actor=people["ivy"], title="All services down", severity="P1")
        status_update_post(actor=people["ivy"], incident=incident, text="Trading halted; restoring.")
        incident_status_change(actor=people["ivy"], incident=incident, status="acknowledged")
        incident_status_change(actor=people["ivy"], incident=incident, status="resolved")
    to_desk = [m for m in smtp if m["X-RcptTo"] == "desk@example.com"]
    assert [m["Subject"] for m in to_desk] == [
        "[PMS Ops] Declared: All services down",
        "[PMS Ops] Update: All services down",
        "[PMS Ops] Resolved: All services down",
    ]
    assert "Trading halted; restoring." in to_desk[1].get_content()
    assert all("/incidents/" not in m.get_content() for m in to_desk)  # no internal links
    assert all("ivy" not in m.get_content() for m in to_desk)  # no names
    assert {m["X-RcptTo"] for m in smtp} == {"desk@example.com"}
