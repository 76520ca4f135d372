"""Roles are Django groups; REST, workflow pages and the admin all check them here.

`role_required` (DRF) and `role_page` (pages) apply one rule (`allows`); the admin's
model permissions come from the table each app declares as `grants` on its AppConfig
(role → permissions), read here once the app registry is ready (`role_has_perm`).
"""

from collections.abc import Callable, Iterable
from functools import wraps

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.urls import NoReverseMatch, resolve, reverse
from rest_framework.permissions import BasePermission

PM = "PM"
APPROVER = "Approver"
INCIDENT_COMMANDER = "Incident Commander"
OPS = "Ops"
AUDITOR = "Auditor"
# The people's roles. Service accounts have roles of their own and are not in ALL_ROLES.
ALL_ROLES = (PM, APPROVER, INCIDENT_COMMANDER, OPS, AUDITOR)
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
# Everyone who may write something somewhere: all roles but the read-only auditor.
WRITERS = (PM, APPROVER, INCIDENT_COMMANDER, OPS)
# A price feed's service account: its prices are market prices (a person's are manual: four eyes).
PRICE_FEED = "Price feed"
SERVICE_ROLES = (PRICE_FEED,)

# Admin permissions per role, as "app_label.codename"; synced after every migrate so
# that permissions of apps migrated later are granted too.
ROLE_PERMISSIONS: dict[str, set[str]] = {role: set() for role in (*ALL_ROLES, *SERVICE_ROLES)}


def read_grants() -> None:
    """Fill the role table from every installed app's `grants` table (CoreConfig.ready)."""
    for config in apps.get_app_configs():
        for role, perms in getattr(config, "grants", {}).items():
            if role not in ROLE_PERMISSIONS:
                raise ImproperlyConfigured(f"{config.name} grants permissions to {role!r}, which is not a role")
            ROLE_PERMISSIONS[role].update(perms)


def user_roles(user) -> set[str]:
    """The role names of a user, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return set()
    if not hasattr(user, "_pms_roles"):
        user._pms_roles = set(user.groups.values_list("name", flat=True))
    return user._pms_roles


def has_role(user, *roles: str) -> bool:
    """True for a superuser or a member of any of the roles."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or bool(user_roles(user) & set(roles))


def is_price_feed(user) -> bool:
    """A price feed's service account, by membership only: a superuser is still a person."""
    return PRICE_FEED in user_roles(user)


def role_has_perm(user, perm: str) -> bool:
    """The admin's check of "app_label.codename": the role table, whatever else the database grants."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or any(perm in ROLE_PERMISSIONS.get(role, ()) for role in user_roles(user))


def role_has_module(user, app_label: str) -> bool:
    """Whether the role table grants the user anything in this app (the admin index shows it)."""
    prefix = f"{app_label}."
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or any(
        perm.startswith(prefix) for role in user_roles(user) for perm in ROLE_PERMISSIONS.get(role, ())
    )


def allows(user, method: str, roles: Iterable[str], read: Iterable[str] = ()) -> bool:
    """The one rule of REST and pages: `roles` may do anything, `read` roles only safe methods."""
    allowed = (*roles, *read) if method in SAFE_METHODS else tuple(roles)
    return has_role(user, *allowed)


def role_page(*roles: str, read: Iterable[str] = ()) -> Callable:
    """A workflow page by role_required's rule: anonymous → the login page, a user without the role → 403."""
    read_roles = tuple(read)

    def decorate(view: Callable) -> Callable:
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not allows(request.user, request.method, roles, read_roles):
                raise PermissionDenied(f"This page needs one of the roles: {', '.join((*roles, *read_roles))}.")
            return view(request, *args, **kwargs)

        wrapper.page_roles = (tuple(roles), read_roles)  # read by `page_allows`: links follow the same rule
        return wrapper

    return decorate


def page_allows(user, url_name: str, method: str = "GET") -> bool:
    """Whether `role_page` would let the user in: navigation and buttons show only what will work."""
    try:
        view = resolve(reverse(url_name)).func
    except NoReverseMatch:
        return False
    page_roles = getattr(view, "page_roles", None)
    if page_roles is None:  # not a role page (the admin index): any signed-in member of staff
        return bool(getattr(user, "is_staff", False))
    return allows(user, method, *page_roles)


def role_required(*roles: str, read: Iterable[str] = ()) -> type[BasePermission]:
    """A DRF permission: `roles` may do anything, `read` roles only safe methods."""
    write_roles = tuple(roles)
    read_roles = tuple(read) + write_roles

    class RolePermission(BasePermission):
        message = f"This needs one of the roles: {', '.join(read_roles)}."

        def has_permission(self, request, view) -> bool:
            return allows(request.user, request.method, write_roles, read_roles)

    RolePermission.__name__ = f"RoleRequired({'|'.join(write_roles)})"
    RolePermission.roles = write_roles
    RolePermission.read_roles = read_roles
    return RolePermission


def sync_role_permissions(sender=None, **kwargs) -> None:
    """post_migrate, per app: ensure the role groups, grant that app's declared permissions."""
    from django.contrib.auth.models import Group, Permission

    label = getattr(sender, "label", None)
    for role, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted = [p.split(".", 1) for p in perms if label is None or p.startswith(f"{label}.")]
        for app_label, codename in wanted:
            found = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if found:
                group.permissions.add(found)
