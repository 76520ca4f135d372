"""`{% pms_dashboard %}`: the panels of the admin home page."""

from django import template

from pms_ops.dashboard import dashboard

register = template.Library()


@register.inclusion_tag("pms_ops/dashboard.html", takes_context=True)
def pms_dashboard(context) -> dict:
    return {"panels": dashboard(context["request"].user), "request": context["request"]}
