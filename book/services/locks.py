"""The book's one lock order: instruments, then positions, then chains (the book's audit chain first).

A chain's lock (an advisory lock, audit/chain.py) is held to commit, so a writer that appended to
a chain and then waited for a row deadlocks with one holding that row and waiting for the chain;
two writers taking two chains in opposite orders deadlock the same way. So every book write, and
every book action's `Approvable.lock` (approving appends to the approvals chains before `execute`
runs), takes, before its first chain:

1. the instruments it serializes on (`lock_instruments`), in id order;
2. the positions it changes (`lock_positions`, `locked_position`), in id order;
3. the book's audit chain (`lock_book_chain`); every other chain of the book (prices, price
   checks, MTM runs, ledger) and later ones (journal, approvals) only under it.

Row locks are FOR NO KEY UPDATE, the weakest that still serializes the writers of a row (it conflicts
with itself, with FOR UPDATE and with an UPDATE) and the mode PostgreSQL takes for an UPDATE anyway.
It does not conflict with FOR KEY SHARE, which an insert referencing the row (a position or price of
an instrument, a ledger entry of a position) takes implicitly: such writers never wait for a locked
instrument, so they need not lock it first, and nothing here takes FOR UPDATE (a `select_related`
under `select_for_update` must say `of=("self",)`, or it locks the joined instrument FOR UPDATE).
"""

from audit import chain
from audit.models import Event

from ..models import Instrument, Position


def lock_instruments(symbols) -> list[Instrument]:
    """Lock instruments by symbol (one price checker per instrument at a time); in id order."""
    rows = Instrument.objects.filter(symbol__in=sorted(set(symbols))).order_by("pk")
    return list(rows.select_for_update(no_key=True))


def lock_positions(ids: list | None = None) -> list[Position]:
    """Lock the positions with these ids, or every open position; in id order, not their instruments."""
    rows = Position.objects.open() if ids is None else Position.objects.filter(pk__in=ids)
    return list(rows.select_related("instrument").select_for_update(no_key=True, of=("self",)).order_by("pk"))


def lock_book_chain() -> None:
    """The book's audit chain, after the rows and before any other chain: every book write appends to it,
    so the writers that hold it never meet another's chains in the opposite order (held to commit)."""
    chain.lock_chain(Event, "book")
