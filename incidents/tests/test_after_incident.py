"""Severity changes and stars on the timeline, the post-mortem from starred events, closing in words, metrics."""

import datetime as dt

import pytest
from django.utils import timezone

from audit.models import Event
from incidents import selectors
from incidents.models import Incident
from incidents.services import (
    event_star,
    follow_up_create,
    incident_declare,
    incident_event_add,
    incident_status_change,
)

BASE = "/api/v1/incidents/"


def test_a_severity_change_is_a_timeline_event(api, incident):
    changed = api["ivy"].patch(f"{BASE}{incident.pk}", {"severity": "P2"}, format="json")
    assert changed.status_code == 200
    event = incident.events.get(kind="severity_change")
    assert (event.text, event.data, event.author) == ("Severity P1 → P2", {"from": "P1", "to": "P2"}, "ivy")
    api["ivy"].patch(f"{BASE}{incident.pk}", {"severity": "P2", "title": "DB down"}, format="json")
    assert incident.events.filter(kind="severity_change").count() == 1  # unchanged severity: no event


def test_events_are_starred_and_unstarred(api, incident):
    event = incident.events.first()
    url = f"{BASE}{incident.pk}/timeline/{event.pk}/star"
    assert api["pam"].post(url, {}, format="json").status_code == 403
    starred = api["ivy"].post(url, {}, format="json")
    assert starred.status_code == 200 and starred.json()["starred"] is True
    timeline = api["audrey"].get(f"{BASE}{incident.pk}/timeline").json()["results"]
    assert [e["starred"] for e in timeline if e["id"] == event.pk] == [True]
    assert api["ivy"].post(url, {"starred": False}, format="json").json()["starred"] is False
    assert api["ivy"].post(f"{BASE}{incident.pk}/timeline/999999/star", {}, format="json").status_code == 404
    assert api["ivy"].post(url, {"starred": "maybe"}, format="json").status_code == 400
    stars = Event.objects.filter(action__in=["incidents.event.starred", "incidents.event.unstarred"])
    assert list(stars.order_by("pk").values_list("action", flat=True)) == [
        "incidents.event.starred",
        "incidents.event.unstarred",
    ]


def test_closing_too_early_says_in_words_what_the_postmortem_lacks(api, incident, people):
    for status in ("acknowledged", "resolved"):
        incident_status_change(actor=people["ivy"], incident=incident, status=status)
    refused = api["ivy"].post(f"{BASE}{incident.pk}/status", {"status": "closed"}, format="json")
    assert refused.status_code == 409
    detail = refused.json()["detail"]
    assert (
        "the root cause analysis, the prevention measures, the communication review and at least one action" in detail
    )
    follow_up_create(
        actor=people["ivy"], incident=incident, description="Disk alert", owner="oscar", due_on="2026-12-31"
    )
    api["ivy"].put(
        f"{BASE}{incident.pk}/postmortem",
        {"root_cause_analysis": "Disk full", "prevention_measures": "Alert", "communication_review": "Fine"},
        format="json",
    )
    closed = api["ivy"].post(f"{BASE}{incident.pk}/status", {"status": "closed"}, format="json")
    assert closed.status_code == 200  # a follow-up action counts as the post-mortem's action item


def test_the_postmortem_starts_from_the_starred_timeline(client, incident, people):
    key = incident_event_add(actor=people["ivy"], incident=incident, kind="note", text="Disk **full** at 09:12")
    incident_event_add(actor=people["ivy"], incident=incident, kind="note", text="Coffee")
    event_star(actor=people["ivy"], incident=incident, event_id=key.pk)
    client.force_login(people["audrey"])
    page = client.get(f"/incidents/{incident.pk}/postmortem").content.decode()
    moments = page.split('id="key-moments"')[1].split("</section>")[0]
    assert "Disk **full** at 09:12" in moments and "Coffee" not in moments
    export = client.get(f"/incidents/{incident.pk}/postmortem.md").content.decode()
    assert "## Key moments (starred timeline)" in export and "Disk **full** at 09:12" in export
    room = client.get(f"/incidents/{incident.pk}/").content.decode()
    assert "Disk <strong>full</strong> at 09:12" in room  # notes render Markdown as the journal does


def test_a_closed_incident_is_read_only(client, incident, people, api):
    for status in ("acknowledged", "resolved"):
        incident_status_change(actor=people["ivy"], incident=incident, status=status)
    follow_up_create(
        actor=people["ivy"], incident=incident, description="Disk alert", owner="oscar", due_on="2026-12-31"
    )
    api["ivy"].put(
        f"{BASE}{incident.pk}/postmortem",
        {"root_cause_analysis": "Disk full", "prevention_measures": "Alert", "communication_review": "Fine"},
        format="json",
    )
    incident_status_change(actor=people["ivy"], incident=incident, status="closed")
    client.force_login(people["ivy"])
    room = client.get(f"/incidents/{incident.pk}/").content.decode()
    assert 'id="read-only"' in room
    for form in ("status-form", "severity-form", "quick-add", "tick-1", "star-"):
        assert f'id="{form}' not in room, form
    assert 'id="follow-up-form"' in room  # follow-ups outlive the incident
    refused = client.post(f"/incidents/{incident.pk}/events/{incident.events.first().pk}/star", follow=True)
    assert "closed" in refused.content.decode()
    assert not incident.events.filter(star__starred=True).exists()


def test_the_war_room_offers_to_halt_trading_when_the_incident_says_it_is_halted(
    client, incident, people, django_capture_on_commit_callbacks
):
    client.force_login(people["ivy"])  # the commander may not halt trading (Ops and PM may): no offer
    assert 'id="halt-offer"' not in client.get(f"/incidents/{incident.pk}/").content.decode()
    client.force_login(people["oscar"])
    assert 'id="halt-offer"' in client.get(f"/incidents/{incident.pk}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):  # the halt drops the cached trading state on commit
        halted = client.post("/ops/trading/halt", {"reason": "Incident: DB down", "next": f"/incidents/{incident.pk}/"})
    assert halted.status_code == 302 and halted.url == f"/incidents/{incident.pk}/"
    assert incident.events.filter(kind="action", text__startswith="Trading halted by oscar").exists()
    assert 'id="halt-offer"' not in client.get(f"/incidents/{incident.pk}/").content.decode()  # halted already
    away = client.post("/ops/trading/halt", {"reason": "again", "next": "https://evil.example/"})
    assert away.url == "/ops/"


def test_a_runbook_is_suggested_from_the_title(client, people):
    assert selectors.runbook_suggest("Redis down since 9am").slug == "redis-unavailable"
    assert selectors.runbook_suggest("Database unavailable").slug == "database-unavailable"
    assert selectors.runbook_suggest("??") is None
    client.force_login(people["ivy"])
    html = client.get("/incidents/runbook-suggestion", {"title": "Redis is down"}).content.decode()
    assert '<option value="redis-unavailable" selected>' in html and "Suggested from the title: Redis" in html
    kept = client.get("/incidents/runbook-suggestion", {"title": "Redis", "runbook": "general-restore"}).content
    assert b'<option value="general-restore" selected>' in kept
    client.force_login(people["audrey"])
    assert client.get("/incidents/runbook-suggestion", {"title": "Redis"}).status_code == 403


@pytest.fixture
def history(people):
    """Two P1s (one acknowledged after 10 min and resolved after 12, within the 15-minute target; one resolved
    after 60) and an unacknowledged P3, all declared last week."""
    start = timezone.now() - dt.timedelta(days=7)

    def made(severity, ack, resolve):
        incident = incident_declare(actor=people["ivy"], title=f"{severity} thing", severity=severity)
        stamps = {"declared_at": start, "started_at": start}
        if ack is not None:
            stamps |= {"status": "acknowledged", "acknowledged_at": start + dt.timedelta(minutes=ack)}
        if resolve is not None:
            stamps |= {"status": "resolved", "resolved_at": start + dt.timedelta(minutes=resolve)}
        Incident.objects.filter(pk=incident.pk).update(**stamps)  # test setup: times in the past

    made("P1", 10, 12)
    made("P1", 20, 60)
    made("P3", None, None)


def test_metrics_per_severity_and_period(api, history):
    body = api["audrey"].get(f"{BASE}metrics", {"period": "week"}).json()
    p1, p2, p3, _ = body["severities"]
    assert p1 == {
        "severity": "P1",
        "declared": 2,
        "acknowledged": 2,
        "resolved": 2,
        "mtta_minutes": 15.0,
        "mttr_minutes": 36.0,
        "resolved_within_target": 1,
        "share_resolved_within_target": 0.5,
    }
    assert p2["declared"] == 0 and p2["mtta_minutes"] is None and p2["share_resolved_within_target"] is None
    assert (p3["declared"], p3["acknowledged"], p3["resolved"]) == (1, 0, 0)
    assert body["period"] == "week" and sum(row["declared"] for row in body["periods"]) == 3
    assert {row["severity"] for row in body["periods"]} == {"P1", "P3"}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"period": "year"}, "period"),
        ({"since": "2026-13-01"}, "since"),
        ({"since": "2026-12-05", "until": "2026-12-01"}, "since"),
    ],
)
def test_bad_metrics_queries_are_400(api, params, field):
    refused = api["audrey"].get(f"{BASE}metrics", params)
    assert refused.status_code == 400 and field in refused.json()["fields"]


def test_the_metrics_page_has_the_chart_and_the_table(client, people, history):
    client.force_login(people["pam"])
    html = client.get("/incidents/metrics", {"period": "week"}).content.decode()
    assert 'class="incident-chart"' in html and 'id="metrics-severities"' in html
    assert "50% (1)" in html  # P1: one of two resolved within the target
    assert "period=" in client.get("/incidents/metrics", {"period": "year"}).content.decode()
