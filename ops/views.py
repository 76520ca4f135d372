"""Workflow pages of ops: the ops dashboard (htmx-refreshed panel), its trading forms, the public
status page and /metrics."""

from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from prometheus_client import CONTENT_TYPE_LATEST
from rest_framework.views import APIView

from core import roles
from core.errors import ServiceError

from . import dashboard, metrics, services, statuspage
from .authentication import require_bearer


class MetricsView(APIView):
    """Prometheus scrapes with `Authorization: Bearer <METRICS_TOKEN>`; unset, metrics are off (404).

    Not an address allow-list: behind a local proxy every client comes from loopback.
    """

    authentication_classes = []
    permission_classes = []

    @extend_schema(
        responses={(200, "text/plain"): OpenApiTypes.STR},
        auth=[{"metricsBearer": []}],
        summary="Prometheus metrics (bearer METRICS_TOKEN)",
    )
    def get(self, request):
        require_bearer(request, "METRICS_TOKEN", "/metrics")
        return HttpResponse(metrics.exposition(), content_type=CONTENT_TYPE_LATEST)

    def get_authenticate_header(self, request) -> str:
        return 'Bearer realm="metrics"'


@require_GET
def status_page(request):
    """The public status page: no login, nothing internal (ops/statuspage.py)."""
    return render(request, "ops/status.html", {"page": statuspage.status(), "components": statuspage.COMPONENTS})


@require_GET
def status_json(request):
    return JsonResponse(statuspage.status(), json_dumps_params={"ensure_ascii": False})


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
    """From the dashboard, or from a war room whose incident halted trading (`next` leads back there)."""
    try:
        services.trading_halt(actor=request.user, reason=request.POST.get("reason", ""))
        messages.success(request, "Trading halted.")
    except ServiceError as exc:
        messages.error(request, exc.detail)
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(back)
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
