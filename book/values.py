"""Turning client input into the book's values, with errors that name the field and say how to fix it."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from core.errors import Invalid

from .models import Direction, Instrument


def positive_decimal(field: str, value, *, places: int = 6, max_digits: int = 20, required: bool = True):
    """A Decimal > 0 within the column's precision; None only when not required."""
    if value is None or value == "":
        if required:
            raise Invalid(f"{field} is required.", fields={field: ["This field is required."]})
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        raise Invalid(f"{field} must be a number.", fields={field: ["A valid number is required."]})
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise Invalid(
            f"{field} must be a number, not {value!r}.", fields={field: ["A valid number is required."]}
        ) from None
    if not number.is_finite():
        raise Invalid(f"{field} must be a finite number.", fields={field: ["A valid number is required."]})
    if number <= 0:
        raise Invalid(f"{field} must be greater than 0 (got {number}).", fields={field: ["Must be greater than 0."]})
    if number != number.quantize(Decimal(1).scaleb(-places)) or number.adjusted() >= max_digits - places:
        raise Invalid(
            f"{field} has too many digits: at most {max_digits - places} before and {places} after the point.",
            fields={field: [f"At most {places} decimal places."]},
        )
    return number


def direction(value) -> str:
    text = str(value or "").strip().upper()
    if text not in Direction.values:
        raise Invalid(
            f"Unknown direction {value!r}; use LONG or SHORT.",
            fields={"direction": ["Use LONG or SHORT."]},
        )
    return text


def instrument(value, field: str = "instrument") -> Instrument:
    """By symbol (what clients send) or by primary key."""
    if isinstance(value, Instrument):
        return value
    symbol = str(value or "").strip()
    found = Instrument.objects.filter(symbol=symbol).first()
    if found is None and symbol.isdigit():
        found = Instrument.objects.filter(pk=int(symbol)).first()
    if found is None:
        known = ", ".join(Instrument.objects.values_list("symbol", flat=True)[:20]) or "none yet"
        raise Invalid(
            f"Unknown instrument {symbol!r}; known symbols: {known}.",
            fields={field: ["Unknown instrument."]},
        )
    return found


def position_id(value) -> int:
    if isinstance(value, bool) or not str(value).strip().isdigit():
        raise Invalid(f"position_id must be a position id, not {value!r}.", fields={"position_id": ["Not an id."]})
    return int(str(value).strip())


def moment(field: str, value, *, default_now: bool = True) -> dt.datetime:
    """An aware datetime, not in the future."""
    if value in (None, ""):
        if default_now:
            return timezone.now()
        raise Invalid(f"{field} is required.", fields={field: ["This field is required."]})
    parsed = value if isinstance(value, dt.datetime) else parse_datetime(str(value))
    if parsed is None:
        raise Invalid(
            f"{field} is not an ISO 8601 date-time: {value!r}.",
            fields={field: ["Use ISO 8601, e.g. 2026-03-02T16:00:00Z."]},
        )
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, dt.UTC)
    if parsed > timezone.now() + dt.timedelta(seconds=5):
        raise Invalid(f"{field} is in the future.", fields={field: ["Cannot be in the future."]})
    return parsed
