"""The persisted portfolio state (one row), moved in the same transaction as the book.

Opens and closes apply their delta to the locked row, so `risk_validation` comparing the
stored total with one recomputed from open positions detects a partial or lost write.
"""

from decimal import Decimal

from django.db import IntegrityError, transaction
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


def state_apply_open(position: Position) -> None:
    state = state_locked()
    state.open_positions += 1
    state.total_risk_amount += position.risk_amount()
    state.margin_used += position.margin()
    _save(state)


def state_apply_close(position: Position) -> None:
    state = state_locked()
    state.open_positions -= 1
    state.total_risk_amount -= position.risk_amount()
    state.margin_used -= position.margin()
    state.closed_equity += position.realized_pnl or Decimal("0")
    _save(state)


def state_apply_mark() -> None:
    _save(state_locked())
