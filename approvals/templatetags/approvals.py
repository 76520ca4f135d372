"""`{% load approvals %}`: an approvable action by its name for people ("Position correction")."""

from django import template
from django.urls import NoReverseMatch, reverse

from approvals import selectors
from core.templatetags.pms import fact, label

register = template.Library()


@register.filter
def action_label(action: str) -> str:
    """book.correction → Position correction (the registered action's label; the raw name if unknown)."""
    return selectors.label(action)


# A result's keys that name something created, and the page that shows it.
_RESULT_PAGES = (
    ("position_id", "book:positions", "#position-{}"),
    ("journal_entry_id", "journal:entry", ""),
    ("approval_id", "approvals:detail", ""),
    ("incident_id", "incidents:war-room", ""),
)


@register.filter
def result_rows(result: dict) -> list[dict]:
    """An executed request's result as (label, value, link): what it created is one click away.

    An id is shown as its digits (#1073, not "1,073"); other numbers as people read them."""
    return [
        {"label": label(key), "value": value if key.endswith("_id") else fact(value), "url": _page(key, value)}
        for key, value in result.items()
    ]


def _page(key: str, value) -> str:
    for suffix, url_name, anchor in _RESULT_PAGES:
        if key.endswith(suffix) and str(value).isdigit():
            try:
                if anchor:
                    return reverse(url_name) + anchor.format(value)
                return reverse(url_name, args=[value])
            except NoReverseMatch:
                return ""
    return ""
