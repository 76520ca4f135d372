"""The admin bases every app uses: each view and action is checked against the role table.

`RoleAdmin` answers Django's has_*_permission from `core.roles.ROLE_PERMISSIONS` (the table
REST's `role_required` reads too), never deletes, offers an action only to the roles its
`@action(...)` names, and guards custom pages with `role_view`. `ReadOnlyAdmin` is for rows
that only services write; `AppendOnlyAdmin` for append-only tables, which may be huge
(no full `COUNT(*)`, as in healthchecks' `hc/api/admin.py`).
"""

from collections.abc import Callable
from functools import wraps

from django.contrib import admin, messages
from django.contrib.auth import get_permission_codename
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property

from . import roles
from .errors import ServiceError


class RoleChecked:
    """Django's model permissions, answered from the role table rather than the database."""

    def _role_allows(self, request, verb: str) -> bool:
        opts = self.opts
        return roles.role_has_perm(request.user, f"{opts.app_label}.{get_permission_codename(verb, opts)}")

    def has_view_permission(self, request, obj=None) -> bool:
        return self._role_allows(request, "view") or self.has_change_permission(request, obj)

    def has_add_permission(self, request, *args) -> bool:
        return self._role_allows(request, "add")

    def has_change_permission(self, request, obj=None) -> bool:
        return self._role_allows(request, "change")

    def has_delete_permission(self, request, obj=None) -> bool:
        """Nothing recorded is deleted, through the admin either."""
        return False


class RoleAdmin(RoleChecked, admin.ModelAdmin):
    """The base of every ModelAdmin of PMS Ops."""

    def has_module_permission(self, request) -> bool:
        return roles.role_has_module(request.user, self.opts.app_label)

    def get_actions(self, request) -> dict:
        """Only the actions whose declared roles include one of the user's (none undeclared)."""
        actions = super().get_actions(request)
        return {
            name: entry
            for name, entry in actions.items()
            if roles.has_role(request.user, *getattr(entry[0], "allowed_roles", ()))
        }

    def role_view(self, view: Callable, *allowed: str) -> Callable:
        """A custom admin page (for get_urls) that answers 403 to anyone without one of `allowed`."""

        @wraps(view)
        def guarded(request, *args, **kwargs):
            if not roles.has_role(request.user, *allowed):
                raise PermissionDenied(f"This page needs one of the roles: {', '.join(allowed)}.")
            return view(request, *args, **kwargs)

        guarded.allowed_roles = allowed
        return self.admin_site.admin_view(guarded)


def action(*allowed: str, description: str, **kwargs) -> Callable:
    """`@admin.action` for the roles named; `RoleAdmin` offers it to nobody else."""

    def decorate(func: Callable) -> Callable:
        func = admin.action(description=description, **kwargs)(func)
        func.allowed_roles = allowed
        return func

    return decorate


def send_again_action(resend: Callable[[object, int], object], noun: str, plural: str) -> Callable:
    """The Ops action "Send again" of an outbox's admin: each failed row through `resend(actor, pk)`,
    the app's audited service; a row it refuses (not failed) is named in an error message."""

    @action(roles.OPS, description=f"Send again (failed {plural} only)")
    def send_again(modeladmin, request, queryset):
        for pk in queryset.values_list("pk", flat=True):
            try:
                resend(request.user, pk)
                modeladmin.message_user(request, f"{noun.capitalize()} #{pk} sent again.")
            except ServiceError as exc:
                modeladmin.message_user(request, exc.detail, messages.ERROR)

    return send_again


class ReadOnlyAdmin(RoleAdmin):
    """Rows that only services write: viewable by the roles granted, never added or changed here."""

    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


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


class AppendOnlyAdmin(ReadOnlyAdmin):
    """Append-only tables: read-only, and cheap to page through at millions of rows."""

    paginator = EstimatedCountPaginator
    list_per_page = 50


class ReadOnlyInline(RoleChecked, admin.TabularInline):
    """Rows shown under their parent, never added, changed or deleted there."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
