"""The health endpoints, all here: seed 000's `/health`, liveness `/api/v1/health`, readiness `/api/v1/ready`.

Readiness means what a load balancer needs: this web process can serve because its database,
cache and broker answer (the probes' own checks, run live). The Celery workers' state is
reported in `checks` from the celery probe but never fails readiness: a worker outage must
not take every web process out of rotation (worker health belongs to the probes and the dashboard).
"""

from django.conf import settings
from django.db import DatabaseError
from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from book.selectors import portfolio_state

from . import cache as ops_cache
from . import checks
from .models import Status
from .selectors import cached_probe
from .serializers import HealthSerializer, ReadySerializer

# What this web process needs to serve; each maps to a check of ops/checks.py.
SERVING_CHECKS = {"database": checks.database, "redis": checks.redis, "broker": checks.broker}
READY_STATES = {"ready", "not_configured"}


def _live(check) -> str:
    """A check run now: "ready", "not_configured" (embedded default) or "not_ready" (failed or raised)."""
    try:
        outcome = check()
    except Exception:  # any driver or broker error means this dependency does not answer
        return "not_ready"
    if outcome.status == Status.FAIL:
        return "not_ready"
    return "not_configured" if outcome.details.get("configured") is False else "ready"


def _workers() -> str:
    """The workers as the last celery probe saw them (no round trip here): ready, not_ready, stale, unknown."""
    try:
        snapshot = cached_probe("celery")
    except Exception:  # the probe state is unreadable when the database is down
        return "unknown"
    if snapshot is None:
        return "unknown"
    age = (timezone.now() - timezone.datetime.fromisoformat(snapshot["at"])).total_seconds()
    if age > settings.OPS_CELERY_READY_MAX_AGE:
        return "stale"
    return "ready" if snapshot["status"] != Status.FAIL else "not_ready"


def readiness() -> dict:
    """Seed 001's body: {"status", "checks"}; ready when every serving check is, whatever the workers say."""
    serving = {name: _live(check) for name, check in SERVING_CHECKS.items()}
    ready = all(state in READY_STATES for state in serving.values())
    return {"status": "ready" if ready else "not_ready", "checks": {**serving, "celery": _workers()}}


class PublicView(APIView):
    """No authentication: load balancers, `curl` and the runbooks call these."""

    authentication_classes = []
    permission_classes = [AllowAny]


class Health(PublicView):
    @extend_schema(responses={200: HealthSerializer, 503: HealthSerializer}, summary="Book health (seed 000)")
    def get(self, request):
        try:
            state = portfolio_state()
        except DatabaseError:
            body = {"status": "unhealthy", "positions": 0, "risk_pct": 0.0, "error": "DB_UNAVAILABLE"}
            return Response(body, status=503)
        risk_pct = round(float(state["risk_pct"]), 1)
        return Response({"status": "healthy", "positions": state["open_positions"], "risk_pct": risk_pct})


class Liveness(PublicView):
    @extend_schema(
        responses=inline_serializer("Liveness", {"status": serializers.CharField()}),
        summary="Liveness (no database work)",
    )
    def get(self, request):
        return Response({"status": "healthy"})


class Ready(PublicView):
    @extend_schema(responses={200: ReadySerializer, 503: ReadySerializer}, summary="Readiness (200 or 503)")
    def get(self, request):
        body, hit = ops_cache.read_through(ops_cache.READY_KEY, readiness, settings.OPS_READY_CACHE_SECONDS)
        return ops_cache.with_cache_header(Response(body, status=200 if body["status"] == "ready" else 503), hit)


# Mounted at the site root by pms_ops/urls.py.
urlpatterns = [
    path("health", Health.as_view(), name="health"),
    path("api/v1/health", Liveness.as_view(), name="api-health"),
    path("api/v1/ready", Ready.as_view(), name="api-ready"),
]
