"""Template helpers of the workflow pages: moments in the user's timezone with UTC on hover, money with currency."""

import datetime as dt
from decimal import Decimal

from django import template
from django.utils import timezone
from django.utils.html import format_html

register = template.Library()


@register.filter
def when(value: dt.datetime | None) -> str:
    """`<time>` in the current timezone; the UTC moment in its title."""
    if not value:
        return "—"
    local = timezone.localtime(value)
    utc = value.astimezone(dt.UTC)
    return format_html(
        '<time datetime="{}" title="{} UTC">{}</time>',
        utc.isoformat(),
        utc.strftime("%Y-%m-%d %H:%M:%S"),
        local.strftime("%Y-%m-%d %H:%M %Z"),
    )


@register.filter
def money(value, currency: str = "") -> str:
    """1,234,567.89 INR; a dash for nothing."""
    if value is None or value == "":
        return "—"
    amount = Decimal(str(value)).quantize(Decimal("0.01"))
    return f"{amount:,.2f} {currency}".strip()


@register.filter
def number(value) -> str:
    """A stored decimal without trailing zeros (71000.000000 → 71000)."""
    if value is None or value == "":
        return "—"
    text = format(Decimal(str(value)).normalize(), "f")
    return text
