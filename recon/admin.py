"""The back room of reconciliation: statements, runs and break events are append-only; breaks move by services."""

from django.contrib import admin

from core.admin import AppendOnlyAdmin, ReadOnlyAdmin, ReadOnlyInline

from .models import Break, BreakEvent, Run, Statement


@admin.register(Statement)
class StatementAdmin(AppendOnlyAdmin):
    list_display = ("id", "as_of", "received_at", "received_by", "source", "filename", "sha256")
    list_filter = ("source",)
    search_fields = ("filename", "sha256", "received_by")


@admin.register(Run)
class RunAdmin(AppendOnlyAdmin):
    list_display = ("id", "as_of", "ran_at", "ran_by", "compared", "matched", "breaks_found")
    list_select_related = ("statement",)


class BreakEventInline(ReadOnlyInline):
    model = BreakEvent
    fields = ("at", "kind", "actor", "detail")


@admin.register(Break)
class BreakAdmin(ReadOnlyAdmin):
    list_display = ("id", "instrument", "kind", "status", "owner", "opened_at", "resolution", "incident_id")
    list_filter = ("status", "kind")
    search_fields = ("instrument", "owner")
    list_select_related = ("run",)
    inlines = (BreakEventInline,)


@admin.register(BreakEvent)
class BreakEventAdmin(AppendOnlyAdmin):
    list_display = ("id", "brk", "kind", "at", "actor")
    list_filter = ("kind",)
