"""REST API of audit (mounted under /api/v1/): read-only, for Auditor, Ops and superusers.

The one write is Ops' POST of checkpoints (`proofs.py`); elsewhere any method but
GET/HEAD/OPTIONS is a 405 for a reader and a 403 for everyone else (permission comes first).
"""

import base64
import binascii

from django.http import Http404
from django.urls import path
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from core import roles
from core.csv import CSVRenderer
from core.pagination import CursorPage

from . import export, filters, selectors
from .chain import verify_all
from .models import Event
from .serializers import EventProofSerializer, EventSerializer, VerificationSerializer

READERS = roles.role_required(roles.AUDITOR, roles.OPS)


class NDJSONRenderer(BaseRenderer):
    """Selects the streamed NDJSON export by Accept or ?format=; the view streams, this never renders."""

    media_type = "application/x-ndjson"
    format = "ndjson"

    def render(self, data, accepted_media_type=None, renderer_context=None):  # pragma: no cover - views stream
        raise NotImplementedError("audit exports are streamed by the view")


class AuditView(APIView):
    permission_classes = [READERS]

    def perform_content_negotiation(self, request, force=False):
        """An unknown ?format= is the client's error (400 naming it), not DRF's 404."""
        try:
            return super().perform_content_negotiation(request, force)
        except Http404 as exc:
            raise ValidationError({"format": ["Unknown format; use json, csv or ndjson."]}) from exc

    def finalize_response(self, request, response, *args, **kwargs):
        """Errors are JSON in the one error shape, whatever export format was asked for."""
        if isinstance(response, Response) and response.status_code >= 400:
            request.accepted_renderer, request.accepted_media_type = JSONRenderer(), "application/json"
        return super().finalize_response(request, response, *args, **kwargs)


class EventPage(CursorPage):
    """Strict cursors: not base64, or a position that is not an event id, is garbage (400), never a 500."""

    def decode_cursor(self, request):
        encoded = request.query_params.get(self.cursor_query_param)
        try:
            strict = encoded is None or bool(base64.b64decode(encoded.encode("ascii"), validate=True))
        except (ValueError, binascii.Error):
            strict = False
        cursor = super().decode_cursor(request)
        if not strict or (cursor and cursor.position is not None and not str(cursor.position).isdigit()):
            error = ValidationError({"cursor": ["Invalid cursor: use the `next` or `previous` link as given."]})
            error.pms_code = "invalid_cursor"
            raise error
        return cursor


FORMAT = OpenApiParameter(
    "format", OpenApiTypes.STR, enum=["json", "csv", "ndjson"], description="csv/ndjson stream every matching event."
)


class EventList(AuditView, generics.ListAPIView):
    """Newest first, cursor-paginated; CSV and NDJSON stream every match, oldest first."""

    serializer_class = EventSerializer
    pagination_class = EventPage
    queryset = Event.objects.none()  # for the schema; get() builds the real one from the filters
    renderer_classes = [JSONRenderer, CSVRenderer, NDJSONRenderer]

    @extend_schema(
        summary="Audit events",
        parameters=[filters.EventFilters, FORMAT],
        responses={
            (200, "application/json"): EventSerializer(many=True),
            (200, "text/csv"): OpenApiTypes.STR,
            (200, "application/x-ndjson"): OpenApiTypes.STR,
        },
    )
    def get(self, request, *args, **kwargs):
        wanted = filters.event_filters(request.query_params, CursorPage.max_page_size)
        qs = selectors.events_matching(**wanted)
        if request.accepted_renderer.format in ("csv", "ndjson"):
            return export.response(qs, request.accepted_renderer.format)
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class EventDetail(AuditView, generics.RetrieveAPIView):
    """One event with its proof data: recompute `hash` from `prev_hash` and `canonical` yourself."""

    serializer_class = EventProofSerializer
    queryset = Event.objects.all()

    @extend_schema(summary="An audit event with its proof data")
    def get(self, request, *args, **kwargs):
        filters.refuse_unknown(request.query_params, set())
        return super().get(request, *args, **kwargs)


class Verify(AuditView):
    """Full verification of every chain: keep the heads, compare them later."""

    @extend_schema(
        summary="Verify every hash chain",
        responses={200: VerificationSerializer, 400: OpenApiResponse(description="Unknown parameter")},
    )
    def get(self, request):
        filters.refuse_unknown(request.query_params, set())
        reports = [report.as_dict() for report in verify_all()]
        body = {"ok": all(r["ok"] for r in reports), "verified_at": timezone.now(), "chains": reports}
        return Response(VerificationSerializer(body).data)


urlpatterns = [
    path("audit/events", EventList.as_view(), name="audit-events"),
    path("audit/events/<int:pk>", EventDetail.as_view(), name="audit-event"),
    path("audit/verify", Verify.as_view(), name="audit-verify"),
]


# The Merkle log's routes build on AuditView above, hence imported last.
from .proofs import urlpatterns as proof_urls  # noqa: E402

urlpatterns += proof_urls
