"""Mark-to-market: runs at the latest prices, and manual overrides via four-eyes approval.

Every run keeps which prices it used and where each came from (feed or manual, with its approval).
"""

from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from approvals.registry import Approvable
from approvals.services import approval_request_create
from audit.services import actor_name, event_record
from core.errors import Invalid

from .. import values
from ..actions import BookAction
from ..ledger import ledger_append_many
from ..models import CENT, LedgerKind, MtmRun, Position, Price
from ..selectors import latest_price, portfolio_state
from ..state import state_apply_mark
from .checks import stale_prices_hold
from .locks import lock_book_chain, lock_instruments, lock_positions
from .prices import approved_price_journal, price_rows_record


def mtm_run(*, actor, manual_prices: dict | None = None, reason: str = "", source: str = ""):
    """Mark the book at the latest usable prices, or request an approved override for manual prices.

    A run that would move unrealized P&L by more than BOOK_MTM_PNL_THRESHOLD_PCT of closed equity
    (seed 004: "unusual P&L moves (>5% daily)") is not applied: it waits for a second person.
    Returns the kept `MtmRun`, or the pending `ApprovalRequest` (an override, or a held run).
    """
    if manual_prices:
        return price_override_propose(actor=actor, manual_prices=manual_prices, reason=reason, source=source)
    with transaction.atomic():
        positions = lock_positions()
        prices = stale_prices_hold(actor=actor, prices=_prices_for({p.instrument.symbol for p in positions}, {}))
        change = pnl_change(positions, prices)
        if _beyond_threshold(change):
            return _mtm_hold(actor=actor, prices=prices, change=change)
        return _mark(actor=actor, positions=positions, prices=prices, approval_id=None)


def pnl_change(positions: list[Position], prices: dict[str, Price]) -> Decimal:
    """How much the run would move the book's unrealized P&L (unmarked positions counted from 0)."""
    change = Decimal("0.00")
    for position in positions:
        price = prices.get(position.instrument.symbol)
        if price is not None:
            change += position.pnl_at(price.price) - (position.unrealized_pnl or Decimal("0.00"))
    return change


def _threshold() -> Decimal:
    return Decimal(str(settings.BOOK_MTM_PNL_THRESHOLD_PCT))


def _beyond_threshold(change: Decimal) -> bool:
    """|change| above the threshold's share of closed equity; exactly at it is applied."""
    equity = portfolio_state()["closed_equity"]
    return abs(change) * 100 > _threshold() * abs(equity)


def _mtm_hold(*, actor, prices: dict[str, Price], change: Decimal):
    equity = portfolio_state()["closed_equity"]
    payload = {
        "prices": {symbol: price.pk for symbol, price in sorted(prices.items())},
        "used": {symbol: price_used(price) for symbol, price in sorted(prices.items())},
        "pnl_change": str(change),
        "closed_equity": str(equity),
        "threshold_pct": str(_threshold()),
    }
    pct = (change * 100 / equity).quantize(Decimal("0.01")) if equity else "∞"
    reason = f"The run would move unrealized P&L by {change} ({pct}% of closed equity; threshold {_threshold()}%)."
    return approval_request_create(
        actor=actor, action=MtmApproval.name, payload=payload, reason=reason, subject_type="book.mtm"
    )


def clean_manual_prices(manual_prices) -> dict[str, Decimal]:
    if not isinstance(manual_prices, dict) or not manual_prices:
        raise Invalid(
            "manual_prices must map instrument symbols to prices.",
            fields={"manual_prices": ['E.g. {"GOLD_MINI": 71450}.']},
        )
    cleaned = {}
    for symbol, price in manual_prices.items():
        instrument = values.instrument(symbol, field="manual_prices")
        cleaned[instrument.symbol] = values.positive_decimal(f"manual_prices.{symbol}", price)
    return cleaned


def price_override_propose(*, actor, manual_prices: dict, reason: str, source: str):
    prices = clean_manual_prices(manual_prices)
    if not str(reason or "").strip():
        raise Invalid("A manual price is an override: give the reason.", fields={"reason": ["Say why."]})
    if not str(source or "").strip():
        raise Invalid("Say where the correct price comes from.", fields={"source": ["E.g. Bloomberg, broker."]})
    previous = {symbol: _price_text(latest_price(symbol)) for symbol in prices}
    payload = {
        "manual_prices": {s: str(p) for s, p in prices.items()},
        "previous": previous,
        "source": str(source).strip()[:80],
    }
    return approval_request_create(
        actor=actor,
        action=PriceOverride.name,
        payload=payload,
        reason=reason,
        subject_type="book.mtm",
        subject_id=",".join(sorted(prices)),
    )


def _price_text(price: Price | None) -> str | None:
    return str(price.price) if price else None


def _prices_for(symbols, overrides: dict[str, Price]) -> dict[str, Price]:
    found = {}
    for symbol in symbols:
        price = overrides.get(symbol) or latest_price(symbol)
        if price is not None:
            found[symbol] = price
    return found


def price_used(price: Price) -> dict:
    """What a run keeps of each price: the value, which row, and where it came from."""
    return {
        "price": str(price.price),
        "price_id": price.pk,
        "source": price.source,
        "manual": price.manual,
        "approval_id": price.approval_id,
        "recorded_by": price.recorded_by,
        "as_of": price.as_of.isoformat(),
    }


def _mark(*, actor, positions: list[Position], prices: dict[str, Price], approval_id: int | None) -> MtmRun:
    """Mark every locked open position at its instrument's price; the run and one ledger entry each are kept."""
    lock_book_chain()  # before the MTM runs' and the ledger's chains (locks.py); approving took it already
    now = timezone.now()
    marked = [p for p in positions if p.instrument.symbol in prices]
    for position in marked:
        position.current_price = prices[position.instrument.symbol].price
        position.unrealized_pnl = position.pnl_at(position.current_price)
        position.marked_at = now
    Position.objects.bulk_update(marked, ["current_price", "unrealized_pnl", "marked_at"], batch_size=2000)
    run = MtmRun.objects.create(
        ran_at=now,
        ran_by=actor_name(actor),
        manual=any(p.manual for p in prices.values()),
        approval_id=approval_id,
        positions_marked=len(marked),
        unrealized_pnl=sum((p.unrealized_pnl for p in marked), Decimal("0")).quantize(CENT),
        prices={symbol: price_used(price) for symbol, price in prices.items()},
    )
    ledger_append_many(kind=LedgerKind.MARK, positions=marked, actor=actor, at=now, related={"mtm_run": run.pk})
    state_apply_mark()
    unpriced = sorted({p.instrument.symbol for p in positions} - set(prices))
    event_record(
        actor=actor,
        action=BookAction.MTM_RAN,
        subject_type="book.mtm_run",
        subject_id=run.pk,
        payload={
            "positions_marked": run.positions_marked,
            "prices": run.prices,
            "unpriced": unpriced,
            "approval": approval_id,
        },
    )
    return run


class PriceOverride(Approvable):
    """A manual mark-to-market price override (seed 004 scenario 4): the price, a run and the journal entry at once."""

    name = "book.price_override"
    label = "Manual mark-to-market price override"

    def validate(self, payload: dict) -> None:
        clean_manual_prices(payload.get("manual_prices"))

    def lock(self, request) -> list[Position]:
        lock_instruments(request.payload["manual_prices"])  # its manual prices supersede their exceptions
        positions = lock_positions()  # the run marks every position open now, and no later one
        lock_book_chain()
        return positions

    def execute(self, request, *, actor) -> dict:
        """Executor of an approved override: the price, the run, and the `mtm` journal entry, at once."""
        payload = request.payload
        prices = clean_manual_prices(payload["manual_prices"])
        source = f"manual override: {payload.get('source', '')}".strip()[:100]
        rows = price_rows_record(
            actor=actor,
            prices=[
                {"instrument": values.instrument(symbol), "price": price, "source": source, "as_of": None}
                for symbol, price in prices.items()
            ],
            recorded_by=actor_name(request.requested_by),
            approval_id=request.pk,
        )
        positions = request.locked  # locking positions opened since would follow the chains (locks.py)
        overrides = {row.instrument.symbol: row for row in rows}
        marks = _prices_for({p.instrument.symbol for p in positions}, overrides)
        run = _mark(actor=actor, positions=positions, prices=marks, approval_id=request.pk)
        lines = [
            f"MTM corrected for {symbol}. Previous price: {payload['previous'].get(symbol) or 'none'}. "
            f"Correct price: {price}. Source: {payload.get('source', '')}."
            for symbol, price in prices.items()
        ]
        entry = approved_price_journal(
            request,
            actor=actor,
            lines=lines,
            outcome=f", MTM run #{run.pk}.",
            tag="price-override",
            entry_type="correction",  # seed 004 scenario 4, step 3, as the runbook writes it
        )
        return {"mtm_run_id": run.pk, "journal_entry_id": entry.pk, "positions_marked": run.positions_marked}

    def describe(self, payload: dict) -> dict:
        prices = payload.get("manual_prices", {})
        diff = [
            {"field": f"{s} price", "wrong": payload.get("previous", {}).get(s) or "—", "right": p}
            for s, p in prices.items()
        ]
        affected = Position.objects.open().filter(instrument__symbol__in=list(prices)).count()
        return {
            "summary": f"Override the mark of {', '.join(prices)} (source: {payload.get('source', '')}).",
            "steps": [
                "Record the manual price (the previous price is kept).",
                f"Mark-to-market every open position ({affected} on these instruments) and keep the run.",
                "Write a journal entry of type correction with previous price, new price and source.",
            ],
            "diff": diff,
        }


class MtmApproval(Approvable):
    """A mark-to-market run that would move P&L beyond the threshold: applied, at the prices it found, once approved."""

    name = "book.mtm_run"
    label = "Mark-to-market run with an unusual P&L move"

    def validate(self, payload: dict) -> None:
        ids = payload.get("prices")
        if not isinstance(ids, dict) or not all(isinstance(pk, int) for pk in ids.values()):
            raise Invalid("prices must map symbols to price ids.", fields={"prices": ["Symbol → price id."]})

    def lock(self, request) -> list[Position]:
        positions = lock_positions()  # the run marks every position open now, and no later one
        lock_book_chain()
        return positions

    def execute(self, request, *, actor) -> dict:
        """Executor: mark the book now at exactly the prices the approver saw."""
        rows = Price.objects.select_related("instrument").in_bulk(list(request.payload["prices"].values()))
        prices = {row.instrument.symbol: row for row in rows.values()}
        run = _mark(actor=actor, positions=request.locked, prices=prices, approval_id=request.pk)
        return {"mtm_run_id": run.pk, "positions_marked": run.positions_marked}

    def describe(self, payload: dict) -> dict:
        used = payload.get("used", {})
        return {
            "summary": f"Mark the book at {len(used)} price(s): unrealized P&L moves by {payload.get('pnl_change')} "
            f"(threshold {payload.get('threshold_pct')}% of closed equity {payload.get('closed_equity')}).",
            "steps": [
                "Mark every open position at the prices below (not newer ones) and keep the run.",
                "Check each price against another source before approving.",
            ],
            "pnl_effect": payload.get("pnl_change"),
            "diff": [
                {"field": f"{symbol} price", "wrong": "—", "right": f"{p['price']} ({p['source']}, #{p['price_id']})"}
                for symbol, p in used.items()
            ],
        }
