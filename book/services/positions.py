"""Opening and closing positions, and adding instruments: the book's basic writes."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from approvals.models import ApprovalRequest
from approvals.registry import Approvable
from approvals.services import approval_request_create
from audit.services import actor_name, event_record
from core.errors import Conflict, Invalid, NotFound

from .. import guards, values
from ..actions import BookAction
from ..ledger import ledger_append
from ..models import Instrument, LedgerKind, Position, PositionStatus, Price
from ..selectors import latest_price
from ..state import state_apply_close, state_apply_open
from .locks import lock_book_chain, lock_positions
from .marks import price_used


def instrument_create(
    *,
    actor,
    symbol: str,
    name: str,
    currency: str,
    point_value,
    margin_per_lot,
    asset_class: str = "",
    price_tolerance_pct=None,
) -> Instrument:
    symbol = str(symbol or "").strip().upper()
    if not symbol or len(symbol) > 40:
        raise Invalid("symbol is required (at most 40 characters).", fields={"symbol": ["Give a symbol."]})
    currency = str(currency or "").strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        raise Invalid(f"currency must be an ISO 4217 code, not {currency!r}.", fields={"currency": ["E.g. INR."]})
    point_value = values.positive_decimal("point_value", point_value)
    margin = values.positive_decimal("margin_per_lot", margin_per_lot, places=2, max_digits=24)
    tolerance = values.positive_decimal(
        "price_tolerance_pct", price_tolerance_pct, places=3, max_digits=7, required=False
    )
    with transaction.atomic():
        if Instrument.objects.filter(symbol=symbol).exists():
            raise Conflict(f"Instrument {symbol} already exists.", fields={"symbol": ["Already exists."]})
        instrument = Instrument.objects.create(
            symbol=symbol,
            name=str(name or symbol)[:200],
            currency=currency,
            point_value=point_value,
            margin_per_lot=margin,
            asset_class=str(asset_class or "")[:40],
            price_tolerance_pct=tolerance,
        )
        event_record(
            actor=actor,
            action=BookAction.INSTRUMENT_CREATED,
            subject_type="book.instrument",
            subject_id=instrument.pk,
            payload={
                "symbol": symbol,
                "point_value": point_value,
                "margin_per_lot": margin,
                "currency": currency,
                "price_tolerance_pct": tolerance,
            },
        )
    return instrument


FACT_CHECKS = {
    "instrument": values.instrument,
    "direction": values.direction,
    "size": lambda v: values.positive_decimal("size", v, places=4, max_digits=16),
    "entry_price": lambda v: values.positive_decimal("entry_price", v),
    "stop_price": lambda v: values.positive_decimal("stop_price", v, required=False),
}


def clean_facts(facts: dict) -> dict:
    """The recorded facts of a position to open, validated: instrument, direction, size, prices.

    Every fact is checked before refusing, so one answer names every wrong field (a form shows them together).
    """
    cleaned, refused = {}, []
    for name, check in FACT_CHECKS.items():
        try:
            cleaned[name] = check(facts.get(name))
        except Invalid as exc:
            refused.append(exc)
    if len(refused) == 1:
        raise refused[0]
    if refused:
        fields = {key: messages for exc in refused for key, messages in exc.fields.items()}
        raise Invalid(" ".join(exc.detail for exc in refused), fields=fields)
    return cleaned


def position_open(*, actor, instrument, direction, size, entry_price, stop_price=None, notes: str = "") -> Position:
    """Open a position after every guard of BOOK_OPEN_GUARDS (e.g. ops' trading halt) agreed."""
    facts = clean_facts(
        {
            "instrument": instrument,
            "direction": direction,
            "size": size,
            "entry_price": entry_price,
            "stop_price": stop_price,
        }
    )
    for guard in guards.open_guards():
        guard()
    with transaction.atomic():
        return open_recorded(actor=actor, facts=facts, notes=notes)


def open_recorded(
    *,
    actor,
    facts: dict,
    notes: str = "",
    kind: str = LedgerKind.OPEN,
    related=None,
    corrects: Position | None = None,
    mark: Decimal | None = None,
) -> Position:
    """Write an opened position with its ledger entry, state and audit (inside the caller's transaction).

    `mark`: the price it is marked at from its first moment (a correction's new leg takes the book's
    mark, so the book's P&L does not jump until the next mark-to-market run).
    """
    lock_book_chain()  # before the ledger's chain (locks.py); approving took it already
    now = timezone.now()
    position = Position(
        **facts, opened_at=now, opened_by=actor_name(actor), notes=str(notes or "")[:2000], corrects=corrects
    )
    if mark is not None:
        position.current_price, position.unrealized_pnl, position.marked_at = mark, position.pnl_at(mark), now
    position.save(force_insert=True)
    ledger_append(kind=kind, position=position, actor=actor, at=now, related=related)
    state_apply_open(position)
    event_record(
        actor=actor,
        action=BookAction.POSITION_OPENED,
        subject_type="book.position",
        subject_id=position.pk,
        payload={**_facts_payload(position), "corrects": corrects.pk if corrects else None, **(related or {})},
    )
    return position


def _facts_payload(position: Position) -> dict:
    return {
        "instrument": position.instrument.symbol,
        "direction": position.direction,
        "size": position.size,
        "entry_price": position.entry_price,
        "stop_price": position.stop_price,
    }


def locked_position(position_id) -> Position:
    """One position, locked as `lock_positions` locks it (not its instrument: locks.py's order)."""
    pk = values.position_id(position_id)
    position = next(iter(lock_positions([pk])), None)
    if position is None:
        raise NotFound(f"Position {pk} does not exist.")
    return position


def position_close(*, actor, position_id, exit_price, notes: str = "", reason: str = "") -> Position | ApprovalRequest:
    """Close at `exit_price`; an exit beyond the instrument's tolerance from the latest usable price is
    not a market close (seed 004's wrong-price risk), so it needs a reason and a second person (202).

    The reason is `reason`, else `notes` (seed 004 scenario 3's body carries it there).
    """
    exit_price = values.positive_decimal("exit_price", exit_price)
    with transaction.atomic():
        position = locked_position(position_id)
        market = latest_price(position.instrument.symbol)
        off_market = market is not None and position.instrument.beyond_tolerance(exit_price, market.price)
        if off_market and position.status == PositionStatus.OPEN:
            return _close_off_market_propose(
                actor=actor, position=position, exit_price=exit_price, market=market, reason=reason or notes
            )
        return close_recorded(actor=actor, position=position, exit_price=exit_price, notes=notes)


def _close_off_market_propose(*, actor, position: Position, exit_price: Decimal, market: Price, reason: str):
    if not str(reason or "").strip():
        raise Invalid(
            f"Exit price {exit_price} is more than {position.instrument.tolerance_pct()}% from the latest good price "
            f"{market.price} ({market.source}): give the reason; a second person approves this close.",
            fields={"reason": ["Say why the position closes away from the market."]},
        )
    if ApprovalRequest.objects.pending().filter(action=CloseOffMarket.name, subject_id=str(position.pk)).exists():
        raise Conflict(f"Position {position.pk} already has a close waiting for approval.")
    payload = {"position_id": position.pk, "exit_price": str(exit_price), "market": price_used(market)}
    return approval_request_create(
        actor=actor,
        action=CloseOffMarket.name,
        payload=payload,
        reason=reason,
        subject_type="book.position",
        subject_id=position.pk,
    )


def close_recorded(
    *, actor, position: Position, exit_price: Decimal, notes: str = "", kind: str = LedgerKind.CLOSE, related=None
) -> Position:
    """Close a locked position: realized P&L, ledger entry, state and audit (caller's transaction)."""
    if position.status == PositionStatus.CLOSED:
        raise Conflict(
            f"Position {position.pk} is already closed (at {position.exit_price} on {position.closed_at:%Y-%m-%d}).",
            extra={"status": position.status},
        )
    lock_book_chain()  # before the ledger's chain (locks.py); approving took it already
    now = timezone.now()
    position.status = PositionStatus.CLOSED
    position.exit_price = exit_price
    position.closed_at = now
    position.realized_pnl = position.pnl_at(exit_price)
    position.current_price, position.unrealized_pnl, position.marked_at = exit_price, Decimal("0.00"), now
    if notes:
        position.notes = f"{position.notes}\n{notes}".strip()[:4000]
    position.save()
    ledger_append(kind=kind, position=position, actor=actor, at=now, related=related)
    state_apply_close(position)
    event_record(
        actor=actor,
        action=BookAction.POSITION_CLOSED,
        subject_type="book.position",
        subject_id=position.pk,
        payload={"exit_price": exit_price, "realized_pnl": position.realized_pnl, "notes": notes, **(related or {})},
    )
    return position


class CloseOffMarket(Approvable):
    """A close whose exit price is beyond the tolerance from the latest good price: four eyes, like a correction."""

    name = "book.close_off_market"
    label = "Close away from the market price"

    def validate(self, payload: dict) -> None:
        values.position_id(payload.get("position_id"))
        values.positive_decimal("exit_price", payload.get("exit_price"))

    def lock(self, request) -> None:
        lock_positions([request.payload["position_id"]])
        lock_book_chain()

    def execute(self, request, *, actor) -> dict:
        """Executor: close at the approved exit price (fails, leaving nothing, if the position closed meanwhile)."""
        payload = request.payload
        position = locked_position(payload["position_id"])
        note = f"Closed away from the market ({payload['market']['price']}), approval #{request.pk}: {request.reason}"
        closed = close_recorded(
            actor=actor,
            position=position,
            exit_price=values.positive_decimal("exit_price", payload["exit_price"]),
            notes=note,
            related={"approval": request.pk},
        )
        return {"position_id": closed.pk, "realized_pnl": str(closed.realized_pnl)}

    def describe(self, payload: dict) -> dict:
        position = Position.objects.select_related("instrument").filter(pk=payload.get("position_id")).first()
        market = payload.get("market", {})
        pnl = position.pnl_at(Decimal(payload["exit_price"])) if position and position.status == "OPEN" else None
        return {
            "summary": f"Close position {payload.get('position_id')} at {payload.get('exit_price')}, away from the "
            f"latest good price {market.get('price')} ({market.get('source')}).",
            "steps": ["Close the position at the requested exit price.", "Record the realized P&L in the ledger."],
            "pnl_effect": str(pnl) if pnl is not None else None,
            "diff": [{"field": "Exit price", "wrong": market.get("price"), "right": payload.get("exit_price")}],
        }
