"""Price checks: a market price marks the book only after it passed them (seed 004, scenario 4 "Prevention").

A feed's price is compared with the previous usable price (a move beyond the instrument's
tolerance), its age (older than BOOK_PRICE_MAX_AGE while positions are open) and another
feed's recent price of the same instrument (a disagreement beyond tolerance). A price that
fails is held: recorded as it came, never used by a mark-to-market run, and a price exception
is raised. A second source agreeing with it releases it; a manual price, approved by a
second person, replaces it. Every raise and clearance is audited.
"""

import datetime as dt

from django.conf import settings
from django.utils import timezone

from audit.services import actor_name, event_record

from ..actions import BookAction
from ..models import (
    ExceptionKind,
    ExceptionStatus,
    Position,
    Price,
    PriceCheck,
    PriceException,
    Resolution,
)


def max_age() -> dt.timedelta:
    return dt.timedelta(seconds=settings.BOOK_PRICE_MAX_AGE)


def is_stale(price: Price, now: dt.datetime) -> bool:
    return now - price.as_of > max_age()


def market_prices_check(*, actor, rows: list[Price]) -> list[PriceCheck]:
    """Check each newly recorded market price in order (inside the caller's transaction, which locked
    their instruments before any chain: one checker per instrument at a time)."""
    return [_check(actor=actor, row=row) for row in rows]


def _check(*, actor, row: Price) -> PriceCheck:
    now = timezone.now()
    earlier = Price.objects.usable().filter(instrument=row.instrument, pk__lt=row.pk).order_by("-as_of", "-id")
    confirmed = _confirmations(row)
    if confirmed:
        held = ", ".join(f"#{e.price_id} ({e.price.source})" for e in confirmed)
        results = [{"check": "sources", "ok": True, "detail": f"Agrees with held price {held}: confirms it."}]
    else:
        results = [_move(row, earlier.first()), _sources(row, earlier, now)]
    results.append(_fresh(row, now))
    check = PriceCheck.objects.create(price=row, checked_at=now, passed=all(r["ok"] for r in results), checks=results)
    for exception in confirmed:
        _clear(actor=actor, exception=exception, resolution=Resolution.CONFIRMED, by_price=row)
    if check.passed:
        for exception in PriceException.objects.open().filter(instrument=row.instrument, kind=ExceptionKind.STALE):
            _clear(actor=actor, exception=exception, resolution=Resolution.REFRESHED, by_price=row)
    else:
        failed = "; ".join(r["detail"] for r in results if not r["ok"])
        exception_raise(actor=actor, price=row, kind=ExceptionKind.CHECKS, detail=failed)
    return check


def _confirmations(row: Price) -> list[PriceException]:
    """Open exceptions of another source's held price that this price agrees with."""
    held = (
        PriceException.objects.open()
        .filter(instrument=row.instrument, kind=ExceptionKind.CHECKS)
        .exclude(price__source=row.source)
        .select_related("price")
    )
    return [e for e in held if not row.instrument.beyond_tolerance(row.price, e.price.price)]


def _move(row: Price, previous: Price | None) -> dict:
    tolerance = row.instrument.tolerance_pct()
    if previous is None:
        return {"check": "move", "ok": True, "detail": "First price of the instrument."}
    move = (row.price - previous.price) * 100 / previous.price
    ok = not row.instrument.beyond_tolerance(row.price, previous.price)
    detail = f"Moved {move:+.4f}% from {previous.price} (price #{previous.pk}); tolerance {tolerance}%."
    return {"check": "move", "ok": ok, "detail": detail}


def _sources(row: Price, earlier, now: dt.datetime) -> dict:
    other = earlier.exclude(source=row.source).filter(as_of__gte=now - max_age()).first()
    if other is None:
        return {"check": "sources", "ok": True, "detail": "No other source priced it recently."}
    ok = not row.instrument.beyond_tolerance(row.price, other.price)
    verb = "Agrees" if ok else "Disagrees"
    detail = (
        f"{verb} with {other.source}'s {other.price} (price #{other.pk}); tolerance {row.instrument.tolerance_pct()}%."
    )
    return {"check": "sources", "ok": ok, "detail": detail}


def _fresh(row: Price, now: dt.datetime) -> dict:
    if not is_stale(row, now):
        return {"check": "fresh", "ok": True, "detail": f"Observed within {max_age()}."}
    if not Position.objects.open().filter(instrument=row.instrument).exists():
        return {"check": "fresh", "ok": True, "detail": "Old, but no position is open on the instrument."}
    detail = f"Observed {row.as_of.isoformat()}, older than {max_age()} while positions are open."
    return {"check": "fresh", "ok": False, "detail": detail}


def manual_prices_checked(*, actor, rows: list[Price], approval_id: int) -> None:
    """An approved manual price passes as four eyes, and replaces every open exception of its instrument."""
    now = timezone.now()
    for row in rows:
        detail = f"Manual price, approved by a second person (approval #{approval_id})."
        PriceCheck.objects.create(
            price=row, checked_at=now, passed=True, checks=[{"check": "manual", "ok": True, "detail": detail}]
        )
        for exception in PriceException.objects.open().filter(instrument=row.instrument):
            _clear(
                actor=actor,
                exception=exception,
                resolution=Resolution.SUPERSEDED,
                by_price=row,
                approval_id=approval_id,
            )


def stale_prices_hold(*, actor, prices: dict[str, Price]) -> dict[str, Price]:
    """At a mark-to-market run: a price past its age is not used, and raises a stale exception once."""
    now = timezone.now()
    fresh = {}
    for symbol, price in prices.items():
        if not is_stale(price, now):
            fresh[symbol] = price
        elif not PriceException.objects.open().filter(price=price, kind=ExceptionKind.STALE).exists():
            detail = f"Latest usable price observed {price.as_of.isoformat()}, older than {max_age()}."
            exception_raise(actor=actor, price=price, kind=ExceptionKind.STALE, detail=detail)
    return fresh


def exception_raise(*, actor, price: Price, kind: str, detail: str) -> PriceException:
    exception = PriceException.objects.create(
        price=price, instrument=price.instrument, kind=kind, detail=detail, raised_at=timezone.now()
    )
    event_record(
        actor=actor,
        action=BookAction.PRICE_EXCEPTION_RAISED,
        subject_type="book.price_exception",
        subject_id=exception.pk,
        payload={"instrument": price.instrument.symbol, "price_id": price.pk, "kind": kind, "detail": detail},
    )
    return exception


def _clear(*, actor, exception: PriceException, resolution: str, by_price: Price, approval_id=None) -> None:
    exception.status = ExceptionStatus.CLEARED
    exception.resolution = resolution
    exception.cleared_at = timezone.now()
    exception.cleared_by = actor_name(actor)
    exception.cleared_by_price = by_price
    exception.approval_id = approval_id
    exception.save()
    event_record(
        actor=actor,
        action=BookAction.PRICE_EXCEPTION_CLEARED,
        subject_type="book.price_exception",
        subject_id=exception.pk,
        payload={"resolution": resolution, "by_price": by_price.pk, "approval": approval_id},
    )
