"""Token authentication that remembers a token for a few seconds, for the polled trading-enabled endpoint.

Trading processes poll `/api/v1/ops/trading-enabled` continuously; looking the token and its
user's roles up in PostgreSQL on every poll costs more than answering. The cache holds the
user (with its roles) under a hash of the token for OPS_TOKEN_CACHE_SECONDS, so a revoked
token or a removed role takes effect within that many seconds. With Redis down it is the
ordinary database lookup.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from rest_framework.authentication import TokenAuthentication

from core.roles import user_roles


def _key(token: str) -> str:
    return "ops:token:" + hashlib.sha256(token.encode()).hexdigest()


class CachedTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        cached = cache.get(_key(key))
        if cached is not None:
            return cached
        user, token = super().authenticate_credentials(key)
        user_roles(user)  # loaded now, so the cached user carries its roles
        cache.set(_key(key), (user, token), settings.OPS_TOKEN_CACHE_SECONDS)
        return user, token
