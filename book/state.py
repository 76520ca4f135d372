"""The persisted portfolio state (one row), moved in the same transaction as the book.

Opens and closes apply their delta to the locked row, so `risk_validation` comparing the
stored total with one recomputed from open positions detects a partial or lost write.
"""

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import PortfolioState, Position, starting_equity


def state_locked() -> PortfolioState:
    """The row, locked until the end of the transaction; created on first use."""
    state = PortfolioState.objects.select_for_update().filter(pk=1).first()
    if state is not None:
        return state
    try:
        with transaction.atomic():
            PortfolioState.objects.create(pk=1, closed_equity=starting_equity(), updated_at=timezone.now())
    except IntegrityError:  # another writer created it first
        pass
    return PortfolioState.objects.select_for_update().get(pk=1)


def _save(state: PortfolioState) -> None:
    state.updated_at = timezone.now()
    state.save()


def _apply(**deltas) -> None:
    """Add the deltas in one UPDATE, which locks the row to commit as `state_locked` does (no read first)."""
    moved = {name: F(name) + delta for name, delta in deltas.items()}
    if not PortfolioState.objects.filter(pk=1).update(updated_at=timezone.now(), **moved):
        state_locked()  # first use: create the row, then move it
        PortfolioState.objects.filter(pk=1).update(updated_at=timezone.now(), **moved)


def state_apply_open(position: Position) -> None:
    _apply(open_positions=1, total_risk_amount=position.risk_amount(), margin_used=position.margin())


def state_apply_close(position: Position) -> None:
    _apply(
        open_positions=-1,
        total_risk_amount=-position.risk_amount(),
        margin_used=-position.margin(),
        closed_equity=position.realized_pnl or Decimal("0"),
    )


def state_apply_mark() -> None:
    _save(state_locked())
