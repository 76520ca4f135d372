"""`{{ value|when }}`: a datetime in the site's timezone, with UTC on hover."""

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.html import format_html

register = template.Library()


@register.filter
def when(value: dt.datetime | None) -> str:
    if value is None:
        return "-"
    local = timezone.localtime(value)
    utc = value.astimezone(dt.UTC)
    return format_html(
        '<time datetime="{}" title="{} UTC">{}</time>',
        utc.isoformat(),
        utc.strftime("%Y-%m-%d %H:%M:%S"),
        local.strftime("%Y-%m-%d %H:%M:%S %Z"),
    )


@register.filter
def minutes(value) -> str:
    return "-" if value is None else f"{value:g} min"
