"""REST of "after the incident" (issue 14): follow-up actions, response metrics, starred timeline events.

Thin views over `services` and `selectors`; mounted by `incidents.api`.
"""

from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.idempotency import idempotent
from core.roles import ALL_ROLES, INCIDENT_COMMANDER, OPS, role_required

from . import selectors, services
from .models import FollowUp, Incident
from .serializers import (
    FollowUpCreateSerializer,
    FollowUpSerializer,
    FollowUpStatusSerializer,
    MetricsSerializer,
    StarSerializer,
    TimelineEventSerializer,
)

RUN = role_required(INCIDENT_COMMANDER, OPS, read=ALL_ROLES)
METRICS_PARAMS = [
    OpenApiParameter("since", OpenApiTypes.DATETIME, description="Declared at or after (default: 90 days ago)"),
    OpenApiParameter("until", OpenApiTypes.DATETIME, description="Declared before the end of (default: now)"),
    OpenApiParameter("period", str, enum=["week", "month"], description="Grouping of `periods` (default month)"),
]


def _valid(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class FollowUpListView(generics.ListAPIView):
    permission_classes = [RUN]
    serializer_class = FollowUpSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return FollowUp.objects.none()
        incident = get_object_or_404(Incident, pk=self.kwargs["pk"])
        return incident.follow_ups.select_related("owner").order_by("-pk")

    @extend_schema(summary="The incident's follow-up actions")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=FollowUpCreateSerializer, responses={201: FollowUpSerializer}, summary="Add a follow-up")
    @idempotent
    def post(self, request, pk: int):
        data = _valid(FollowUpCreateSerializer, request.data)
        follow_up = services.follow_up_create(actor=request.user, incident=pk, **data)
        return Response(FollowUpSerializer(follow_up).data, status=status.HTTP_201_CREATED)


class FollowUpStatusView(APIView):
    permission_classes = [role_required(INCIDENT_COMMANDER, OPS)]

    @extend_schema(
        request=FollowUpStatusSerializer,
        responses=FollowUpSerializer,
        summary="Done, won't do, or open",
        operation_id="api_v1_incidents_follow_ups_status",
    )
    @idempotent
    def post(self, request, pk: int, follow_up_id: int):
        data = _valid(FollowUpStatusSerializer, request.data)
        follow_up = services.follow_up_status_change(
            actor=request.user, incident=pk, follow_up_id=follow_up_id, status=data["status"]
        )
        return Response(FollowUpSerializer(follow_up).data)


class MetricsView(APIView):
    permission_classes = [role_required(read=ALL_ROLES)]

    @extend_schema(parameters=METRICS_PARAMS, responses=MetricsSerializer, summary="MTTA, MTTR per severity and period")
    def get(self, request):
        return Response(MetricsSerializer(selectors.incident_metrics(request.query_params)).data)


class StarView(APIView):
    permission_classes = [role_required(INCIDENT_COMMANDER, OPS)]

    @extend_schema(request=StarSerializer, responses=TimelineEventSerializer, summary="Star or unstar an event")
    @idempotent
    def post(self, request, pk: int, event_id: int):
        starred = _valid(StarSerializer, request.data)["starred"]
        star = services.event_star(actor=request.user, incident=pk, event_id=event_id, starred=starred)
        return Response(TimelineEventSerializer(star.event).data)


urlpatterns = [
    path("incidents/metrics", MetricsView.as_view(), name="incident-metrics"),
    path("incidents/<int:pk>/follow-ups", FollowUpListView.as_view(), name="incident-follow-ups"),
    path("incidents/<int:pk>/follow-ups/<int:follow_up_id>", FollowUpStatusView.as_view(), name="incident-follow-up"),
    path("incidents/<int:pk>/timeline/<int:event_id>/star", StarView.as_view(), name="incident-event-star"),
]
