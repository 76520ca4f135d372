"""The token cache of trading-enabled holds ids and roles in Redis, never the user, its password hash or the token."""

import pytest
from django.core.cache import cache
from django_redis import get_redis_connection
from rest_framework.authtoken.models import Token

from core import tokens

ENABLED = "/api/v1/ops/trading-enabled"
pytestmark = pytest.mark.postgres


def _raw(key: str) -> bytes:
    return get_redis_connection("default").get(cache.make_key(tokens.cache_key(key)))


def test_redis_holds_only_ids_and_roles(api, people):
    audrey = people["audrey"]
    assert api["audrey"].get(ENABLED).status_code == 200
    key = Token.objects.get(user=audrey).key
    assert cache.get(tokens.cache_key(key)) == {"user_id": audrey.pk, "superuser": False, "roles": ["Auditor"]}
    raw = _raw(key)
    assert raw, "the entry is in Redis"
    audrey.refresh_from_db()
    for secret in (key.encode(), audrey.password.encode(), b"md5$", b"django.contrib.auth", b"User", b"audrey"):
        assert secret not in raw


def test_a_deleted_token_is_refused_at_once_and_leaves_redis(api, people):
    client = api["oscar"]
    assert [client.get(ENABLED).status_code for _ in range(2)] == [200, 200]
    key = Token.objects.get(user=people["oscar"]).key
    assert _raw(key)
    Token.objects.get(key=key).delete()
    assert _raw(key) is None
    response = client.get(ENABLED)
    assert response.status_code == 401
    assert response.json() == {"error": "authentication_failed", "detail": "Invalid token.", "fields": {}}
