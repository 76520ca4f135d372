"""`{% load ops_tags %}`: the trading switch for pages of the apps below ops (a war room offers a halt)."""

from django import template

from ops.selectors import trading_enabled

register = template.Library()


@register.simple_tag
def trading_running() -> bool:
    """Cached, and dropped on every halt and resume: never stale."""
    return trading_enabled()["trading_enabled"]
