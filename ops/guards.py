"""The book's open guard registered by ops: no position opens while trading is halted."""

from core.errors import Conflict

from .selectors import trading_state


def refuse_when_halted() -> None:
    """Reads the database, not the cache: the guard must never let an open through a fresh halt."""
    state = trading_state()
    if not state["trading_enabled"]:
        raise Conflict(
            f"Trading is halted since {state['since']}: {state['reason']}. "
            "Resuming needs a four-eyes approval (POST /api/v1/ops/trading/resume).",
            code="trading_halted",
        )
