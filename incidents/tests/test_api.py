"""The REST API: who may call what, the shapes, and bad input that changes nothing."""

import datetime as dt

import pytest
from django.utils import timezone

from audit.models import Event
from incidents.models import Incident, TimelineEvent
from incidents.services import incident_declare, incident_role_assign

BASE = "/api/v1/incidents/"


def declare(api, who="ivy", **body):
    return api[who].post(BASE, {"title": "Redis down", "severity": "P2", **body}, format="json")


def test_commander_declares_and_anyone_with_a_role_reads(api):
    created = declare(api, runbook="redis-unavailable", impact={"positions_affected": True})
    assert created.status_code == 201, created.data
    assert created.data["status"] == "declared"
    assert created.data["runbook"] == {"slug": "redis-unavailable", "version": 1}
    assert created.data["impact"]["positions_affected"] is True
    for who in ("pam", "alice", "oscar", "audrey"):
        assert api[who].get(f"{BASE}{created.data['id']}").status_code == 200


@pytest.mark.parametrize(("who", "code"), [(None, 401), ("audrey", 403), ("pam", 403), ("nobody", 403)])
def test_only_commanders_and_ops_declare(api, who, code):
    assert declare(api, who).status_code == code
    assert not Incident.objects.exists()


def test_list_filters_and_malformed_filters(api):
    declare(api, severity="P1")
    declare(api, severity="P3")
    listed = api["audrey"].get(BASE, {"severity": "P1"})
    assert listed.status_code == 200
    assert [row["severity"] for row in listed.data["results"]] == ["P1"]
    assert api["audrey"].get(BASE, {"status": "declared", "since": dt.date.today().isoformat()}).data["results"]
    assert (
        api["audrey"].get(BASE, {"until": (dt.date.today() - dt.timedelta(days=2)).isoformat()}).data["results"] == []
    )
    for param, value in [("severity", "P9"), ("status", "open"), ("since", "yesterday"), ("until", "2026-13-01")]:
        refused = api["audrey"].get(BASE, {param: value})
        assert refused.status_code == 400, (param, refused.data)
        assert param in refused.data["fields"]


def test_patch_audits_before_and_after(api, incident):
    changed = api["ivy"].patch(
        f"{BASE}{incident.pk}", {"root_cause": "disk full", "data_loss": True, "version": 1}, format="json"
    )
    assert changed.status_code == 200, changed.data
    assert changed.data["version"] == 2
    event = Event.objects.get(action="incidents.incident.updated")
    assert event.payload["changes"]["root_cause"] == {"before": "", "after": "disk full"}
    assert event.payload["changes"]["data_loss"] == {"before": False, "after": True}


def test_patch_refuses_unknown_fields_stale_versions_and_reasonless_overrides(api, incident):
    assert api["ivy"].patch(f"{BASE}{incident.pk}", {"status": "closed"}, format="json").status_code == 400
    stale = api["ivy"].patch(f"{BASE}{incident.pk}", {"title": "x", "version": 7}, format="json")
    assert stale.status_code == 409
    assert stale.data["current"]["version"] == 1
    no_reason = api["ivy"].patch(f"{BASE}{incident.pk}", {"recovery_time_override": "00:20:00"}, format="json")
    assert no_reason.status_code == 400
    assert "recovery_time_reason" in no_reason.data["fields"]
    assert api["audrey"].patch(f"{BASE}{incident.pk}", {"title": "x"}, format="json").status_code == 403
    incident.refresh_from_db()
    assert (incident.title, incident.version, incident.recovery_time_override) == ("Database unavailable", 1, None)
    assert not Event.objects.filter(action="incidents.incident.updated").exists()


def test_incidents_are_never_deleted(api, incident):
    assert api["ivy"].delete(f"{BASE}{incident.pk}").status_code == 405
    assert api["ivy"].put(f"{BASE}{incident.pk}", {}, format="json").status_code == 405
    assert Incident.objects.filter(pk=incident.pk).exists()


def test_status_walks_the_graph_and_refuses_forbidden_moves(api, incident):
    url = f"{BASE}{incident.pk}/status"
    assert api["ivy"].post(url, {"status": "resolved"}, format="json").status_code == 409
    assert api["ivy"].post(url, {"status": "frozen"}, format="json").status_code == 400
    assert api["pam"].post(url, {"status": "acknowledged"}, format="json").status_code == 403
    acked = api["oscar"].post(url, {"status": "acknowledged", "note": "on it"}, format="json")
    assert acked.status_code == 200
    assert acked.data["allowed_next"] == ["mitigated", "resolved"]
    kinds = list(incident.events.values_list("kind", "text"))
    assert kinds[-1] == ("status_change", "Status declared → acknowledged: on it")


def test_roles_are_assigned_with_a_timeline_event(api, incident):
    url = f"{BASE}{incident.pk}/roles"
    assigned = api["ivy"].post(url, {"role": "commander", "user": "ivy"}, format="json")
    assert assigned.status_code == 200, assigned.data
    api["ivy"].post(url, {"role": "commander", "user": "oscar"}, format="json")
    assert api["ivy"].get(f"{BASE}{incident.pk}").data["roles"] == {"commander": "oscar"}
    assert incident.events.filter(kind="role_change").last().text == "Incident commander: ivy → oscar"
    assert api["ivy"].post(url, {"role": "king", "user": "ivy"}, format="json").status_code == 400
    assert api["ivy"].post(url, {"role": "scribe", "user": "ghost"}, format="json").status_code == 400


def test_notes_from_every_writer_and_bad_notes(api, incident):
    url = f"{BASE}{incident.pk}/timeline"
    for who in ("pam", "alice", "ivy", "oscar"):
        assert api[who].post(url, {"kind": "note", "text": f"{who} here"}, format="json").status_code == 201
    before = TimelineEvent.objects.count()
    future = (timezone.now() + dt.timedelta(hours=1)).isoformat()
    bad = [
        ("audrey", {"text": "I write"}, 403),
        ("pam", {"kind": "action", "text": "restarted"}, 403),
        ("ivy", {"text": "   "}, 400),
        ("ivy", {"text": "later", "occurred_at": future}, 400),
        ("ivy", {"kind": "status_change", "text": "resolved!"}, 400),
        ("ivy", {"kind": "gossip", "text": "x"}, 400),
    ]
    for who, body, code in bad:
        assert api[who].post(url, body, format="json").status_code == code, body
    assert TimelineEvent.objects.count() == before
    page = api["audrey"].get(url)
    assert [e["text"] for e in page.data["results"]][:4] == ["oscar here", "ivy here", "alice here", "pam here"]


def test_backfilled_events_and_a_frozen_timeline(api, incident):
    url = f"{BASE}{incident.pk}/timeline"
    earlier = (timezone.now() - dt.timedelta(minutes=30)).isoformat()
    created = api["ivy"].post(url, {"kind": "action", "text": "restarted db", "occurred_at": earlier}, format="json")
    assert created.status_code == 201
    event_url = f"{url}/{created.data['id']}"
    assert api["audrey"].get(event_url).data["text"] == "restarted db"
    for method in ("put", "patch", "delete"):
        assert getattr(api["ivy"], method)(event_url, {"text": "edited"}, format="json").status_code == 405
    assert TimelineEvent.objects.get(pk=created.data["id"]).text == "restarted db"
    assert api["audrey"].get(f"{url}/999999").status_code == 404


def test_idempotency_key_replays_the_first_answer(api, incident):
    url = f"{BASE}{incident.pk}/timeline"
    first = api["ivy"].post(url, {"text": "once"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = api["ivy"].post(url, {"text": "once"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert again.data["id"] == first.data["id"]
    assert again["Idempotent-Replayed"] == "true"
    assert incident.events.filter(text="once").count() == 1
    assert api["ivy"].post(url, {"text": "other"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1").status_code == 422


def test_runbook_library(api):
    listed = api["audrey"].get("/api/v1/runbooks/")
    assert listed.status_code == 200
    slugs = {row["slug"]: row for row in listed.data}
    assert len(slugs) == 23
    assert slugs["incorrect-mtm"]["current"]["number"] == 1
    assert "Re-run MTM" in slugs["incorrect-mtm"]["current"]["recovery_actions"][0]
    assert api[None].get("/api/v1/runbooks/").status_code == 401


def test_list_exports_csv(api, incident):
    declare(api, severity="P4", title="Typo, on the login page")
    exported = api["audrey"].get(BASE, {"format": "csv", "severity": "P4"})
    assert exported.status_code == 200
    assert exported["Content-Type"].startswith("text/csv")
    lines = exported.content.decode().splitlines()
    assert lines[0].startswith("id,severity,status,title")
    assert len(lines) == 2 and '"Typo, on the login page"' in lines[1]
    assert api["audrey"].get(BASE, {"format": "csv", "severity": "P7"}).status_code == 400
    assert api["audrey"].get(BASE, {"sevrity": "P1"}).status_code == 400


def test_checklist_steps_are_ticked_over_rest(api, incident):
    url = f"{BASE}{incident.pk}/checklist/1"
    ticked = api["oscar"].post(url, {}, format="json")
    assert ticked.status_code == 200, ticked.data
    assert ticked.data["ticked_by"] == "oscar"
    assert api["oscar"].post(url, {"ticked": "maybe"}, format="json").status_code == 400
    assert api["pam"].post(url, {}, format="json").status_code == 403
    assert api["oscar"].post(f"{BASE}{incident.pk}/checklist/999", {}, format="json").status_code == 404
    detail = api["audrey"].get(f"{BASE}{incident.pk}").data
    assert detail["checklist"][0]["ticked_by"] == "oscar"
    assert incident.events.filter(kind="checklist").count() == 1
    untick = api["oscar"].post(url, {"ticked": False}, format="json")
    assert untick.data["ticked_at"] is None
    assert incident.events.filter(kind="checklist").last().text.startswith("Unticked")


def test_a_list_page_reads_its_incidents_parts_in_a_fixed_number_of_queries(api, people, django_assert_num_queries):
    for title in ("Feed down", "Broker down", "Database down"):
        incident = incident_declare(actor=people["ivy"], title=title, severity="P2", runbook="database-unavailable")
        incident_role_assign(actor=people["ivy"], incident=incident, role="commander", user=people["ivy"])
        incident_role_assign(actor=people["ivy"], incident=incident, role="scribe", user=people["oscar"])
    api["ivy"].get(BASE)
    with django_assert_num_queries(5):  # token, roles, the page, its incidents' roles, their checklists
        body = api["ivy"].get(BASE, {"severity": "P2"}).json()
    assert len(body["results"]) == 3
    assert all(incident["roles"] and incident["checklist"] for incident in body["results"])
