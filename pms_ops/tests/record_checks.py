"""The invariants the stateful property test checks after every step: the record stays right.

Every chain verifies; every chained row read back hashes to its stored hash; the book equals a
replay of its ledger; and the book as of an earlier moment is what the book showed then.
"""

import datetime as dt
from decimal import Decimal

from audit.chain import chained_models, verify_all
from book import selectors
from book.models import LedgerEntry, LedgerKind, PortfolioState, Position, PositionStatus, starting_equity

View = tuple  # (status, current_price, unrealized_pnl, exit_price, realized_pnl) of one position


def chains_verify() -> None:
    broken = [report.broken for report in verify_all() if not report.ok]
    assert broken == [], f"chain broken: {broken}"


def rows_read_back_hash_as_stored(after: dict) -> None:
    """Re-hash the chained rows written since the last check (`after`: table -> highest id seen)."""
    for model in chained_models():
        table = model._meta.db_table
        for row in model.objects.filter(pk__gt=after.get(table, 0)).order_by("pk"):
            assert row.compute_hash() == row.hash, f"{table} row {row.pk}: {row.canonical_bytes()!r}"
            after[table] = row.pk


def view(position: Position) -> View:
    return (
        position.status,
        position.current_price,
        position.unrealized_pnl,
        position.exit_price,
        position.realized_pnl,
    )


def book_now() -> dict[int, View]:
    return {p.pk: view(p) for p in Position.objects.all()}


def book_as_of(moment: dt.datetime) -> dict[int, View]:
    return {p.pk: view(p) for p in selectors.apply_as_of(list(selectors.positions(as_of=moment)))}


def _replay() -> dict[int, dict]:
    """Each position's state rebuilt from its ledger entries alone, in chain order."""
    state: dict[int, dict] = {}
    for entry in LedgerEntry.objects.order_by("seq"):
        before = state.get(entry.position_id)
        if before is None:
            assert entry.kind in (LedgerKind.OPEN, LedgerKind.CORRECTION) and entry.status == PositionStatus.OPEN
        else:
            assert before["status"] == PositionStatus.OPEN, f"entry {entry.pk} follows the close of its position"
        state[entry.position_id] = {
            "status": entry.status,
            "price": entry.price,
            "unrealized_pnl": entry.unrealized_pnl,
            "realized_pnl": entry.realized_pnl,
        }
    return state


def book_equals_its_ledger_replayed() -> None:
    replayed = _replay()
    positions = {p.pk: p for p in Position.objects.select_related("instrument")}
    assert set(replayed) == set(positions)
    realized = Decimal("0.00")
    for pk, position in positions.items():
        closed = position.status == PositionStatus.CLOSED
        expected = replayed[pk]
        price = position.exit_price if closed else position.current_price
        unrealized = None if closed else position.unrealized_pnl
        assert (position.status, price, unrealized, position.realized_pnl) == (
            expected["status"],
            expected["price"],
            expected["unrealized_pnl"],
            expected["realized_pnl"],
        ), f"position {pk}"
        realized += position.realized_pnl if closed else 0
    _state_matches(positions.values(), realized)


def _state_matches(positions, realized: Decimal) -> None:
    state = PortfolioState.objects.filter(pk=1).first()
    if state is None:
        assert not positions
        return
    open_ = [p for p in positions if p.status == PositionStatus.OPEN]
    assert state.open_positions == len(open_)
    assert state.closed_equity == starting_equity() + realized
    assert state.margin_used == sum((p.margin() for p in open_), Decimal("0.00"))
    assert state.total_risk_amount == selectors.risk_recomputed()
