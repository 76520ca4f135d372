"""Admin of the backup inventory and restores: read-only rows, a button per operation.

Every button calls a service (start a backup, verify again, request a restore); nothing
here writes a model.
"""

from django.contrib import admin, messages
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html

from core.errors import Forbidden, ServiceError
from core.roles import OPS, has_role

from . import restores, services
from .models import Backup, Restore


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


def progress_bar(percent: int, step: str) -> str:
    return format_html('<progress max="100" value="{}"></progress> {}% {}', percent, percent, step)


@admin.register(Backup)
class BackupAdmin(ReadOnlyAdmin):
    list_display = ("id", "started_at", "status", "progress_display", "size", "duration_seconds", "trigger", "error")
    list_filter = ("status", "trigger")
    show_full_result_count = False
    readonly_fields = [f.name for f in Backup._meta.fields]
    change_list_template = "admin/backups/backup/change_list.html"
    change_form_template = "admin/backups/backup/change_form.html"
    actions = ["verify_again"]

    @admin.display(description="progress")
    def progress_display(self, obj: Backup) -> str:
        return progress_bar(obj.progress, obj.step)

    def get_urls(self):
        urls = [
            path("start/", self.admin_site.admin_view(self.start_view), name="backups_backup_start"),
            path("<int:pk>/restore/", self.admin_site.admin_view(self.restore_view), name="backups_backup_restore"),
        ]
        return urls + super().get_urls()

    def start_view(self, request):
        if request.method == "POST" and has_role(request.user, OPS):
            try:
                backup = services.backup_request(actor=request.user, trigger="admin")
                self.message_user(request, f"Backup #{backup.pk} started; its progress shows below.")
            except ServiceError as exc:
                self.message_user(request, exc.detail, messages.ERROR)
        elif request.method == "POST":
            self.message_user(request, "Starting a backup needs the Ops role.", messages.ERROR)
        return redirect("admin:backups_backup_changelist")

    def restore_view(self, request, pk: int):
        backup = get_object_or_404(Backup, pk=pk)
        if request.method == "POST":
            try:
                if not has_role(request.user, OPS):
                    raise Forbidden("Requesting a restore needs the Ops role.")
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

    @admin.action(description="Verify again (restore into a scratch database)")
    def verify_again(self, request, queryset):
        for backup in queryset:
            try:
                backup = services.backup_verify(backup_id=backup.pk, actor=request.user)
                self.message_user(request, f"Backup #{backup.pk}: {backup.status} {backup.error}")
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
