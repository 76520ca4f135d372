"""`{% load incidents %}`: a runbook by its own title wherever product text names it."""

from django import template

from incidents.models import Runbook

register = template.Library()


@register.filter
def runbook_title(slug: str) -> str:
    """emergency-restart → "Emergency restart" (the library's title; the slug if there is no such runbook)."""
    return Runbook.objects.filter(slug=slug).values_list("title", flat=True).first() or slug
