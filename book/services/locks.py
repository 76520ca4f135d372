"""Row locks of the book, always taken in one order (by primary key) and before any chain's lock.

A chain's lock is held to commit, so a writer that took one and then waited for a position
would deadlock with one holding the position and waiting for the chain. Services, and the
approvable actions' `lock` (approvals.registry.Approvable), take their rows from here first.
"""

from ..models import Instrument, Position


def lock_positions(ids: list | None = None) -> list[Position]:
    """Lock the positions with these ids, or every open position; in id order."""
    rows = Position.objects.open() if ids is None else Position.objects.filter(pk__in=ids)
    return list(rows.select_related("instrument").select_for_update(of=("self",)).order_by("pk"))


def lock_instruments(symbols) -> list[Instrument]:
    """Lock instruments by symbol (one price checker per instrument at a time); in id order."""
    return list(Instrument.objects.select_for_update().filter(symbol__in=sorted(set(symbols))).order_by("pk"))
