"""Amendments: a new entry supersedes the old; lists show the newest, marked; versions one request away."""

import datetime as dt

from django.test import Client

from audit.models import Event
from journal.models import JournalEntry

from .conftest import LIST


def _amend(api, entry_id, content, who="pam"):
    return api[who].post(LIST, {"entry_type": "correction", "content": content, "supersedes": entry_id})


def test_an_amendment_is_a_new_entry_and_the_old_one_stays(api, add):
    original = add("MTM corrected for USDBRL at 5.9")
    response = _amend(api, original.pk, "MTM corrected for USDBRL at 5.4 (Bloomberg)")
    assert response.status_code == 201
    amended = response.json()
    assert amended["supersedes"] == original.pk and amended["amended"] is True
    assert JournalEntry.objects.get(pk=original.pk).content == "MTM corrected for USDBRL at 5.9"
    assert Event.objects.filter(action="journal.entry.amended", subject_id=str(amended["id"])).count() == 1


def test_lists_show_only_the_newest_version_marked_amended(api, add):
    original = add("first take")
    other = add("unrelated")
    newest = _amend(api, original.pk, "second take").json()
    rows = api["audrey"].get(LIST).json()["results"]
    assert [(r["id"], r["amended"]) for r in rows] == [(newest["id"], True), (other.pk, False)]
    every = api["audrey"].get(LIST, {"versions": "all"}).json()["results"]
    assert [r["id"] for r in every] == [newest["id"], other.pk, original.pk]


def test_every_version_is_one_request_away_from_any_of_them(api, add):
    first = add("v1")
    second = _amend(api, first.pk, "v2").json()
    third = _amend(api, second["id"], "v3").json()
    for entry_id in (first.pk, second["id"], third["id"]):
        detail = api["audrey"].get(f"{LIST}/{entry_id}").json()
        assert [v["content"] for v in detail["versions"]] == ["v1", "v2", "v3"]
    assert api["audrey"].get(f"{LIST}/{first.pk}").json()["superseded_by"] == second["id"]
    assert api["audrey"].get(f"{LIST}/{third['id']}").json()["superseded_by"] is None


def test_amending_a_superseded_entry_is_409_naming_the_newest_version(api, add):
    first = add("v1")
    second = _amend(api, first.pk, "v2").json()
    third = _amend(api, second["id"], "v3").json()
    before = JournalEntry.objects.count(), Event.objects.count()
    for stale in (first.pk, second["id"]):
        response = _amend(api, stale, "v2 again")
        assert response.status_code == 409
        body = response.json()
        assert body["newest_id"] == third["id"]
        assert f"entry {third['id']}" in body["detail"] and "supersedes" in body["fields"]
    assert (JournalEntry.objects.count(), Event.objects.count()) == before


def test_detail_renders_markdown_and_verifies_the_hash(api, add):
    entry = add("**Closed** 17 at entry; see <script>alert(1)</script>")
    detail = api["audrey"].get(f"{LIST}/{entry.pk}").json()
    assert "<strong>Closed</strong>" in detail["content_html"]
    assert "<script>" not in detail["content_html"] and "&lt;script&gt;" in detail["content_html"]
    assert detail["verified"] is True and detail["hash"] == entry.hash


def test_an_amendment_keeps_the_originals_occurred_at_unless_it_gives_its_own(api, people, add):
    happened = dt.datetime(2026, 3, 2, 9, 15, tzinfo=dt.UTC)
    original = add("Held", occurred_at=happened)
    amended = _amend(api, original.pk, "Held **overnight**").json()
    assert JournalEntry.objects.get(pk=amended["id"]).occurred_at == happened
    client = Client()  # the entry page's amend form, as a PM sends it (its moment left empty)
    client.force_login(people["pam"])
    sent = client.post("/journal/add", {"entry_type": "decision", "content": "Held, v3", "supersedes": amended["id"]})
    assert sent.status_code == 302
    third = JournalEntry.objects.get(supersedes_id=amended["id"])
    assert third.occurred_at == happened
    later = happened + dt.timedelta(hours=1)
    body = {"entry_type": "decision", "content": "v4", "supersedes": third.pk, "occurred_at": later.isoformat()}
    assert api["pam"].post(LIST, body, format="json").status_code == 201
    assert JournalEntry.objects.get(supersedes=third).occurred_at == later
