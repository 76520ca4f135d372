"""Admin of the backup inventory and restores: read-only rows, a button per operation.

Every button calls a service (start a backup, verify again, request a restore); nothing
here writes a model.
"""

from django.contrib import admin, messages
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html

from core.admin import ReadOnlyAdmin, action
from core.errors import ServiceError
from core.roles import OPS, has_role

from . import restores, services
from .models import Backup, Restore


def progress_bar(percent: int, step: str) -> str:
    return format_html('<progress max="100" value="{}"></progress> {}% {}', percent, percent, step)


@admin.register(Backup)
class BackupAdmin(ReadOnlyAdmin):
    list_display = ("id", "started_at", "status", "progress_display", "size", "duration_seconds", "trigger", "error")
    list_filter = ("status", "trigger")
    readonly_fields = [f.name for f in Backup._meta.fields]
    change_list_template = "admin/backups/backup/change_list.html"
    change_form_template = "admin/backups/backup/change_form.html"
    actions = ["verify_again"]

    @admin.display(description="progress")
    def progress_display(self, obj: Backup) -> str:
        return progress_bar(obj.progress, obj.step)

    def get_urls(self):
        urls = [
            path("start/", self.role_view(self.start_view, OPS), name="backups_backup_start"),
            path("<int:pk>/restore/", self.role_view(self.restore_view, OPS), name="backups_backup_restore"),
        ]
        return urls + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        context = {"can_start": has_role(request.user, OPS), **(extra_context or {})}
        return super().changelist_view(request, extra_context=context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        context = {"can_restore": has_role(request.user, OPS), **(extra_context or {})}
        return super().change_view(request, object_id, form_url, extra_context=context)

    def start_view(self, request):
        if request.method == "POST":
            try:
                backup = services.backup_request(actor=request.user, trigger="admin")
                self.message_user(request, f"Backup #{backup.pk} started; its progress shows below.")
            except ServiceError as exc:
                self.message_user(request, exc.detail, messages.ERROR)
        return redirect("admin:backups_backup_changelist")

    def restore_view(self, request, pk: int):
        backup = get_object_or_404(Backup, pk=pk)
        if request.method == "POST":
            try:
                approval = restores.restore_request(
                    actor=request.user, backup_id=backup.pk, reason=request.POST.get("reason", "")
                )
                self.message_user(
                    request, f"Restore requested: approval request #{approval.pk} awaits a second person."
                )
                return redirect("admin:backups_backup_change", backup.pk)
            except ServiceError as exc:
                self.message_user(request, exc.detail, messages.ERROR)
        context = {**self.admin_site.each_context(request), "backup": backup, "opts": self.model._meta}
        return TemplateResponse(request, "admin/backups/backup/restore.html", context)

    @action(OPS, description="Verify again (restore into a scratch database)")
    def verify_again(self, request, queryset):
        """A worker verifies (pg tools take minutes); the page says it is queued."""
        for backup in queryset:
            try:
                services.backup_verify_request(actor=request.user, backup_id=backup.pk)
                self.message_user(request, f"Backup #{backup.pk}: verification queued; its result shows below.")
            except ServiceError as exc:
                self.message_user(request, exc.detail, messages.ERROR)


@admin.register(Restore)
class RestoreAdmin(ReadOnlyAdmin):
    list_display = ("id", "created_at", "backup", "status", "progress_display", "requested_by", "approved_by")
    list_filter = ("status",)
    list_select_related = ("backup",)
    readonly_fields = [f.name for f in Restore._meta.fields]

    @admin.display(description="progress")
    def progress_display(self, obj: Restore) -> str:
        return progress_bar(obj.progress, obj.step)
