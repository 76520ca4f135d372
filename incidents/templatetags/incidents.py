"""`{% load incidents %}`: a runbook by its own title wherever product text names it; its pages as links."""

import re

from django import template
from django.urls import Resolver404, resolve
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from incidents.models import Runbook

register = template.Library()


@register.filter
def runbook_title(slug: str) -> str:
    """emergency-restart → "Emergency restart" (the library's title; the slug if there is no such runbook)."""
    return Runbook.objects.filter(slug=slug).values_list("title", flat=True).first() or slug


# A page of PMS Ops named in a runbook's text, e.g. "reconcile a fresh statement at /recon/".
SITE_PATH = re.compile(r"(?<![\w/])(/[a-z][a-z0-9_-]*(?:/[a-z0-9_-]+)*/)(?![\w/])")


@register.filter
def page_links(text: str) -> SafeString:
    """The text, escaped, with each path of a workflow page made a link to it (API paths stay text)."""
    return mark_safe(SITE_PATH.sub(_link, str(escape(text))))  # noqa: S308 (escaped above; links built by format_html)


def _link(match: re.Match) -> str:
    path = match.group(1)
    try:
        resolve(path)
    except Resolver404:
        return path
    return format_html('<a href="{}">{}</a>', path, path)
