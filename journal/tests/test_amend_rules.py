"""Only its author amends an entry; an entry the system wrote is never amended, only answered."""

import pytest

from audit.models import Event
from journal.models import JournalEntry

from .conftest import LIST

ADD = "/journal/add"


@pytest.fixture
def system_entry(add):
    """What an executed correction writes: the requester is the author, the system the writer."""
    return add("Position 17 was recorded incorrectly.", entry_type="correction", system=True)


def _amend(client, entry_id, content="Changed my mind", entry_type="note"):
    return client.post(LIST, {"entry_type": entry_type, "content": content, "supersedes": entry_id}, format="json")


def _unchanged(before) -> bool:
    return (JournalEntry.objects.count(), Event.objects.count()) == before


def _counts():
    return JournalEntry.objects.count(), Event.objects.count()


def test_another_person_cannot_amend_an_entry_403(api, add):
    entry = add("Halve USDBRL")
    before = _counts()
    response = _amend(api["paul"], entry.pk)
    assert response.status_code == 403, response.json()
    body = response.json()
    assert body["error"] == "not_author" and body["related_entry_id"] == entry.pk
    assert f"Only its author, pam, can amend entry {entry.pk}" in body["detail"]
    assert f"related_entry_id {entry.pk}" in body["detail"] and "supersedes" in body["fields"]
    assert _unchanged(before)


def test_not_even_a_superuser_amends_someone_elses_entry(api, add, people):
    people["oscar"].is_superuser = True
    people["oscar"].save()
    entry = add("Halve USDBRL")
    assert _amend(api["oscar"], entry.pk).status_code == 403
    assert not JournalEntry.objects.filter(supersedes=entry).exists()


def test_the_author_amends_their_own(api, add):
    entry = add("Halve USDBRL")
    response = _amend(api["pam"], entry.pk, "Halve USDBRL before COPOM")
    assert response.status_code == 201 and response.json()["supersedes"] == entry.pk


def test_a_system_entry_is_never_amended_even_by_its_author_409(api, system_entry):
    before = _counts()
    for who in ("pam", "paul"):
        response = _amend(api[who], system_entry.pk, entry_type="correction")
        assert response.status_code == 409, response.json()
        body = response.json()
        assert body["error"] == "system_entry"
        assert f"Entry {system_entry.pk} was written by the system and is never amended" in body["detail"]
    assert _unchanged(before)


def test_a_system_entry_is_answered_by_a_new_linked_entry(api, system_entry):
    body = {
        "entry_type": "correction",
        "content": "The broker confirmed the short.",
        "related_entry_id": system_entry.pk,
    }
    response = api["paul"].post(LIST, body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["links"] == [{"kind": "entry", "id": str(system_entry.pk)}]
    assert response.json()["supersedes"] is None and response.json()["system"] is False
    answers = JournalEntry.objects.linked_to("entry", system_entry.pk)
    assert list(answers.values_list("pk", flat=True)) == [response.json()["id"]]


def test_the_api_says_which_entries_are_system_entries(api, add, system_entry):
    mine = add("A note")
    rows = {row["id"]: row["system"] for row in api["audrey"].get(LIST).json()["results"]}
    assert rows == {system_entry.pk: True, mine.pk: False}
    assert "system" in system_entry.tags


def test_a_person_cannot_mark_an_entry_as_written_by_the_system(api):
    response = api["pam"].post(LIST, {"entry_type": "note", "content": "x", "tags": ["System"]}, format="json")
    assert response.status_code == 400 and "tags" in response.json()["fields"]
    assert "reserved" in response.json()["fields"]["tags"][0]
    assert not JournalEntry.objects.exists()


# --- The entry page: the Amend form only where amending is allowed ---------------------------


@pytest.fixture
def page_as(client, people):
    def _as(name):
        client.force_login(people[name])
        return client

    return _as


def test_the_author_sees_amend_another_person_sees_answer(page_as, add):
    entry = add("Halve USDBRL")
    mine = page_as("pam").get(f"/journal/{entry.pk}/").content.decode()
    assert "Record amendment" in mine and 'id="answer"' not in mine
    theirs = page_as("paul").get(f"/journal/{entry.pk}/").content.decode()
    assert "Record amendment" not in theirs and 'name="supersedes"' in theirs
    assert f"Only its author, pam, can amend entry {entry.pk}" in theirs
    assert f'value="entry:{entry.pk}" checked' in theirs and "Record new entry" in theirs
    assert f'name="supersedes" value="{entry.pk}"' not in theirs


def test_a_system_entry_page_has_no_amend_even_for_its_author(page_as, system_entry):
    page = page_as("pam").get(f"/journal/{system_entry.pk}/").content.decode()
    assert "Record amendment" not in page and "never amended" in page
    assert f'value="entry:{system_entry.pk}" checked' in page


def test_the_page_refuses_an_amendment_the_rules_forbid(page_as, add, system_entry):
    entry = add("Halve USDBRL")
    before = _counts()
    refused = page_as("paul").post(ADD, {"entry_type": "note", "content": "mine now", "supersedes": entry.pk})
    assert refused.status_code == 400 and "Only its author, pam" in refused.content.decode()
    system = page_as("pam").post(ADD, {"entry_type": "note", "content": "rewrite", "supersedes": system_entry.pk})
    assert system.status_code == 400 and "never amended" in system.content.decode()
    assert _unchanged(before)


def test_answering_from_the_page_links_the_new_entry(page_as, system_entry):
    response = page_as("paul").post(
        ADD, {"entry_type": "note", "content": "Broker confirmed.", "link": [f"entry:{system_entry.pk}"]}
    )
    assert response.status_code == 302
    answer = JournalEntry.objects.latest("pk")
    assert answer.links == [{"kind": "entry", "id": str(system_entry.pk)}] and answer.supersedes_id is None
