"""Reads of the book: prices, the portfolio state (read by ops' probes), positions now and as of a moment."""

import datetime as dt
from decimal import Decimal

from django.db.models import OuterRef, Q, QuerySet, Subquery

from approvals.models import ApprovalRequest
from approvals.models import Status as ApprovalStatus

from .models import CENT, LedgerEntry, PortfolioState, Position, PositionStatus, Price, starting_equity


def latest_price(symbol: str) -> Price | None:
    """The newest usable price (by as_of, then id): a held price never marks the book."""
    return Price.objects.usable().filter(instrument__symbol=symbol).order_by("-as_of", "-id").first()


def prices():
    """Prices newest first with their checks and exceptions, for lists."""
    return Price.objects.select_related("instrument", "checked").prefetch_related("exceptions").order_by("-pk")


def closing_plan(positions: list[Position]) -> list[dict]:
    """Each open position with the price it would close at now (its instrument's latest price, else its
    last mark) and the P&L that books: the close-all preview and the close page's suggested price."""
    prices: dict[str, Decimal | None] = {}
    plan = []
    for position in positions:
        symbol = position.instrument.symbol
        if symbol not in prices:
            latest = latest_price(symbol)
            prices[symbol] = latest.price if latest else None
        price = prices[symbol] or position.current_price
        pnl = position.pnl_at(price) if price is not None else None
        plan.append({"position": position, "price": price, "realized_pnl": pnl})
    return plan


def plan_total(plan: list[dict]) -> Decimal:
    """The realized P&L a closing plan books, over the positions that have a price."""
    return sum((row["realized_pnl"] for row in plan if row["realized_pnl"] is not None), Decimal("0")).quantize(CENT)


def _stored_state() -> PortfolioState:
    """The persisted row, or the empty book's state before anything was ever written."""
    return PortfolioState.objects.filter(pk=1).first() or PortfolioState(
        closed_equity=starting_equity(), updated_at=None
    )


def portfolio_state() -> dict:
    """The keys ops and the dashboard read (docs/book.md, "Integration"): open_positions, closed_equity,
    total_risk_amount, margin_used, risk_pct."""
    state = _stored_state()
    return {
        "open_positions": state.open_positions,
        "closed_equity": state.closed_equity,
        "total_risk_amount": state.total_risk_amount,
        "margin_used": state.margin_used,
        "risk_pct": state.risk_pct,
        "updated_at": state.updated_at,
    }


def risk_recomputed() -> Decimal:
    """Total risk from the open positions themselves, rounded per position as the state is."""
    total = Decimal("0.00")
    rows = (
        Position.objects.open()
        .exclude(stop_price=None)
        .values_list("entry_price", "stop_price", "size", "instrument__point_value")
    )
    for entry, stop, size, point_value in rows.iterator(chunk_size=5000):
        total += (abs(entry - stop) * size * point_value).quantize(CENT)
    return total


def risk_validation() -> tuple[Decimal, Decimal]:
    """(stored total risk, recomputed total risk): seed 000's VALIDATION_FAILED when they differ."""
    return _stored_state().total_risk_amount, risk_recomputed()


def corrupt_positions() -> list[dict]:
    """Seed 000's DATA_CORRUPT query; the database constraints keep it empty."""
    rows = Position.objects.filter(Q(entry_price__isnull=True) | Q(size__isnull=True) | Q(size__lte=0))
    result = []
    for position in rows.select_related("instrument"):
        problem = "missing entry_price" if position.entry_price is None else "size missing or <= 0"
        result.append({"id": position.pk, "instrument": position.instrument.symbol, "problem": problem})
    return result


def positions(*, status: str | None = None, instrument: str | None = None, as_of: dt.datetime | None = None):
    """Positions newest first; with `as_of`, those opened by then, annotated with their ledger state then."""
    qs = Position.objects.select_related("instrument").order_by("-pk")
    if instrument:
        qs = qs.for_instrument(instrument)
    if as_of is None:
        return qs.filter(status=status) if status else qs
    qs = qs.filter(opened_at__lte=as_of).annotate(as_of_entry=Subquery(_entry_at(as_of).values("pk")[:1]))
    if status:
        qs = qs.annotate(as_of_status=Subquery(_entry_at(as_of).values("status")[:1])).filter(as_of_status=status)
    return qs


def _entry_at(as_of) -> QuerySet:
    return LedgerEntry.objects.filter(position=OuterRef("pk"), recorded_at__lte=as_of).order_by("-recorded_at", "-id")


def apply_as_of(page: list[Position]) -> list[Position]:
    """Replace each position's changing state by its ledger state (positions from `positions(as_of=…)`)."""
    ids = [p.as_of_entry for p in page if getattr(p, "as_of_entry", None)]
    entries = {e.pk: e for e in LedgerEntry.objects.filter(pk__in=ids)}
    for position in page:
        entry = entries.get(position.as_of_entry)
        if entry is not None:
            _overlay(position, entry)
    return page


def _overlay(position: Position, entry: LedgerEntry) -> None:
    closed = entry.status == PositionStatus.CLOSED
    position.status = entry.status
    position.current_price = entry.price
    position.unrealized_pnl = Decimal("0.00") if closed else entry.unrealized_pnl
    position.marked_at = entry.recorded_at if entry.price is not None else None
    position.exit_price = entry.price if closed else None
    position.realized_pnl = entry.realized_pnl if closed else None
    position.closed_at = position.closed_at if closed else None


def totals(rows: list[Position]) -> dict:
    """Sums for the position book page (its rows, in the book's currency)."""
    return {
        "unrealized_pnl": sum((p.unrealized_pnl or 0 for p in rows if p.status == "OPEN"), Decimal("0.00")),
        "realized_pnl": sum((p.realized_pnl or 0 for p in rows if p.status == "CLOSED"), Decimal("0.00")),
        "open": sum(1 for p in rows if p.status == "OPEN"),
        "closed": sum(1 for p in rows if p.status == "CLOSED"),
    }


def plain(value):
    """A JSON-ready value: decimals as exact strings, moments as UTC ISO 8601."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return value


def pending_corrections(position_ids) -> dict[int, int]:
    """{position id: its pending correction request}: the book flags those rows and offers no second one."""
    from .services.corrections import SUBJECT, Correction  # here: services import this module

    ids = [str(i) for i in position_ids]
    pending = ApprovalRequest.objects.filter(
        action=Correction.name, subject_type=SUBJECT, status=ApprovalStatus.PENDING, subject_id__in=ids
    )
    return {int(subject): pk for subject, pk in pending.values_list("subject_id", "pk")}
