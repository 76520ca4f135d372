"""Admin for the journal: browsable, never changeable (entries are append-only)."""

from django.contrib import admin

from core.admin import AppendOnlyAdmin

from .models import JournalEntry, JournalLink


@admin.register(JournalEntry)
class JournalEntryAdmin(AppendOnlyAdmin):
    list_display = ("id", "recorded_at", "entry_type", "author", "short_content", "supersedes", "seq")
    list_filter = ("entry_type",)
    list_select_related = ("author",)
    search_fields = ("=id",)
    readonly_fields = [f.name for f in JournalEntry._meta.fields]

    @admin.display(description="content")
    def short_content(self, entry: JournalEntry) -> str:
        return entry.content[:80]


@admin.register(JournalLink)
class JournalLinkAdmin(AppendOnlyAdmin):
    list_display = ("id", "entry", "kind", "object_id")
    list_filter = ("kind",)
    list_select_related = ("entry",)
    search_fields = ("=object_id",)
