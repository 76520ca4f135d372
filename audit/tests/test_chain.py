"""Hash chains: links computed on append, gap-free seq, tampering caught and named."""

import threading

import pytest
from django.core.management import call_command
from django.db import connections

from audit.canonical import GENESIS
from audit.chain import verify_chain
from audit.models import Event
from audit.services import event_record


def _record(n: int) -> list[Event]:
    return [event_record(actor=None, action="audit.chains.verified", payload={"n": i}) for i in range(n)]


def test_each_row_links_to_the_previous_one(db):
    first, second, third = _record(3)
    assert (first.seq, first.prev_hash) == (1, GENESIS)
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    assert all(e.compute_hash() == e.hash for e in Event.objects.all())
    report = verify_chain(Event, "audit")
    assert (report.ok, report.rows, report.head_seq, report.head_hash) == (True, 3, 3, third.hash)


def test_an_appended_row_is_hashed_as_it_reads_back(db):
    """The hash is the one a verifier recomputes from the stored row, whatever the payload holds."""
    ugly = {"seq": 7, "text": '"seq":"x" \\ \u2028 ∑ é', "nested": {"seq": [1.5, -0.0, None]}, "zero": -0.0}
    appended = event_record(actor="ünïcode", action="audit.chains.verified", subject_id=12, payload=ugly)
    stored = Event.objects.get(pk=appended.pk)
    assert (stored.seq, stored.prev_hash, stored.hash) == (appended.seq, appended.prev_hash, appended.hash)
    assert stored.compute_hash() == stored.hash == appended.compute_hash()
    assert verify_chain(Event, "audit").ok


@pytest.mark.postgres
def test_a_rewritten_row_is_caught_and_named(superuser_sql, capsys):
    events = _record(3)
    superuser_sql("UPDATE audit_event SET actor = 'mallory' WHERE id = %s", [events[1].pk])
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_chains")
    assert exit_info.value.code == 1
    out = capsys.readouterr().out
    assert f"seq 2 row id {events[1].pk}" in out
    assert "BROKEN audit_event [audit]" in out


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_a_chain():
    errors = []

    def writer():
        try:
            for _ in range(25):
                event_record(actor=None, action="audit.chains.verified", payload={})
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    seqs = list(Event.objects.filter(chain="audit").order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, 201))
    assert verify_chain(Event, "audit").ok
