"""Template helpers of the journal pages: times in the user's timezone with UTC on hover, Markdown."""

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from journal.rendering import markdown_html

register = template.Library()


@register.filter
def when(value: dt.datetime | None) -> SafeString | str:
    """`<time>` showing local time; the UTC instant in the tooltip and the datetime attribute."""
    if value is None:
        return ""
    utc = value.astimezone(dt.UTC)
    local = timezone.localtime(value)
    return format_html(
        '<time datetime="{}" title="{} UTC">{}</time>',
        utc.isoformat(),
        utc.strftime("%Y-%m-%d %H:%M:%S"),
        local.strftime("%Y-%m-%d %H:%M %Z"),
    )


@register.filter
def markdown(text: str) -> SafeString:
    return mark_safe(markdown_html(text))  # noqa: S308 - sanitized by nh3 in markdown_html
