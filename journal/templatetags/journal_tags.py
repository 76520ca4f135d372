"""Template helpers of the journal pages: entries' Markdown (times and numbers come from core's `pms`)."""

import re

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import SafeString, mark_safe

from journal.rendering import markdown_html

register = template.Library()


@register.filter
def markdown(text: str) -> SafeString:
    return mark_safe(markdown_html(text))  # noqa: S308 - sanitized by nh3 in markdown_html


# Markdown's emphasis, code and heading marks: a search snippet is a cut of the raw text, shown as words.
_MARKS = re.compile(r"\*\*|__|`|^#{1,6}\s", re.MULTILINE)


@register.filter
def unmarked(snippet: SafeString) -> SafeString:
    """A search snippet without raw `**` or `#`; only marks are removed, so the escaped HTML stays safe."""
    return mark_safe(_MARKS.sub("", snippet))  # noqa: S308 - removes characters from already escaped HTML


# The page that shows a linked thing, by its kind: (URL name, takes the id as an argument, anchor).
_LINK_PAGES = {
    "entry": ("journal:entry", True, ""),
    "incident": ("incidents:war-room", True, ""),
    "approval": ("approvals:detail", True, ""),
    "position": ("book:positions", False, "#position-{}"),
}


@register.filter
def link_href(link: dict) -> str:
    """A journal link's page ("" when its kind has none): links to positions, incidents and approvals are links."""
    page = _LINK_PAGES.get(link.get("kind"))
    if page is None or not str(link.get("id", "")).isdigit():
        return ""
    name, with_id, anchor = page
    try:
        return reverse(name, args=[link["id"]] if with_id else []) + anchor.format(link["id"])
    except NoReverseMatch:
        return ""
