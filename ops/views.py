"""Workflow pages of ops: the ops dashboard (htmx-refreshed panel), its trading forms, and /metrics."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from prometheus_client import CONTENT_TYPE_LATEST
from rest_framework.permissions import BasePermission
from rest_framework.views import APIView

from core import roles
from core.errors import ServiceError

from . import dashboard, metrics, services


class MetricsAccess(BasePermission):
    """Open to the scraper's addresses (OPS_METRICS_ALLOWED_IPS); from anywhere else, an Ops token."""

    message = "Metrics are readable from the allowed addresses or with an Ops token."

    def has_permission(self, request, view) -> bool:
        if request.META.get("REMOTE_ADDR") in settings.OPS_METRICS_ALLOWED_IPS:
            return True
        return roles.has_role(request.user, roles.OPS)


class MetricsView(APIView):
    permission_classes = [MetricsAccess]

    @extend_schema(responses={(200, "text/plain"): OpenApiTypes.STR}, summary="Prometheus metrics")
    def get(self, request):
        return HttpResponse(metrics.exposition(), content_type=CONTENT_TYPE_LATEST)


@roles.role_page(*roles.ALL_ROLES)
def dashboard_page(request):
    return render(request, "ops/dashboard.html", {"title": "Ops dashboard", **dashboard.context(request.user)})


@roles.role_page(*roles.ALL_ROLES)
def dashboard_panel(request):
    """The live part of the dashboard, re-fetched by htmx every few seconds."""
    return render(request, "ops/_panel.html", dashboard.context(request.user))


@roles.role_page(roles.OPS, roles.PM)
@require_POST
def trading_halt(request):
    try:
        services.trading_halt(actor=request.user, reason=request.POST.get("reason", ""))
        messages.success(request, "Trading halted.")
    except ServiceError as exc:
        messages.error(request, exc.detail)
    return redirect("ops:dashboard")


@roles.role_page(roles.OPS, roles.PM)
@require_POST
def trading_resume(request):
    try:
        approval = services.trading_resume_request(actor=request.user, reason=request.POST.get("reason", ""))
        messages.success(request, f"Resume requested: approval request #{approval.pk} waits for a second person.")
    except ServiceError as exc:
        messages.error(request, exc.detail)
    return redirect("ops:dashboard")
