"""Admin for append-only tables: browsable, never changeable (no save, no delete, no bulk delete).

Other apps subclass `AppendOnlyAdmin` for their append-only models. Large tables skip
the full `COUNT(*)` (healthchecks' `hc/api/admin.py`).
"""

from django.contrib import admin


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
