"""REST API of incidents (mounted under /api/v1/): thin views over the services and selectors.

Incident Commander and Ops run incidents; every other role but Auditor may add notes;
Auditor reads. DELETE, and any change to a timeline event, is 405 by construction.
"""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from core.csv import CSVRenderer
from core.idempotency import idempotent
from core.roles import ALL_ROLES, INCIDENT_COMMANDER, OPS, WRITERS, has_role, role_required

from . import api_after, comms_api, selectors, services
from .models import Incident, Kind, PostMortem, Runbook, RunbookVersion, SeverityCode, Status, TimelineEvent
from .records import postmortem_markdown
from .renderers import MarkdownRenderer
from .serializers import (
    ChecklistItemSerializer,
    IncidentCreateSerializer,
    IncidentPatchSerializer,
    IncidentSerializer,
    PostMortemSerializer,
    RoleAssignmentSerializer,
    RoleSerializer,
    RunbookSerializer,
    StatusSerializer,
    TickSerializer,
    TimelineCreateSerializer,
    TimelineEventSerializer,
)
from .services import postmortems, runbooks

RUN = role_required(INCIDENT_COMMANDER, OPS, read=ALL_ROLES)
NOTE = role_required(*WRITERS, read=ALL_ROLES)
FILTERS = [
    OpenApiParameter("status", str, many=True, explode=False, enum=Status.values, description="Comma-separated."),
    OpenApiParameter(
        "severity", str, many=True, explode=False, enum=SeverityCode.values, description="Comma-separated."
    ),
    OpenApiParameter("since", OpenApiTypes.DATETIME, description="Declared at or after (YYYY-MM-DD or ISO 8601)"),
    OpenApiParameter("until", OpenApiTypes.DATETIME, description="Declared before the end of (YYYY-MM-DD or ISO 8601)"),
]


CSV_LIMIT = 50_000
CSV_FIELDS = (
    "id",
    "severity",
    "status",
    "title",
    "detected_by",
    "declared_at",
    "acknowledged_at",
    "resolved_at",
    "closed_at",
    "root_cause",
    "data_loss",
)


def _csv_row(incident: Incident) -> dict:
    return {name: getattr(incident, name) for name in CSV_FIELDS}


def _incidents():
    return Incident.objects.select_related("runbook_version__runbook")


def _serialized(pk: int) -> dict:
    return IncidentSerializer(selectors.with_parts([get_object_or_404(_incidents(), pk=pk)])[0]).data


def _valid(serializer_class, data, **kwargs):
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _incident_response(incident: Incident, code: int = status.HTTP_200_OK) -> Response:
    return Response(_serialized(incident.pk), status=code)


class IncidentListView(generics.ListAPIView):
    permission_classes = [RUN]
    serializer_class = IncidentSerializer
    extra_query_params = ("status", "severity", "since", "until")  # validated by selectors.incidents_filtered
    csv_columns = CSV_FIELDS

    def get_queryset(self):
        return selectors.incidents_filtered(self.request.query_params).select_related("runbook_version__runbook")

    def paginate_queryset(self, queryset):
        return selectors.with_parts(super().paginate_queryset(queryset))

    renderer_classes = [*generics.ListAPIView.renderer_classes, CSVRenderer]

    @extend_schema(parameters=FILTERS, summary="List incidents (newest first; ?format=csv for a spreadsheet)")
    def get(self, request, *args, **kwargs):
        if request.accepted_renderer.format == CSVRenderer.format:
            rows = self.filter_queryset(self.get_queryset()).order_by("-pk")[:CSV_LIMIT]
            return Response([_csv_row(incident) for incident in rows])
        return super().get(request, *args, **kwargs)

    @extend_schema(request=IncidentCreateSerializer, responses={201: IncidentSerializer}, summary="Declare")
    @idempotent
    def post(self, request):
        data = _valid(IncidentCreateSerializer, request.data)
        incident = services.incident_declare(actor=request.user, **data)
        return _incident_response(incident, status.HTTP_201_CREATED)


class IncidentDetailView(APIView):
    permission_classes = [RUN]

    @extend_schema(responses=IncidentSerializer, summary="One incident")
    def get(self, request, pk: int):
        return Response(_serialized(pk))

    @extend_schema(request=IncidentPatchSerializer, responses=IncidentSerializer, summary="Edit record fields")
    def patch(self, request, pk: int):
        data = dict(_valid(IncidentPatchSerializer, request.data))
        version = data.pop("version", None)
        if "impact" in data:
            data["impact"] = dict(data["impact"])
        incident = services.incident_update(actor=request.user, incident=pk, changes=data, expected_version=version)
        return _incident_response(incident)


class IncidentStatusView(APIView):
    permission_classes = [role_required(INCIDENT_COMMANDER, OPS)]

    @extend_schema(request=StatusSerializer, responses=IncidentSerializer, summary="Change status")
    @idempotent
    def post(self, request, pk: int):
        data = _valid(StatusSerializer, request.data)
        incident = services.incident_status_change(
            actor=request.user,
            incident=pk,
            status=data["status"],
            note=data["note"],
            expected_version=data.get("version"),
        )
        return _incident_response(incident)


class IncidentRolesView(APIView):
    permission_classes = [role_required(INCIDENT_COMMANDER, OPS)]

    @extend_schema(request=RoleSerializer, responses=RoleAssignmentSerializer, summary="Assign a role")
    @idempotent
    def post(self, request, pk: int):
        data = _valid(RoleSerializer, request.data)
        assignment = services.incident_role_assign(
            actor=request.user, incident=pk, role=data["role"], user=data["user"], expected_version=data.get("version")
        )
        return Response(RoleAssignmentSerializer(assignment).data)


class TimelineView(generics.ListAPIView):
    permission_classes = [NOTE]
    serializer_class = TimelineEventSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return TimelineEvent.objects.none()
        incident = get_object_or_404(Incident, pk=self.kwargs["pk"])
        return incident.events.select_related("star")

    @extend_schema(summary="The incident's timeline (newest first)")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=TimelineCreateSerializer, responses={201: TimelineEventSerializer}, summary="Add an event")
    @idempotent
    def post(self, request, pk: int):
        data = _valid(TimelineCreateSerializer, request.data)
        if data["kind"] != Kind.NOTE and not has_role(request.user, INCIDENT_COMMANDER, OPS):
            raise PermissionDenied("Only Incident Commander and Ops add events other than notes.")
        incident = get_object_or_404(Incident, pk=pk)
        event = services.incident_event_add(actor=request.user, incident=incident, **data)
        return Response(TimelineEventSerializer(event).data, status=status.HTTP_201_CREATED)


class TimelineEventView(APIView):
    permission_classes = [NOTE]

    @extend_schema(responses=TimelineEventSerializer, summary="One timeline event")
    def get(self, request, pk: int, event_id: int):
        incident = get_object_or_404(Incident, pk=pk)
        return Response(TimelineEventSerializer(get_object_or_404(incident.events, pk=event_id)).data)


class ChecklistStepView(APIView):
    permission_classes = [role_required(INCIDENT_COMMANDER, OPS)]

    @extend_schema(request=TickSerializer, responses=ChecklistItemSerializer, summary="Tick or untick a runbook step")
    @idempotent
    def post(self, request, pk: int, position: int):
        ticked = _valid(TickSerializer, request.data)["ticked"]
        item = runbooks.checklist_item_tick(actor=request.user, incident=pk, position=position, ticked=ticked)
        return Response(ChecklistItemSerializer(item).data)


class PostMortemView(APIView):
    permission_classes = [RUN]
    renderer_classes = [*APIView.renderer_classes, MarkdownRenderer]

    @extend_schema(responses=PostMortemSerializer, summary="The post-mortem (?format=md for Markdown)")
    def get(self, request, pk: int):
        incident = get_object_or_404(Incident, pk=pk)
        postmortem = PostMortem.objects.filter(incident=incident).first() or PostMortem(incident=incident)
        if request.accepted_renderer.format == MarkdownRenderer.format:
            return Response(postmortem_markdown(postmortem))
        return Response(PostMortemSerializer(postmortem).data)

    @extend_schema(request=PostMortemSerializer, responses=PostMortemSerializer, summary="Write the post-mortem")
    @idempotent
    def put(self, request, pk: int):
        data = _valid(PostMortemSerializer, request.data)
        items = [{**item, "due_date": item["due_date"].isoformat()} for item in data.pop("action_items", [])]
        postmortem = postmortems.postmortem_save(actor=request.user, incident=pk, action_items=items, **data)
        return Response(PostMortemSerializer(postmortem).data)


class RunbookListView(generics.ListAPIView):
    """The runbook library with each runbook's current version."""

    permission_classes = [role_required(read=ALL_ROLES)]
    serializer_class = RunbookSerializer

    def get_queryset(self):
        latest = Prefetch("versions", queryset=RunbookVersion.objects.order_by("-number"), to_attr="latest")
        return Runbook.objects.prefetch_related(latest).order_by("slug")

    pagination_class = None


urlpatterns = [
    path("incidents/", IncidentListView.as_view(), name="incident-list"),
    path("incidents/<int:pk>", IncidentDetailView.as_view(), name="incident-detail"),
    path("incidents/<int:pk>/status", IncidentStatusView.as_view(), name="incident-status"),
    path("incidents/<int:pk>/roles", IncidentRolesView.as_view(), name="incident-roles"),
    path("incidents/<int:pk>/timeline", TimelineView.as_view(), name="incident-timeline"),
    path("incidents/<int:pk>/timeline/<int:event_id>", TimelineEventView.as_view(), name="incident-event"),
    path("incidents/<int:pk>/checklist/<int:position>", ChecklistStepView.as_view(), name="incident-checklist-step"),
    path("incidents/<int:pk>/postmortem", PostMortemView.as_view(), name="incident-postmortem"),
    path("runbooks/", RunbookListView.as_view(), name="runbook-list"),
    *api_after.urlpatterns,
]


urlpatterns += comms_api.urlpatterns  # status updates and subscribers (comms_api.py)
