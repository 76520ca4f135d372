"""The comparison itself: the broker's lines against the book's holdings, as pure data.

Kept apart from the write path so that the rule "a difference beyond tolerance is a break"
reads in one place, and so that its boundaries (exactly at tolerance: no break; one tick
past: a break) are tested without a database.
"""

from dataclasses import dataclass
from decimal import Decimal

from .models import BreakKind
from .selectors import Holding
from .statements import Line


@dataclass(frozen=True)
class Tolerances:
    quantity: Decimal  # lots
    price_pct: Decimal  # of the book's average price

    def as_json(self) -> dict:
        return {"quantity": str(self.quantity), "price_pct": str(self.price_pct)}


@dataclass(frozen=True)
class Difference:
    instrument: str
    kind: str
    book: dict
    broker: dict


def differences(lines: list[Line], holdings: dict[str, Holding], tolerances: Tolerances) -> tuple[int, list]:
    """(instruments compared, the differences beyond tolerance), instrument by instrument."""
    at_broker = {line.instrument: line for line in lines}
    held = {symbol: h for symbol, h in holdings.items() if h.net != 0}
    found = []
    symbols = sorted(at_broker.keys() | held.keys())
    for symbol in symbols:
        line, holding = at_broker.get(symbol), held.get(symbol)
        book = holding.as_json() if holding else {"direction": None, "quantity": "0", "positions": []}
        broker = _broker(line)
        found += [Difference(symbol, kind, book, broker) for kind in _kinds(line, holding, tolerances)]
    return len(symbols), found


def _broker(line: Line | None) -> dict:
    if line is None:
        return {"direction": None, "quantity": "0"}
    return {
        "line": line.number,
        "direction": line.direction,
        "quantity": str(line.quantity),
        "average_price": str(line.average_price),
    }


def _kinds(line: Line | None, holding: Holding | None, tolerances: Tolerances) -> list[str]:
    if holding is None:
        return [BreakKind.MISSING_IN_BOOK]
    if line is None:
        return [BreakKind.MISSING_AT_BROKER]
    if line.direction != holding.direction:
        return [BreakKind.DIRECTION]
    kinds = []
    if abs(line.quantity - holding.quantity) > tolerances.quantity:
        kinds.append(BreakKind.QUANTITY)
    book_price = holding.average_price
    if abs(line.average_price - book_price) > book_price * tolerances.price_pct / 100:
        kinds.append(BreakKind.PRICE)
    return kinds
