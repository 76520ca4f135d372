"""Prices: a price feed's are market prices at once; a person's are manual prices, four eyes first.

Seed 004's scenario 4 is the reason: a person who can type the price can move the marks,
so a typed price exists (and can be used by a mark-to-market run) only once a second
person approved it, and its approval writes the journal entry.
"""

from django.db import transaction
from django.utils import timezone

from approvals.models import ApprovalRequest
from approvals.registry import Approvable
from approvals.services import approval_request_create
from audit.services import actor_name, event_record
from core.errors import Invalid
from core.roles import is_price_feed
from journal.services import journal_entry_add

from .. import values
from ..actions import BookAction
from ..models import Position, Price, PriceException
from ..selectors import latest_price
from .checks import manual_prices_checked, market_prices_check
from .locks import lock_book_chain, lock_instruments

MAX_PRICES = 1000


def prices_record(*, actor, prices: list[dict], reason: str = "") -> list[Price] | ApprovalRequest:
    """A feed's prices are recorded at once; a person's become a pending manual-price request."""
    cleaned = clean_prices(prices)
    if not is_price_feed(actor):
        return manual_price_propose(actor=actor, prices=cleaned, reason=reason)
    with transaction.atomic():
        lock_instruments(item["instrument"].symbol for item in cleaned)  # before any chain (locks.py)
        rows = price_rows_record(actor=actor, prices=cleaned, recorded_by=actor_name(actor))
        market_prices_check(actor=actor, rows=rows)
        return rows


def clean_prices(prices) -> list[dict]:
    if not isinstance(prices, list) or not prices:
        raise Invalid("Send at least one price.", fields={"prices": ["A non-empty list is required."]})
    if len(prices) > MAX_PRICES:
        raise Invalid(f"At most {MAX_PRICES} prices per request.", fields={"prices": ["Too many."]})
    return [_clean_price(item, i) for i, item in enumerate(prices)]


def _clean_price(item, index: int) -> dict:
    if not isinstance(item, dict):
        raise Invalid(f"Price {index} must be an object.", fields={f"prices[{index}]": ["Not an object."]})
    source = str(item.get("source") or "").strip()
    if not source:
        raise Invalid(f"Price {index} needs a source.", fields={"source": ["Say where the price comes from."]})
    return {
        "instrument": values.instrument(item.get("instrument")),
        "price": values.positive_decimal("price", item.get("price")),
        "source": source[:100],
        "as_of": values.moment("as_of", item.get("as_of")) if item.get("as_of") not in (None, "") else None,
    }


def price_rows_record(*, actor, prices: list[dict], recorded_by: str, approval_id: int | None = None) -> list[Price]:
    """Store cleaned prices and audit them (inside the caller's transaction); as_of defaults to now.

    An approved manual price (`approval_id`) passes as four eyes and clears its instruments' exceptions;
    the caller locked the instruments and checks a feed's prices (`market_prices_check`).
    """
    lock_book_chain()  # before the prices' chain (locks.py); approving took it already
    now = timezone.now()
    rows = Price.objects.bulk_create(
        [
            Price(
                instrument=item["instrument"],
                price=item["price"],
                source=item["source"],
                as_of=item["as_of"] or now,
                recorded_at=now,
                recorded_by=recorded_by,
                manual=approval_id is not None,
                approval_id=approval_id,
            )
            for item in prices
        ]
    )
    event_record(
        actor=actor,
        action=BookAction.PRICES_RECORDED,
        subject_type="book.price",
        payload={
            "count": len(rows),
            "prices": {p.instrument.symbol: p.price for p in rows},
            "price_ids": [p.pk for p in rows],
            "manual": approval_id is not None,
            "approval": approval_id,
        },
    )
    if approval_id is not None:
        manual_prices_checked(actor=actor, rows=rows, approval_id=approval_id)
    return rows


def manual_price_propose(*, actor, prices: list[dict], reason: str) -> ApprovalRequest:
    """A price typed by a person: nothing is recorded until a second person approves."""
    if not str(reason or "").strip():
        raise Invalid(
            "A price typed by a person is a manual price: give the reason (a second person approves it).",
            fields={"reason": ["Say why the feed's price is not used."]},
        )
    symbols = sorted({item["instrument"].symbol for item in prices})
    payload = {
        "prices": [
            {
                "instrument": item["instrument"].symbol,
                "price": str(item["price"]),
                "source": item["source"],
                "as_of": item["as_of"].isoformat() if item["as_of"] else None,
            }
            for item in prices
        ],
        "previous": {symbol: _price_text(latest_price(symbol)) for symbol in symbols},
    }
    return approval_request_create(
        actor=actor,
        action=ManualPrice.name,
        payload=payload,
        reason=reason,
        subject_type="book.price",
        subject_id=",".join(symbols)[:64],
    )


def _price_text(price: Price | None) -> str | None:
    return str(price.price) if price else None


def approved_price_journal(
    request: ApprovalRequest, *, actor, lines: list[str], outcome: str, tag: str, entry_type: str = "mtm"
):
    """The system's journal entry of an approved manual price (`mtm`) or MTM override (seed 004's
    `correction`): what, why, who approved."""
    approved = f"Approved by {actor_name(actor)} (approval #{request.pk}){outcome}"
    return journal_entry_add(
        author=request.requested_by,
        entry_type=entry_type,
        content="\n".join([*lines, f"Reason: {request.reason}", approved]),
        links=[("approval", request.pk)],
        tags=["mtm", tag],
        system=True,
    )


class ManualPrice(Approvable):
    """A price typed by a person: recorded, with its journal entry, only once a second person approves."""

    name = "book.manual_price"
    label = "Manual market price (typed by a person)"

    def validate(self, payload: dict) -> None:
        clean_prices(payload.get("prices"))

    def lock(self, request) -> None:
        lock_instruments(item["instrument"] for item in request.payload["prices"])
        lock_book_chain()

    def execute(self, request, *, actor) -> dict:
        """Executor of an approved manual price: the prices, their audit event and the `mtm` journal entry."""
        prices = clean_prices(request.payload["prices"])
        # The price it replaces now, which a feed may have moved since the request.
        previous = {p["instrument"].symbol: _price_text(latest_price(p["instrument"].symbol)) for p in prices}
        rows = price_rows_record(
            actor=actor, prices=prices, recorded_by=actor_name(request.requested_by), approval_id=request.pk
        )
        lines = [
            f"Manual price for {p.instrument.symbol}: {p.price} "
            f"(previous: {previous.get(p.instrument.symbol) or 'none'}). Source: {p.source}."
            for p in rows
        ]
        entry = approved_price_journal(
            request, actor=actor, lines=lines, outcome="; used by the next mark-to-market run.", tag="manual-price"
        )
        return {"price_ids": [p.pk for p in rows], "journal_entry_id": entry.pk}

    def describe(self, payload: dict) -> dict:
        prices = payload.get("prices", [])
        symbols = sorted({p["instrument"] for p in prices})
        diff = [
            {
                "field": f"{p['instrument']} price",
                "wrong": payload.get("previous", {}).get(p["instrument"]) or "—",
                "right": f"{p['price']} ({p['source']})",
            }
            for p in prices
        ]
        affected = Position.objects.open().filter(instrument__symbol__in=symbols).count()
        held = PriceException.objects.open().filter(instrument__symbol__in=symbols).count()
        return {
            "summary": f"Record a manual price for {', '.join(symbols)} (typed by a person, not from a price feed).",
            "steps": [
                "Record the manual price (the previous price is kept).",
                f"The next mark-to-market run uses it for {affected} open position(s) on these instruments.",
                "Write a journal entry of type mtm with previous price, new price, source and reason.",
                f"Clear the {held} open price exception(s) of these instruments (held prices stay unused).",
            ],
            "diff": diff,
        }
