"""One reading of the dates and moments clients send, in query strings and bodies alike.

`2026-02-30`, an offset of `+25:00` or the year 0165 parse (or half-parse) with the
standard helpers and then fail deep inside a query or a timezone conversion as a 500. Here
they are refused up front with a message that says what to send.
"""

import datetime as dt

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

FIRST_YEAR, LAST_YEAR = 1900, 9998
HINT = "Use an ISO 8601 date or datetime, e.g. 2026-12-01 or 2026-12-01T09:30:00Z."
# The same range for the OpenAPI schema (a prefix of an ISO 8601 moment).
YEAR_PATTERN = r"^(19[0-9]{2}|[2-8][0-9]{3}|9[0-8][0-9]{2}|99[0-8][0-9]|999[0-8])-"
RANGE_HINT = f"Use a moment between the years {FIRST_YEAR} and {LAST_YEAR}."


def parse_moment(raw: str) -> dt.datetime | dt.date:
    """An aware datetime (ISO 8601), or a date for a bare YYYY-MM-DD; ValueError saying what to send."""
    raw = str(raw).strip()
    if "T" in raw:
        raw = raw.replace(" ", "+")  # a `+01:00` offset unescaped in a query string arrives as a space
    try:
        value = parse_datetime(raw) if ("T" in raw or " " in raw) else parse_date(raw)
    except ValueError:  # a well-formed but impossible date or offset
        value = None
    if value is None:
        raise ValueError(HINT)
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(RANGE_HINT)
    if isinstance(value, dt.datetime):
        # In UTC: PostgreSQL refuses offsets beyond ±15:59 that ISO 8601 (and Python) allow.
        value = timezone.make_aware(value) if timezone.is_naive(value) else value.astimezone(dt.UTC)
    return value


def parse_datetime_strict(raw: str, *, end_of_day: bool = False) -> dt.datetime:
    """Like `parse_moment`, a bare date meaning the start (or with `end_of_day`, the end) of that day."""
    value = parse_moment(raw)
    if isinstance(value, dt.datetime):
        return value
    return timezone.make_aware(dt.datetime.combine(value, dt.time.max if end_of_day else dt.time.min))
