"""Admin for append-only tables: browsable, never changeable (no save, no delete, no bulk delete).

Other apps subclass `AppendOnlyAdmin` for their append-only models. Large tables skip
the full `COUNT(*)` (healthchecks' `hc/api/admin.py`).
"""

from django.contrib import admin
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property

from . import admin_filters, selectors
from .models import Checkpoint, Event
from .serializers import EventSerializer
from .services import chain_heads


class AppendOnlyAdmin(admin.ModelAdmin):
    show_full_result_count = False
    list_per_page = 50

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


class EstimatedCountPaginator(Paginator):
    """An unfiltered changelist of a huge table shows PostgreSQL's row estimate, not COUNT(*)."""

    @cached_property
    def count(self) -> int:
        qs = self.object_list
        if isinstance(qs, QuerySet) and not qs.query.where and connections[qs.db].vendor == "postgresql":
            with connections[qs.db].cursor() as cursor:
                cursor.execute(
                    "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [qs.model._meta.db_table]
                )
                estimate = cursor.fetchone()[0]
            if estimate > 100_000:
                return estimate
        return super().count


@admin.register(Event)
class EventAdmin(AppendOnlyAdmin):
    list_display = ("occurred_at", "actor", "action", "subject_type", "subject_id", "chain", "seq", "short_hash")
    list_filter = (
        admin_filters.ChainFilter,
        admin_filters.ActionFilter,
        admin_filters.ActorFilter,
        admin_filters.SubjectTypeFilter,
        admin_filters.SubjectIdFilter,
        ("occurred_at", admin.DateFieldListFilter),
    )
    search_fields = ("=request_id",)
    search_help_text = "Exact request id (X-Request-ID)."
    ordering = ("-id",)
    paginator = EstimatedCountPaginator
    fields = (*EventSerializer.Meta.fields, "canonical", "verified")
    readonly_fields = fields

    @admin.display(description="hash")
    def short_hash(self, obj: Event) -> str:
        return obj.hash[:12]

    @admin.display(description="canonical content (hashed)")
    def canonical(self, obj: Event) -> str:
        return obj.canonical_bytes().decode()

    @admin.display(boolean=True, description="hash recomputes")
    def verified(self, obj: Event) -> bool:
        return obj.compute_hash() == obj.hash

    def changelist_view(self, request, extra_context=None):
        context = {"chain_status": selectors.chain_status(chain_heads()), **(extra_context or {})}
        return super().changelist_view(request, extra_context=context)


@admin.register(Checkpoint)
class CheckpointAdmin(admin.ModelAdmin):
    """Verification checkpoints: advanced by `chains_verify_incremental`, never by hand."""

    list_display = ("table", "chain", "seq", "hash", "ok", "verified_at")
    readonly_fields = ("table", "chain", "seq", "hash", "ok", "broken", "verified_at")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
