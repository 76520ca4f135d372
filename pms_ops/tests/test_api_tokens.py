"""An API token dies with its user's password or activity, and a changed role is seen at once.

Checked on the cached endpoint (trading-enabled) and an ordinary one, and in the token table.
"""

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from rest_framework.authtoken.models import Token

from conftest import make_user
from core import roles, tokens

CACHED, PLAIN = "/api/v1/ops/trading-enabled", "/api/v1/ops/trading/history"


@pytest.fixture
def warm(api, people):
    """audrey's client, her token already cached by trading-enabled."""
    cache.clear()
    client = api["audrey"]
    assert client.get(CACHED).status_code == 200 and client.get(PLAIN).status_code == 200
    assert cache.get(tokens.cache_key(Token.objects.get(user=people["audrey"]).key)) is not None
    return client


def _refused(client) -> None:
    for url in (CACHED, PLAIN):
        response = client.get(url)
        assert response.status_code == 401, url
        assert response.json()["error"] == "authentication_failed"


def test_a_password_changed_in_the_admin_kills_the_token(warm, people, client):
    client.force_login(make_user("root", is_superuser=True))
    audrey = people["audrey"]
    response = client.post(
        f"/admin/auth/user/{audrey.pk}/password/",
        {"password1": "a-new-long-secret-9", "password2": "a-new-long-secret-9"},
    )
    assert response.status_code == 302
    assert not Token.objects.filter(user=audrey).exists()
    _refused(warm)


def test_a_password_set_from_the_shell_or_changepassword_kills_the_token(warm, people):
    audrey = people["audrey"]
    audrey.set_password("another-long-secret-4")
    audrey.save()
    assert not Token.objects.filter(user=audrey).exists()
    _refused(warm)


@pytest.mark.parametrize("fields", [None, ["is_active"]])
def test_deactivation_kills_the_token(warm, people, fields):
    audrey = people["audrey"]
    audrey.is_active = False
    audrey.save(update_fields=fields)
    assert not Token.objects.filter(user=audrey).exists()
    _refused(warm)


def test_a_new_token_after_a_password_change_works(warm, people, api):
    audrey = people["audrey"]
    audrey.set_password("another-long-secret-4")
    audrey.save()
    token = Token.objects.create(user=audrey)
    warm.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert warm.get(CACHED).status_code == 200 and warm.get(PLAIN).status_code == 200


def test_other_changes_and_logins_keep_the_token(warm, people, client):
    audrey = people["audrey"]
    key = Token.objects.get(user=audrey).key
    audrey.email = "audrey@desk.example.com"
    audrey.save()  # the cached roles are reread (a full save may change is_superuser), the token stays
    assert cache.get(tokens.cache_key(key)) is None and warm.get(CACHED).status_code == 200
    assert client.post("/admin/login/", {"username": "audrey", "password": "audrey-pass"}).status_code == 302
    assert Token.objects.get(user=audrey).key == key
    assert cache.get(tokens.cache_key(key)) is not None  # a login (last_login only) touches nothing
    assert warm.get(CACHED).status_code == 200 and warm.get(PLAIN).status_code == 200


def test_a_removed_role_is_seen_at_once_by_the_cached_endpoint(warm, people):
    people["audrey"].groups.remove(Group.objects.get(name=roles.AUDITOR))
    response = warm.get(CACHED)
    assert response.status_code == 403 and response.json()["error"] == "permission_denied"


def test_a_group_emptied_from_its_side_is_seen_at_once(warm, people):
    Group.objects.get(name=roles.AUDITOR).user_set.clear()
    assert warm.get(CACHED).status_code == 403
