"""REST API of reconciliation under /api/v1/pms/recon/: statements in, runs and breaks out."""

from django.conf import settings
from django.urls import path
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import BaseParser
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from book.serializers import PendingApproval
from core.csv import CSVRenderer
from core.idempotency import idempotent
from core.roles import ALL_ROLES, OPS, PM, role_required

from . import selectors, services
from . import serializers as s
from .models import BreakKind, BreakStatus, Run, Source

ReconRead = role_required(PM, OPS, read=ALL_ROLES)


class CSVBodyParser(BaseParser):
    """The statement file itself as the body: bytes, read no further than one byte past the size limit."""

    media_type = "text/csv"

    def parse(self, stream, media_type=None, parser_context=None) -> bytes:
        return stream.read(settings.RECON_STATEMENT_MAX_BYTES + 1) if stream is not None else b""


class Statements(generics.ListAPIView):
    """Reconciliation runs newest first; POST a statement (CSV body) to reconcile it with the book as of its time."""

    permission_classes = [ReconRead]
    serializer_class = s.RunSerializer
    queryset = Run.objects.select_related("statement")
    parser_classes = [CSVBodyParser]

    @extend_schema(
        request={"text/csv": OpenApiTypes.BINARY},
        parameters=[
            OpenApiParameter("as_of", OpenApiTypes.DATETIME, required=True, description="The statement's time."),
            OpenApiParameter("filename", OpenApiTypes.STR, description="The broker's file name, kept with it."),
        ],
        responses={201: s.RunSerializer},
        description="The body is the broker's CSV (UTF-8; header naming instrument, direction, quantity, "
        "average_price; docs/recon.md). A bad statement is refused whole (400) naming each line and field; "
        "nothing is stored. Each difference beyond tolerance becomes a break.",
    )
    @idempotent
    def post(self, request):
        run = services.statement_reconcile(
            actor=request.user,
            content=request.data if isinstance(request.data, bytes) else b"",
            as_of=request.query_params.get("as_of"),
            filename=request.query_params.get("filename", ""),
            source=Source.API,
        )
        return Response(s.RunSerializer(run).data, status=status.HTTP_201_CREATED)


class BreakFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=BreakStatus.choices, method="noop")
    kind = filters.ChoiceFilter(choices=BreakKind.choices, method="noop")
    instrument = filters.CharFilter(method="noop", max_length=40, help_text="Instrument symbol.")
    run = filters.NumberFilter(method="noop", min_value=1, max_value=2**62, help_text="A reconciliation run.")

    def noop(self, queryset, name, value):
        return queryset

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        return selectors.breaks(
            status=data.get("status"), kind=data.get("kind"), instrument=data.get("instrument"), run=data.get("run")
        )


class Breaks(generics.ListAPIView):
    """Breaks newest first: kind, age, owner, status; `?format=csv` for a spreadsheet."""

    permission_classes = [ReconRead]
    serializer_class = s.BreakSerializer
    filterset_class = BreakFilter
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, CSVRenderer]

    def get_queryset(self):
        return selectors.breaks()


class BreakDetail(generics.RetrieveAPIView):
    permission_classes = [ReconRead]
    serializer_class = s.BreakDetailSerializer
    queryset = selectors.breaks().prefetch_related("events")


class BreakExplanation(APIView):
    """Propose an explanation instead of a correction; the break is resolved when a second person approves it."""

    permission_classes = [role_required(PM, OPS)]

    @extend_schema(request=s.ExplanationIn, responses={202: PendingApproval})
    @idempotent
    def post(self, request, pk: int):
        data = s.ExplanationIn(data=request.data)
        data.is_valid(raise_exception=True)
        approval = services.break_explain(
            actor=request.user, break_id=pk, explanation=data.validated_data["explanation"]
        )
        body = {"approval_id": approval.pk, "status": approval.status, "action": approval.action}
        return Response(body, status=status.HTTP_202_ACCEPTED)


urlpatterns = [
    path("pms/recon/statements", Statements.as_view(), name="recon-statements"),
    path("pms/recon/breaks", Breaks.as_view(), name="recon-breaks"),
    path("pms/recon/breaks/<int:pk>", BreakDetail.as_view(), name="recon-break"),
    path("pms/recon/breaks/<int:pk>/explanation", BreakExplanation.as_view(), name="recon-break-explanation"),
]
