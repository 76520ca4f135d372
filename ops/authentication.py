"""Token authentication that remembers a token for a few seconds, for the polled trading-enabled endpoint.

Trading processes poll `/api/v1/ops/trading-enabled` continuously; looking the token and its
user's roles up in the database on every poll costs more than answering. The cache keeps
ids and roles only (never the user row, its password hash or the token), under a hash of
the token, for OPS_TOKEN_CACHE_SECONDS. core.tokens drops the entry the moment the token is
deleted or its user's password, activity or roles change. With Redis down it is the
ordinary database lookup. For read-only endpoints: the user it returns is a stand-in
carrying an id and roles, not a row to write through.
"""

import hmac

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import NotAuthenticated, NotFound

from core.roles import user_roles
from core.tokens import cache_key


class CachedTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        entry = cache.get(cache_key(key))
        if entry is None:
            user, _token = super().authenticate_credentials(key)
            entry = {"user_id": user.pk, "superuser": user.is_superuser, "roles": sorted(user_roles(user))}
            cache.set(cache_key(key), entry, settings.OPS_TOKEN_CACHE_SECONDS)
        return _stand_in(entry), None


def _stand_in(entry: dict):
    """An unsaved user with the cached id and roles: what the permission checks read."""
    user = get_user_model()(pk=entry["user_id"], is_active=True, is_superuser=entry["superuser"])
    user._pms_roles = set(entry["roles"])
    return user


def require_bearer(request, setting: str, what: str) -> None:
    """For the machine endpoints with a shared secret of their own (`/metrics`, Alertmanager): the
    setting unset switches `what` off (404); otherwise the request must carry it as a bearer token."""
    expected = getattr(settings, setting)
    if not expected:
        raise NotFound(f"{what} is disabled: set {setting} to enable it.")
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), expected.encode()):
        raise NotAuthenticated(f"Send the token as `Authorization: Bearer <{setting}>`.")
