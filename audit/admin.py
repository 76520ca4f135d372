"""Admin of the audit trail: events with their proof and the chain status, verification checkpoints."""

from django.contrib import admin

from core.admin import AppendOnlyAdmin, ReadOnlyAdmin

from . import admin_filters, selectors
from .models import Checkpoint, Event
from .serializers import EventSerializer
from .services import chain_heads


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
class CheckpointAdmin(ReadOnlyAdmin):
    """Verification checkpoints: advanced by `chains_verify_incremental`, never by hand."""

    list_display = ("table", "chain", "seq", "hash", "ok", "verified_at")
    readonly_fields = ("table", "chain", "seq", "hash", "ok", "broken", "verified_at")
