"""Template helpers of the journal pages: entries' Markdown (times and numbers come from core's `pms`)."""

from django import template
from django.utils.safestring import SafeString, mark_safe

from journal.rendering import markdown_html

register = template.Library()


@register.filter
def markdown(text: str) -> SafeString:
    return mark_safe(markdown_html(text))  # noqa: S308 - sanitized by nh3 in markdown_html
