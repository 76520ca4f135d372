"""Every bad input of the issue gets a clear 4xx in the one error shape and changes nothing."""

import datetime as dt

import pytest
from django.utils import timezone

from audit.models import Event
from journal.models import JournalEntry, JournalLink
from journal.services import MAX_CONTENT

from .conftest import LIST


def _refused(api, body, status=400, who="pam", **headers):
    before = (JournalEntry.objects.count(), JournalLink.objects.count(), Event.objects.count())
    response = api[who].post(LIST, body, format="json", headers=headers)
    assert response.status_code == status, response.content
    assert before == (JournalEntry.objects.count(), JournalLink.objects.count(), Event.objects.count())
    body = response.json()
    assert set(body) >= {"error", "detail", "fields"}
    return body


@pytest.mark.parametrize("entry_type", ["gossip", "", "CORRECTION", 7])
def test_unknown_entry_type(api, entry_type):
    body = _refused(api, {"entry_type": entry_type, "content": "x"})
    assert "entry_type" in body["fields"]


@pytest.mark.parametrize("content", ["", "   \n ", "x" * (MAX_CONTENT + 1), "bell \x07", ["a list"], None])
def test_empty_oversized_or_malformed_content(api, content):
    body = _refused(api, {"entry_type": "note", "content": content})
    assert "content" in body["fields"]


def test_content_at_the_limit_is_accepted(api):
    response = api["pam"].post(LIST, {"entry_type": "note", "content": "x" * MAX_CONTENT}, format="json")
    assert response.status_code == 201


def test_occurred_at_in_the_future(api):
    future = (timezone.now() + dt.timedelta(hours=1)).isoformat()
    body = _refused(api, {"entry_type": "note", "content": "x", "occurred_at": future})
    assert body["fields"] == {"occurred_at": ["Cannot be in the future."]}


def test_occurred_at_malformed(api):
    body = _refused(api, {"entry_type": "note", "content": "x", "occurred_at": "yesterday-ish"})
    assert "occurred_at" in body["fields"]


def test_occurred_at_in_the_past_is_kept(api):
    earlier = timezone.now() - dt.timedelta(days=2)
    response = api["pam"].post(LIST, {"entry_type": "note", "content": "x", "occurred_at": earlier.isoformat()})
    assert response.status_code == 201
    entry = JournalEntry.objects.get(pk=response.json()["id"])
    assert entry.occurred_at == earlier and entry.recorded_at > earlier


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("related_position_id", "999"),
        ("related_position_id", "not-a-number"),
        ("related_approval_id", "424242"),
        ("related_entry_id", "31337"),
        ("related_position_id", ["17"]),
        ("related_position_id", {"id": 17}),
    ],
)
def test_link_to_a_missing_or_malformed_object_names_the_field(api, positions, field, value):
    body = _refused(api, {"entry_type": "correction", "content": "x", field: value})
    assert field in body["fields"]


def test_link_of_an_unknown_kind(api):
    body = _refused(api, {"entry_type": "note", "content": "x", "links": [{"kind": "spaceship", "id": "1"}]})
    assert "related_spaceship_id" in body["fields"]


def test_one_bad_link_refuses_the_whole_entry(api, positions):
    body = _refused(api, {"entry_type": "note", "content": "x", "related_position_id": "17", "related_entry_id": "9"})
    assert list(body["fields"]) == ["related_entry_id"]


@pytest.mark.parametrize("tags", [["ok", "has space"], ["<b>"], "not-a-list", [f"t{i}" for i in range(21)]])
def test_malformed_tags(api, tags):
    body = _refused(api, {"entry_type": "note", "content": "x", "tags": tags})
    assert "tags" in body["fields"]


def test_supersedes_a_missing_entry(api):
    body = _refused(api, {"entry_type": "note", "content": "x", "supersedes": 999999})
    assert body["fields"] == {"supersedes": ["No such entry."]}


@pytest.mark.parametrize("supersedes", ["abc", -1, 0, 1.5])
def test_supersedes_malformed(api, supersedes):
    assert "supersedes" in _refused(api, {"entry_type": "note", "content": "x", "supersedes": supersedes})["fields"]


def test_not_json_at_all(api):
    response = api["pam"].post(LIST, "{not json", content_type="application/json")
    assert response.status_code == 400 and response.json()["error"] == "malformed_request"
    assert not JournalEntry.objects.exists()


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_edit_or_delete_is_405_and_changes_nothing(api, add, method):
    entry = add("Original text")
    for url in (f"{LIST}/{entry.pk}", LIST):
        response = getattr(api["pam"], method)(url, {"content": "rewritten"}, format="json")
        assert response.status_code == 405, url
        assert response.json()["error"] == "method_not_allowed"
    assert JournalEntry.objects.get().content == "Original text"


def test_unknown_entry_is_404_in_the_error_shape(api):
    response = api["audrey"].get(f"{LIST}/424242")
    assert response.status_code == 404 and response.json()["error"] == "not_found"


@pytest.mark.parametrize(
    ("param", "value"),
    [("entry_type", "gossip"), ("since", "last tuesday"), ("until", "2026-13-01"), ("cursor", "garbage")],
)
def test_malformed_filter_names_the_parameter(api, param, value):
    response = api["audrey"].get(LIST, {param: value})
    assert response.status_code == 400
    assert param in response.json()["fields"]


def test_since_after_until(api):
    response = api["audrey"].get(LIST, {"since": "2026-12-02", "until": "2026-12-01"})
    assert response.status_code == 400 and "until" in response.json()["fields"]


def test_a_misspelt_filter_is_a_400_not_the_whole_journal(api, add):
    add()
    response = api["audrey"].get(LIST, {"entry_typ": "note"})
    assert response.status_code == 400 and response.json()["error"] == "unknown_parameter"
    assert "entry_typ" in response.json()["fields"]
