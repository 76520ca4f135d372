"""The database and the ORM both refuse to change or remove an append-only row."""

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from audit.models import AppendOnlyError, Event
from audit.services import event_record

REFUSED = r"append-only|permission denied"  # SQLite: the trigger; PostgreSQL: the runtime role has no right


@pytest.fixture
def event(db):
    return event_record(actor=None, action="audit.chains.verified", payload={"rows": 1})


@pytest.mark.parametrize(
    "sql",
    ["UPDATE audit_event SET actor = 'mallory'", "DELETE FROM audit_event"],
)
def test_raw_sql_update_and_delete_are_refused(event, sql):
    with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert Event.objects.get(pk=event.pk).actor == "system"


@pytest.mark.postgres
def test_truncate_is_refused(event):
    with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE audit_event")
    assert Event.objects.count() == 1


def test_orm_paths_raise_before_the_database(event):
    event.actor = "mallory"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        Event.objects.filter(pk=event.pk).update(actor="mallory")
    with pytest.raises(AppendOnlyError):
        Event.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        Event.objects.bulk_update([event], ["actor"])
    assert Event.objects.get(pk=event.pk).actor == "system"


def test_a_forged_or_duplicate_seq_is_refused(event):
    forged = Event(
        chain=event.chain,
        seq=event.seq + 5,
        prev_hash=event.hash,
        hash="f" * 64,
        occurred_at=event.occurred_at,
        actor="mallory",
        action=event.action,
    )
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        forged.save(force_insert=True)
    duplicate = Event(
        chain=event.chain,
        seq=event.seq,
        prev_hash=event.prev_hash,
        hash="e" * 64,
        occurred_at=event.occurred_at,
        actor="mallory",
        action=event.action,
    )
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        duplicate.save(force_insert=True)
    assert list(Event.objects.values_list("actor", flat=True)) == ["system"]
