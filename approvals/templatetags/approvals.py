"""`{% load approvals %}`: an approvable action by its name for people ("Position correction")."""

from django import template

from approvals import selectors

register = template.Library()


@register.filter
def action_label(action: str) -> str:
    """book.correction → Position correction (the registered action's label; the raw name if unknown)."""
    return selectors.label(action)
