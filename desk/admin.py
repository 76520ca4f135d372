"""The holiday calendar (kept by Ops) and the sign-offs (append-only)."""

from django.contrib import admin

from core.admin import AppendOnlyAdmin, RoleAdmin

from . import services
from .models import Holiday, SignOff


@admin.register(Holiday)
class HolidayAdmin(RoleAdmin):
    list_display = ("date", "name")

    def save_model(self, request, obj, form, change):
        services.holiday_save(actor=request.user, holiday=obj)


@admin.register(SignOff)
class SignOffAdmin(AppendOnlyAdmin):
    list_display = ("day", "checklist", "item", "text", "signed_by", "signed_at")
    list_filter = ("checklist",)
