"""REST API of ops (mounted under /api/v1/): heartbeats, the trading switch, probe history (health: ops/health.py)."""

import django_filters
from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from core import roles
from core.csv import CSVRenderer
from core.filters import MomentFilter
from core.idempotency import idempotent

from . import cache as ops_cache
from . import selectors, services
from .authentication import CachedTokenAuthentication, require_bearer
from .catalog import PROBES
from .models import HealthReport, Heartbeat, LeadershipChange, ProbeResult, ProbeState, Status, TradingChange
from .serializers import (
    AlertmanagerPayloadSerializer,
    AlertmanagerResultSerializer,
    HealthReportSerializer,
    HeartbeatPingSerializer,
    HeartbeatSerializer,
    LeadershipChangeSerializer,
    ProbeResultSerializer,
    ProbeStateSerializer,
    ReasonSerializer,
    TradingChangeSerializer,
    TradingStateSerializer,
)

EVERY_ROLE = roles.ALL_ROLES
OpsOnly = roles.role_required(roles.OPS, read=EVERY_ROLE)
Halters = roles.role_required(roles.OPS, roles.PM, read=EVERY_ROLE)
Readers = roles.role_required(read=EVERY_ROLE)
CSV_LIMIT = 50_000  # rows in one probe-history spreadsheet


class AlertmanagerView(APIView):
    """Alertmanager's webhook receiver: its own bearer token (ALERTMANAGER_TOKEN), not a user's,
    checked by the view itself (Alertmanager has no user and no role)."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        request=AlertmanagerPayloadSerializer,
        responses={200: AlertmanagerResultSerializer},
        auth=[{"alertmanagerBearer": []}],
        summary="Alertmanager webhook (payload version 4)",
    )
    def post(self, request):
        require_bearer(request, "ALERTMANAGER_TOKEN", "The Alertmanager integration")
        body = AlertmanagerPayloadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return Response(services.alertmanager_notify(payload=body.validated_data))

    def get_authenticate_header(self, request) -> str:
        return 'Bearer realm="alertmanager"'


class TradingEnabledView(APIView):
    """Polled by trading processes: cached, and right within a second of a halt or resume."""

    authentication_classes = [CachedTokenAuthentication, *api_settings.DEFAULT_AUTHENTICATION_CLASSES[1:]]
    permission_classes = [Readers]

    @extend_schema(responses=TradingStateSerializer, summary="Is trading enabled?")
    def get(self, request):
        state, hit = selectors.trading_enabled_cached()
        return ops_cache.with_cache_header(Response(state), hit)


class TradingHaltView(APIView):
    permission_classes = [Halters]

    @extend_schema(request=ReasonSerializer, responses={201: TradingChangeSerializer}, summary="Halt trading now")
    @idempotent
    def post(self, request):
        body = ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        change = services.trading_halt(actor=request.user, reason=body.validated_data["reason"])
        return Response(TradingChangeSerializer(change).data, status=status.HTTP_201_CREATED)


class TradingResumeView(APIView):
    permission_classes = [Halters]

    @extend_schema(
        request=ReasonSerializer,
        responses={202: OpenApiResponse(description="The approval request that will resume trading.")},
        summary="Ask to resume trading (four eyes)",
    )
    @idempotent
    def post(self, request):
        body = ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        approval = services.trading_resume_request(actor=request.user, reason=body.validated_data["reason"])
        return Response(
            {"approval_id": approval.pk, "status": approval.status, "action": approval.action},
            status=status.HTTP_202_ACCEPTED,
        )


class TradingHistoryView(generics.ListAPIView):
    permission_classes = [Readers]
    serializer_class = TradingChangeSerializer
    queryset = TradingChange.objects.filter(chain=TradingChange.DEFAULT_CHAIN)


class HeartbeatListView(generics.ListAPIView):
    permission_classes = [Readers]
    serializer_class = HeartbeatSerializer
    queryset = Heartbeat.objects.all()


class HeartbeatPingView(APIView):
    permission_classes = [OpsOnly]

    @extend_schema(request=HeartbeatPingSerializer, responses=HeartbeatSerializer, summary="A heartbeat checks in")
    @idempotent
    def post(self, request, name: str):
        body = HeartbeatPingSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        beat = services.heartbeat_ping(actor=request.user, name=name, **body.validated_data)
        return Response(HeartbeatSerializer(beat).data)


class LeadershipHistoryView(generics.ListAPIView):
    permission_classes = [Readers]
    serializer_class = LeadershipChangeSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no URL kwargs
            return LeadershipChange.objects.none()
        beat = get_object_or_404(Heartbeat, name=self.kwargs["name"])
        return beat.leadership.all()


class ProbeStateListView(generics.ListAPIView):
    permission_classes = [Readers]
    serializer_class = ProbeStateSerializer
    queryset = ProbeState.objects.all()


class ProbeResultFilter(django_filters.FilterSet):
    probe = django_filters.ChoiceFilter(choices=[(name, name) for name in PROBES])
    status = django_filters.ChoiceFilter(choices=Status.choices)
    since = MomentFilter(field_name="created_at", lookup_expr="gte")
    until = MomentFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = ProbeResult
        fields = ["probe", "status", "since", "until"]


class ProbeResultListView(generics.ListAPIView):
    permission_classes = [Readers]
    serializer_class = ProbeResultSerializer
    queryset = ProbeResult.objects.all()
    filterset_class = ProbeResultFilter
    renderer_classes = [*api_settings.DEFAULT_RENDERER_CLASSES, CSVRenderer]

    def paginate_queryset(self, queryset):
        """CSV is the whole filtered range (newest first, capped), not one page."""
        if getattr(self.request.accepted_renderer, "format", "") == "csv":
            return None
        return super().paginate_queryset(queryset)

    def list(self, request, *args, **kwargs):
        if getattr(request.accepted_renderer, "format", "") == "csv":
            rows = self.filter_queryset(self.get_queryset()).order_by("-pk")[:CSV_LIMIT]
            response = Response(self.get_serializer(rows, many=True).data)
            response["Content-Disposition"] = 'attachment; filename="probe-results.csv"'
            return response
        return super().list(request, *args, **kwargs)


class HealthReportListView(generics.ListAPIView):
    permission_classes = [Readers]
    serializer_class = HealthReportSerializer
    queryset = HealthReport.objects.all()


urlpatterns = [
    path("integrations/alertmanager", AlertmanagerView.as_view(), name="integrations-alertmanager"),
    path("ops/trading-enabled", TradingEnabledView.as_view(), name="ops-trading-enabled"),
    path("ops/trading/halt", TradingHaltView.as_view(), name="ops-trading-halt"),
    path("ops/trading/resume", TradingResumeView.as_view(), name="ops-trading-resume"),
    path("ops/trading/history", TradingHistoryView.as_view(), name="ops-trading-history"),
    path("ops/heartbeats", HeartbeatListView.as_view(), name="ops-heartbeats"),
    path("ops/heartbeats/<slug:name>", HeartbeatPingView.as_view(), name="ops-heartbeat-ping"),
    path("ops/heartbeats/<slug:name>/leadership", LeadershipHistoryView.as_view(), name="ops-heartbeat-leadership"),
    path("ops/probes", ProbeStateListView.as_view(), name="ops-probes"),
    path("ops/probes/results", ProbeResultListView.as_view(), name="ops-probe-results"),
    path("ops/health-reports", HealthReportListView.as_view(), name="ops-health-reports"),
]
