"""REST of communications (mounted with the incidents API): stakeholder status updates and subscribers.

Status updates: everyone reads, Incident Commander and Ops publish. Subscribers are e-mail
addresses, managed (and read) by Incident Commander and Ops.
"""

from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.idempotency import idempotent
from core.roles import ALL_ROLES, INCIDENT_COMMANDER, OPS, role_required
from core.serializers import StrictSerializer

from . import services
from .models import Incident, Kind, SeverityCode, Subscriber, TimelineEvent
from .serializers import TimelineEventSerializer

RUN = role_required(INCIDENT_COMMANDER, OPS)


class StatusUpdateCreateSerializer(StrictSerializer):
    text = serializers.CharField(trim_whitespace=False, help_text="What stakeholders should know (public).")


class SubscriberSerializer(serializers.ModelSerializer):
    class Meta:
        model = Subscriber
        fields = ["id", "email", "severities", "active", "created_at", "created_by"]


class SubscriberInputSerializer(StrictSerializer):
    email = serializers.EmailField(max_length=254)
    severities = serializers.ListField(child=serializers.ChoiceField(choices=SeverityCode.values), allow_empty=False)
    active = serializers.BooleanField(default=True)


def _valid(serializer_class, data, **kwargs) -> dict:
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class StatusUpdatesView(generics.ListAPIView):
    permission_classes = [role_required(INCIDENT_COMMANDER, OPS, read=ALL_ROLES)]
    serializer_class = TimelineEventSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return TimelineEvent.objects.none()
        incident = get_object_or_404(Incident, pk=self.kwargs["pk"])
        return incident.events.filter(kind=Kind.STATUS_UPDATE)

    @extend_schema(summary="The incident's stakeholder status updates (newest first)")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=StatusUpdateCreateSerializer,
        responses={201: TimelineEventSerializer},
        summary="Publish a status update to stakeholders (subscribers are e-mailed)",
    )
    @idempotent
    def post(self, request, pk: int):
        data = _valid(StatusUpdateCreateSerializer, request.data)
        event = services.status_update_post(actor=request.user, incident=get_object_or_404(Incident, pk=pk), **data)
        return Response(TimelineEventSerializer(event).data, status=status.HTTP_201_CREATED)


class SubscriberListView(generics.ListAPIView):
    permission_classes = [RUN]
    serializer_class = SubscriberSerializer
    queryset = Subscriber.objects.order_by("email")

    @extend_schema(summary="Subscribers to incident messages")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=SubscriberInputSerializer, responses={201: SubscriberSerializer}, summary="Subscribe")
    @idempotent
    def post(self, request):
        subscriber = services.subscriber_save(actor=request.user, **_valid(SubscriberInputSerializer, request.data))
        return Response(SubscriberSerializer(subscriber).data, status=status.HTTP_201_CREATED)


class SubscriberDetailView(APIView):
    permission_classes = [RUN]

    @extend_schema(responses=SubscriberSerializer, summary="One subscriber")
    def get(self, request, pk: int):
        return Response(SubscriberSerializer(get_object_or_404(Subscriber, pk=pk)).data)

    @extend_schema(request=SubscriberInputSerializer, responses=SubscriberSerializer, summary="Change a subscription")
    def patch(self, request, pk: int):
        subscriber = get_object_or_404(Subscriber, pk=pk)
        current = SubscriberSerializer(subscriber).data
        data = _valid(SubscriberInputSerializer, request.data, partial=True)
        merged = {name: data.get(name, current[name]) for name in ("email", "severities", "active")}
        subscriber = services.subscriber_save(actor=request.user, subscriber=subscriber, **merged)
        return Response(SubscriberSerializer(subscriber).data)

    @extend_schema(responses={204: None}, summary="Unsubscribe")
    def delete(self, request, pk: int):
        services.subscriber_remove(actor=request.user, subscriber=get_object_or_404(Subscriber, pk=pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


urlpatterns = [
    path("incidents/<int:pk>/status-updates", StatusUpdatesView.as_view(), name="incident-status-updates"),
    path("incidents/subscribers", SubscriberListView.as_view(), name="incident-subscriber-list"),
    path("incidents/subscribers/<int:pk>", SubscriberDetailView.as_view(), name="incident-subscriber-detail"),
]
