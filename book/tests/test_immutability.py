"""The database itself keeps a position's recorded facts, its close, and its existence."""

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from book import selectors
from book.models import LedgerEntry, Position

REFUSED = r"append-only|permission denied"  # SQLite: the trigger; PostgreSQL: the runtime role has no right


def _sql(statement: str, params=()):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)


@pytest.mark.parametrize(
    "assignment",
    [
        "size = 3",
        "entry_price = 70000",
        "direction = 'SHORT'",
        "opened_by = 'mallory'",
        "instrument_id = instrument_id + 1",
    ],
)
def test_raw_sql_cannot_rewrite_a_recorded_fact(open_position, nifty, assignment):
    position = open_position()
    with pytest.raises((DatabaseError, IntegrityError), match=r"recorded facts|FOREIGN KEY|foreign key"):
        _sql(f"UPDATE book_position SET {assignment} WHERE id = %s", [position.pk])
    fresh = Position.objects.get(pk=position.pk)
    assert (fresh.size, fresh.entry_price, fresh.direction, fresh.instrument_id, fresh.opened_by) == (
        position.size,
        position.entry_price,
        position.direction,
        position.instrument_id,
        "pam",
    )


def test_raw_sql_cannot_move_opened_at(open_position):
    position = open_position()
    with pytest.raises(DatabaseError, match="recorded facts"):
        _sql("UPDATE book_position SET opened_at = %s WHERE id = %s", ["2020-01-01 00:00:00", position.pk])


def test_a_position_is_never_deleted(open_position):
    position = open_position()
    with pytest.raises(DatabaseError, match="never deleted"):
        _sql("DELETE FROM book_position WHERE id = %s", [position.pk])
    assert Position.objects.filter(pk=position.pk).exists()


@pytest.mark.postgres
def test_truncate_is_refused(open_position):
    open_position()
    _sql("SET CONSTRAINTS ALL IMMEDIATE")  # no pending FK checks, so the trigger or the role answers
    with pytest.raises(DatabaseError, match=r"never deleted|permission denied"):
        _sql("TRUNCATE book_position CASCADE")


def test_a_close_is_final(people, open_position):
    from book.services import position_close

    position = position_close(actor=people["pam"], position_id=open_position().pk, exit_price=71200)
    for assignment in ("status = 'OPEN', exit_price = NULL", "exit_price = 80000", "realized_pnl = 1"):
        with pytest.raises(DatabaseError, match="closed"):
            _sql(f"UPDATE book_position SET {assignment} WHERE id = %s", [position.pk])
    assert Position.objects.get(pk=position.pk).realized_pnl == position.realized_pnl


@pytest.mark.parametrize(
    ("column", "value"), [("size", 0), ("size", -2), ("size", None), ("entry_price", None), ("entry_price", 0)]
)
def test_seed_000_data_corrupt_rows_cannot_exist(gold, column, value):
    """Missing entry price, size null or <= 0: refused by NOT NULL and CHECK constraints."""
    facts = {"size": 1, "entry_price": 100, column: value}
    with pytest.raises(IntegrityError):
        _sql(
            "INSERT INTO book_position (instrument_id, direction, size, entry_price, opened_at, opened_by, status, "
            "notes) VALUES (%s, 'LONG', %s, %s, CURRENT_TIMESTAMP, 'x', 'OPEN', '')",
            [gold.pk, facts["size"], facts["entry_price"]],
        )
    assert selectors.corrupt_positions() == []


def test_the_ledger_is_append_only(open_position):
    open_position()
    with pytest.raises(DatabaseError, match=REFUSED):
        _sql("UPDATE book_ledgerentry SET status = 'CLOSED'")
    with pytest.raises(DatabaseError, match=REFUSED):
        _sql("DELETE FROM book_ledgerentry")
    assert LedgerEntry.objects.count() == 1


def test_the_orm_still_moves_changing_state(open_position):
    """Marks and closes are allowed: only the facts are frozen."""
    position = open_position()
    Position.objects.filter(pk=position.pk).update(current_price=71100)
    assert Position.objects.get(pk=position.pk).current_price == 71100
