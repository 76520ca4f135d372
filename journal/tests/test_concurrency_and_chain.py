"""Concurrent writers on PostgreSQL; the chain hash an entry shows is recomputed, so tampering shows."""

import threading

import pytest
from django.db import connection, connections

from audit.chain import verify_chain
from core.errors import Conflict
from journal import selectors
from journal.models import JournalEntry
from journal.services import journal_entry_add


def _threads(target, n):
    threads = [threading.Thread(target=target) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_amendments_of_one_entry_one_wins_the_rest_get_409(people):
    original = journal_entry_add(author=people["pam"], entry_type="note", content="v1")
    results = []

    def amend():
        try:
            entry = journal_entry_add(author=people["pam"], entry_type="note", content="v2", supersedes=original.pk)
            results.append(entry.pk)
        except Conflict as exc:
            results.append(exc)
        finally:
            connections.close_all()

    _threads(amend, 6)
    winners = [r for r in results if isinstance(r, int)]
    assert len(winners) == 1 and len(results) == 6
    assert all(r.extra["newest_id"] == winners[0] for r in results if isinstance(r, Conflict))
    assert JournalEntry.objects.count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_unbroken_chain(people):
    def write():
        try:
            for i in range(10):
                journal_entry_add(author=people["oscar"], entry_type="note", content=f"probe {i}")
        finally:
            connections.close_all()

    _threads(write, 5)
    report = verify_chain(JournalEntry, "journal")
    assert report.ok and report.rows == 50


def test_a_stored_entry_verifies(add):
    first, second = add("one"), add("two")
    assert selectors.hash_verified(first) and selectors.hash_verified(second)


@pytest.mark.postgres
def test_a_rewritten_entry_no_longer_verifies(add, superuser_sql):
    entry = add("Closed at 5.40")
    superuser_sql("UPDATE journal_journalentry SET content = 'Closed at 5.90' WHERE id = %s", [entry.pk])
    assert not selectors.hash_verified(JournalEntry.objects.get(pk=entry.pk))


@pytest.mark.postgres
def test_the_database_refuses_edits_and_deletes(add):
    from django.db import DatabaseError, transaction

    entry = add("immutable")
    for sql in (
        "UPDATE journal_journalentry SET content = 'x' WHERE id = %s",
        "DELETE FROM journal_journalentry WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [entry.pk])
    assert JournalEntry.objects.get().content == "immutable"
