"""Reads of reconciliation: the book's holdings per instrument as of a moment, breaks for lists."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from book import selectors as book_selectors
from book.models import PositionStatus

from .models import Break

PRICE_PLACES = Decimal("0.000001")


@dataclass
class Holding:
    """What the book held of one instrument: the net side and size, the average entry of that side."""

    long: Decimal = Decimal(0)
    short: Decimal = Decimal(0)
    cost: dict = field(default_factory=lambda: {"LONG": Decimal(0), "SHORT": Decimal(0)})
    positions: list = field(default_factory=list)

    @property
    def net(self) -> Decimal:
        return self.long - self.short

    @property
    def direction(self) -> str:
        return "LONG" if self.net > 0 else "SHORT"

    @property
    def quantity(self) -> Decimal:
        return abs(self.net)

    @property
    def average_price(self) -> Decimal:
        side = self.long if self.direction == "LONG" else self.short
        return (self.cost[self.direction] / side).quantize(PRICE_PLACES)

    def as_json(self) -> dict:
        flat = self.net == 0
        return {
            "direction": None if flat else self.direction,
            "quantity": str(self.quantity),
            "average_price": None if flat else str(self.average_price),
            "positions": self.positions,
        }


def book_as_of(as_of: dt.datetime) -> dict[str, Holding]:
    """Open positions at `as_of` (from the ledger, as the book's as-of view rebuilds them), per instrument."""
    rows = book_selectors.positions(status=PositionStatus.OPEN, as_of=as_of).values_list(
        "pk", "instrument__symbol", "direction", "size", "entry_price"
    )
    holdings: dict[str, Holding] = defaultdict(Holding)
    for pk, symbol, direction, size, entry in rows.order_by("pk").iterator(chunk_size=5000):
        holding = holdings[symbol]
        if direction == "LONG":
            holding.long += size
        else:
            holding.short += size
        holding.cost[direction] += size * entry
        holding.positions.append(pk)
    return dict(holdings)


def breaks(*, status: str | None = None, kind: str | None = None, instrument: str | None = None, run=None):
    qs = Break.objects.select_related("run").order_by("-pk")
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if instrument:
        qs = qs.filter(instrument=instrument.upper())
    if run:
        qs = qs.filter(run_id=run)
    return qs
