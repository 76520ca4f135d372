"""REST API of journal: `/api/v1/pms/journal` (seed 004) — append, list, search, export, read.

Entries are never edited or deleted: PUT, PATCH and DELETE answer 405.
"""

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response

from core import roles
from core.csv import CSVRenderer
from core.idempotency import idempotent
from core.pagination import CursorPage

from . import search, selectors
from .csv_export import csv_response
from .filters import JournalFilterForm, api_filters
from .models import JournalEntry
from .serializers import EntryDetailSerializer, EntryInputSerializer, EntrySerializer, SearchHitSerializer
from .services import journal_entry_add

JournalPermission = roles.role_required(
    roles.PM, roles.APPROVER, roles.INCIDENT_COMMANDER, roles.OPS, read=(roles.AUDITOR,)
)


class JournalPage(CursorPage):
    """Newest first; by relevance (then newest) when searching on PostgreSQL."""

    def get_ordering(self, request, queryset, view):
        return tuple(queryset.query.order_by) or self.ordering


def _parameter(name: str, field) -> OpenApiParameter:
    """The form field as the schema states it: moments, choices (as enums), length limits."""
    if name in ("since", "until"):
        return OpenApiParameter(name, OpenApiTypes.DATETIME)
    choices = [value for value, _ in getattr(field, "choices", ()) if value]
    return OpenApiParameter(name, OpenApiTypes.STR, enum=choices or None)


def _filter_parameters() -> list[OpenApiParameter]:
    params = [_parameter(name, field) for name, field in JournalFilterForm.base_fields.items()]
    params.append(OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "csv"], description="csv: a spreadsheet"))
    return params


class JournalListView(GenericAPIView):
    permission_classes = [JournalPermission]
    pagination_class = JournalPage
    serializer_class = EntrySerializer
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, CSVRenderer]
    queryset = JournalEntry.objects.none()

    @extend_schema(
        parameters=_filter_parameters(),
        responses=SearchHitSerializer(many=True),
        summary="List and search journal entries (newest versions; `q` full-text)",
    )
    def get(self, request):
        filters = api_filters(request.query_params)
        entries = selectors.entry_list(**filters)
        if request.accepted_renderer.format == "csv":
            return csv_response(entries)
        page = search.attach_headlines(self.paginate_queryset(entries), filters["q"])
        data = SearchHitSerializer(page, many=True, context={"q": filters["q"]}).data
        return self.get_paginated_response(data)

    @extend_schema(
        request=EntryInputSerializer,
        responses={201: EntrySerializer},
        summary="Append an entry (or an amendment with `supersedes`)",
    )
    @idempotent
    def post(self, request):
        serializer = EntryInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry = journal_entry_add(author=request.user, **serializer.service_kwargs())
        return Response(EntrySerializer(entry).data, status=status.HTTP_201_CREATED)


class JournalDetailView(GenericAPIView):
    permission_classes = [JournalPermission]
    serializer_class = EntryDetailSerializer
    queryset = JournalEntry.objects.select_related("author")

    @extend_schema(summary="One entry with every version of it, its rendered Markdown and hash check")
    def get(self, request, pk: int):
        return Response(EntryDetailSerializer(self.get_object()).data)


urlpatterns = [
    path("pms/journal", JournalListView.as_view(), name="api-journal-list"),
    path("pms/journal/<int:pk>", JournalDetailView.as_view(), name="api-journal-detail"),
]
