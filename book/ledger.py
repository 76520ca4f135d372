"""Appending the book ledger: one hash-chained entry per open, close, mark and correction.

Each entry carries the position's changing state right after the event, so the state at T
is the newest entry at or before T. A mark-to-market over thousands of positions appends
its entries in one bulk insert with the chain links computed here (the chain lock is held).
"""

from django.utils import timezone

from audit import chain
from audit.canonical import normalize
from audit.services import actor_name

from .models import LedgerEntry, Position, PositionStatus


def _values(kind: str, position: Position, actor, at, related: dict | None) -> dict:
    closed = position.status == PositionStatus.CLOSED
    return {
        "kind": kind,
        "position": position,
        "recorded_at": at or timezone.now(),
        "actor": actor_name(actor),
        "status": position.status,
        "price": position.exit_price if closed else position.current_price,
        "unrealized_pnl": None if closed else position.unrealized_pnl,
        "realized_pnl": position.realized_pnl,
        "related": normalize(related or {}),
    }


def ledger_append(*, kind: str, position: Position, actor, at=None, related: dict | None = None) -> LedgerEntry:
    return chain.append(LedgerEntry, **_values(kind, position, actor, at, related))


def ledger_append_many(*, kind: str, positions: list[Position], actor, at, related: dict | None = None) -> int:
    """One entry per position, linked in order, inserted at once (inside the caller's transaction)."""
    if not positions:
        return 0
    chain.lock_chain(LedgerEntry, LedgerEntry.DEFAULT_CHAIN)
    seq, prev_hash = chain.head(LedgerEntry, LedgerEntry.DEFAULT_CHAIN)
    rows = []
    for position in positions:
        seq += 1
        row = chain.seal(
            LedgerEntry(
                chain=LedgerEntry.DEFAULT_CHAIN,
                seq=seq,
                prev_hash=prev_hash,
                **_values(kind, position, actor, at, related),
            )
        )
        prev_hash = row.hash
        rows.append(row)
    LedgerEntry.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
