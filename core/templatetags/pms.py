"""`{% load pms %}`: how every page shows a moment, money, a number, a duration.

Moments in the user's timezone with its abbreviation and the UTC instant on hover; money
with its currency; numbers with thousands separators at their stored precision (or the
places asked for). A missing value is always EMPTY, and a zero never shows a sign.
"""

import datetime as dt
import re
from decimal import Decimal

from django import template
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import format_html
from django.utils.safestring import SafeString

from core.roles import page_allows

register = template.Library()

EMPTY = "—"
_NUMERIC = re.compile(r"-?\d+(\.\d+)?")


def _decimal(value) -> Decimal:
    amount = Decimal(str(value))
    return abs(amount) if amount.is_zero() else amount  # -0.00 shows as 0.00


@register.filter
def when(value: dt.datetime | None) -> SafeString | str:
    """`<time>` in the user's timezone with its abbreviation; the UTC instant in the tooltip."""
    if not value:
        return EMPTY
    utc = value.astimezone(dt.UTC)
    return format_html(
        '<time datetime="{}" title="{} UTC">{}</time>',
        utc.isoformat(),
        utc.strftime("%Y-%m-%d %H:%M:%S"),
        timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S %Z"),
    )


@register.filter
def moment(value) -> dt.datetime | None:
    """An ISO 8601 text (as previews and payloads keep moments) as a datetime, for `when` and `timesince`."""
    if isinstance(value, dt.datetime) or not value:
        return value or None
    return parse_datetime(str(value))


@register.filter
def money(value, currency: str = "") -> str:
    """1,234,567.89 INR."""
    if value is None or value == "":
        return EMPTY
    return f"{_decimal(value).quantize(Decimal('0.01')):,f} {currency}".strip()


@register.filter
def number(value, places: int | str | None = None) -> str:
    """71000.500000 → 71,000.5 (the digits that matter); `number:2` → 71,000.50."""
    if value is None or value == "":
        return EMPTY
    amount = _decimal(value)
    if places in (None, ""):
        return f"{_decimal(amount.normalize()):,f}"
    return f"{amount.quantize(Decimal(1).scaleb(-int(places))):,f}"


@register.filter
def pnl(value, currency: str = "") -> SafeString | str:
    """Money coloured by its sign: a gain green with a plus, a loss red, zero plain."""
    if value is None or value == "":
        return EMPTY
    amount = _decimal(value)
    sign = "up" if amount > 0 else "down" if amount < 0 else "flat"
    shown = ("+" if amount > 0 else "") + money(amount, currency)
    return format_html('<span class="pms-money pms-pnl-{}">{}</span>', sign, shown)


@register.filter
def fact(value) -> str:
    """A recorded fact as people read it: a number with separators ("70800.000000" → 70,800), else as it is."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, (int, float, Decimal)) or _NUMERIC.fullmatch(str(value)):
        return number(value)
    return str(value)


@register.filter
def label(name: str) -> str:
    """A field's name as words: entry_price → Entry price, correct_position_id → Correct position."""
    words = str(name).removesuffix("_id").replace("_", " ").strip()
    words = re.sub(r"\bpnl\b", "P&L", words)  # realized_pnl → Realized P&L
    return words[:1].upper() + words[1:]


@register.filter
def minutes(value) -> str:
    """A duration in minutes: 12.5 min."""
    return EMPTY if value is None or value == "" else f"{value:g} min"


@register.filter
def may_open(user, url_name: str) -> bool:
    """`{% if user|may_open:"book:correction-wizard" %}`: show a link only to whom it will open."""
    return page_allows(user, url_name)


@register.simple_tag(takes_context=True)
def export_csv(context, url_name: str, keys: str = "") -> str:
    """`{% export_csv "audit-events" "actor action" %}`: the API list behind a page as a CSV download,
    carrying the page's filters the API knows (`keys`; the others would be refused as unknown)."""
    query = QueryDict(mutable=True)
    for key in keys.split():
        values = [v for v in context["request"].GET.getlist(key) if v]
        if values:
            query.setlist(key, values)
    query["format"] = "csv"
    return f"{reverse(url_name)}?{query.urlencode()}"
