"""Who may write and read the journal; Idempotency-Key replays write nothing twice."""

import pytest

from audit.models import Event
from journal.models import JournalEntry

from .conftest import LIST

BODY = {"entry_type": "decision", "content": "Cut EURUSD risk by half ahead of ECB."}


@pytest.mark.parametrize("who", ["pam", "alice", "ivy", "oscar"])
def test_pm_approver_commander_and_ops_write(api, who):
    assert api[who].post(LIST, BODY, format="json").status_code == 201
    assert JournalEntry.objects.get().author.username == who


@pytest.mark.parametrize(("who", "status"), [("audrey", 403), ("nobody", 403), (None, 401)])
def test_auditor_nobody_and_anonymous_cannot_write(api, who, status):
    response = api[who].post(LIST, BODY, format="json")
    assert response.status_code == status and "error" in response.json()
    assert not JournalEntry.objects.exists() and not Event.objects.exists()


@pytest.mark.parametrize(("who", "status"), [("audrey", 200), ("pam", 200), ("nobody", 403), (None, 401)])
def test_who_reads(api, add, who, status):
    entry = add()
    assert api[who].get(LIST).status_code == status
    assert api[who].get(f"{LIST}/{entry.pk}").status_code == status


def test_a_replayed_post_returns_the_first_answer_and_writes_once(api):
    first = api["pam"].post(LIST, BODY, format="json", headers={"Idempotency-Key": "k-1"})
    again = api["pam"].post(LIST, BODY, format="json", headers={"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert JournalEntry.objects.count() == 1 and Event.objects.filter(action="journal.entry.added").count() == 1


def test_the_same_key_with_another_body_is_422(api):
    api["pam"].post(LIST, BODY, format="json", headers={"Idempotency-Key": "k-2"})
    other = api["pam"].post(LIST, {**BODY, "content": "different"}, format="json", headers={"Idempotency-Key": "k-2"})
    assert other.status_code == 422 and other.json()["error"] == "idempotency_key_reused"
    assert JournalEntry.objects.count() == 1


def test_a_refused_post_does_not_burn_the_key(api):
    bad = api["pam"].post(LIST, {**BODY, "entry_type": "gossip"}, format="json", headers={"Idempotency-Key": "k-3"})
    assert bad.status_code == 400
    good = api["pam"].post(LIST, BODY, format="json", headers={"Idempotency-Key": "k-3"})
    assert good.status_code == 201
