"""The list page and the war room through Django's test client (the browser test drives them for real)."""

import pytest
from django.test import Client

from incidents.models import Incident


@pytest.fixture
def browser_for(people):
    def _client(name):
        client = Client()
        client.force_login(people[name])
        return client

    return _client


def test_list_shows_incidents_and_filters_and_links_the_chart(browser_for, incident):
    page = browser_for("audrey").get("/incidents/", {"severity": "P1"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Database unavailable" in html
    assert "incident-chart" not in html and 'href="/incidents/metrics"' in html  # the chart has its own page
    assert "Declare an incident" not in html  # the auditor reads only
    assert "Database unavailable" not in browser_for("audrey").get("/incidents/", {"severity": "P2"}).content.decode()
    bad = browser_for("audrey").get("/incidents/", {"since": "last week"})
    assert bad.status_code == 200 and "since=" in bad.content.decode()


def test_pages_need_a_login_and_a_role(browser_for, incident):
    assert Client().get("/incidents/").status_code == 302
    assert browser_for("nobody").get(f"/incidents/{incident.pk}/").status_code == 403
    assert browser_for("audrey").post(f"/incidents/{incident.pk}/notes", {"text": "hi"}).status_code == 403
    assert browser_for("pam").post(f"/incidents/{incident.pk}/status", {"status": "acknowledged"}).status_code == 403
    assert Incident.objects.get(pk=incident.pk).status == "declared"


def test_declare_from_the_list_and_run_the_war_room(browser_for, people):
    ivy = browser_for("ivy")
    created = ivy.post("/incidents/declare", {"title": "Redis down", "severity": "P2", "runbook": "redis-unavailable"})
    incident = Incident.objects.get(title="Redis down")
    assert created.url == f"/incidents/{incident.pk}/"
    assert ivy.post(f"/incidents/{incident.pk}/status", {"status": "acknowledged", "version": "1"}).status_code == 302
    note = browser_for("pam").post(f"/incidents/{incident.pk}/notes", {"text": "PM sees slow book"})
    assert note.status_code == 204 and note["HX-Trigger"] == "timeline-refresh"
    empty = browser_for("pam").post(f"/incidents/{incident.pk}/notes", {"text": "  "})
    assert "empty" in empty.content.decode()
    assert ivy.post(f"/incidents/{incident.pk}/checklist/1").status_code == 302
    room = ivy.get(f"/incidents/{incident.pk}/").content.decode()
    assert "PM sees slow book" in room and "Acknowledged" in room and "Ticked: " in room
    tail = ivy.get(f"/incidents/{incident.pk}/events", {"after": incident.events.order_by("pk").first().pk})
    assert "PM sees slow book" in tail.content.decode()
    refused = ivy.post(f"/incidents/{incident.pk}/status", {"status": "closed"}, follow=True)
    assert "cannot go to closed" in refused.content.decode()


def test_postmortem_page_and_export(browser_for, incident):
    ivy = browser_for("ivy")
    form = {
        "root_cause_analysis": "Disk full",
        "prevention_measures": "Alerts",
        "communication_review": "Fine",
        "item_description": ["Add disk alert", ""],
        "item_owner": ["oscar", ""],
        "item_due": ["2026-12-31", ""],
    }
    assert ivy.post(f"/incidents/{incident.pk}/postmortem", form).status_code == 302
    bad = ivy.post(f"/incidents/{incident.pk}/postmortem", {**form, "item_due": ["someday", ""]})
    assert bad.status_code == 200 and "due_date" in bad.content.decode()
    export = browser_for("audrey").get(f"/incidents/{incident.pk}/postmortem.md")
    assert export["Content-Type"].startswith("text/markdown")
    assert "| Add disk alert | oscar | 2026-12-31 |" in export.content.decode()


def test_a_stale_status_button_says_the_incident_changed(browser_for, incident):
    ivy, oscar = browser_for("ivy"), browser_for("oscar")
    assert oscar.post(f"/incidents/{incident.pk}/status", {"status": "acknowledged", "version": "1"}).status_code == 302
    stale = ivy.post(f"/incidents/{incident.pk}/status", {"status": "acknowledged", "version": "1"}, follow=True)
    assert "changed meanwhile" in stale.content.decode()
    tail = ivy.get(f"/incidents/{incident.pk}/events", {"after": "0"}).content.decode()
    assert '<strong id="status" hx-swap-oob="true">Acknowledged</strong>' in tail
    assert Incident.objects.get(pk=incident.pk).version == 2
