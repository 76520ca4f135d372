"""Login throttling (django-axes): a guesser is stopped, told why, and the right person gets back in."""

import json

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory

from core.lockout import lockout_response

LOGIN = "/admin/login/"


@pytest.fixture
def sign_in(client):
    def _sign_in(username: str, password: str, **extra):
        return client.post(LOGIN, {"username": username, "password": password}, **extra)

    return _sign_in


def _fail(sign_in, times: int) -> list[int]:
    return [sign_in("pam", "not-my-password").status_code for _ in range(times)]


def test_failures_lock_and_the_right_password_is_refused_until_cool_off(sign_in, people, client, settings):
    limit = settings.AXES_FAILURE_LIMIT
    assert _fail(sign_in, limit) == [200] * (limit - 1) + [429]
    locked = sign_in("pam", "pam-pass")
    assert locked.status_code == 429 and "_auth_user_id" not in client.session
    assert int(locked["Retry-After"]) == int(settings.AXES_COOLOFF_TIME.total_seconds())

    AccessAttempt.objects.filter(username="pam").update(
        attempt_time=AccessAttempt.objects.get(username="pam").attempt_time - settings.AXES_COOLOFF_TIME
    )
    after = sign_in("pam", "pam-pass")
    assert after.status_code == 302 and int(client.session["_auth_user_id"]) == people["pam"].pk


def test_a_locked_out_person_sees_a_page_saying_why_and_for_how_long(sign_in, people, settings):
    _fail(sign_in, settings.AXES_FAILURE_LIMIT)
    page = sign_in("pam", "pam-pass")
    assert page.status_code == 429 and page["Content-Type"].startswith("text/html")
    text = page.content.decode()
    assert "Sign-in paused" in text and "Too many failed sign-in attempts for <strong>pam</strong>" in text
    assert "15 minutes" in text and "axes_reset_username" in text
    assert 'href="/static/pms_ops/pms.css"' in text  # the product's own look, not a bare message


def test_a_successful_login_resets_the_count(sign_in, people, client, settings):
    limit = settings.AXES_FAILURE_LIMIT
    _fail(sign_in, limit - 1)
    assert sign_in("pam", "pam-pass").status_code == 302
    client.logout()
    assert _fail(sign_in, limit - 1) == [200] * (limit - 1)
    assert sign_in("pam", "pam-pass").status_code == 302


def test_the_lock_is_per_person_and_address(sign_in, people, settings):
    _fail(sign_in, settings.AXES_FAILURE_LIMIT)
    assert sign_in("paul", "paul-pass").status_code == 302  # a colleague is not locked out
    assert sign_in("pam", "pam-pass", REMOTE_ADDR="10.9.8.7").status_code == 302  # nor pam elsewhere


def test_behind_a_trusted_proxy_the_forwarded_client_is_throttled(sign_in, people, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    via_proxy = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in("pam", "wrong", **via_proxy)
    assert AccessAttempt.objects.get(username="pam").ip_address == "203.0.113.9"
    assert sign_in("pam", "pam-pass", **via_proxy).status_code == 429
    other = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "198.51.100.4"}
    assert sign_in("pam", "pam-pass", **other).status_code == 302  # the proxy itself is not locked


def test_an_api_path_gets_the_json_error_shape():
    request = RequestFactory().post("/api/v1/anything")
    response = lockout_response(request, None, {"username": "pam"})
    assert response.status_code == 429 and response["Retry-After"] == str(15 * 60)
    assert json.loads(response.content) == {
        "error": "locked_out",
        "detail": "Too many failed sign-in attempts; try again in 15 minutes.",
        "fields": {},
    }


@pytest.mark.browser
def test_in_the_browser_the_lockout_page_replaces_the_login(browser, live_server, people, settings):
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    try:
        for _ in range(settings.AXES_FAILURE_LIMIT):
            page.goto("/admin/login/")
            page.fill("#id_username", "pam")
            page.fill("#id_password", "not-my-password")
            page.click("input[type=submit]")
        assert page.locator("h1").inner_text() == "Sign-in paused"
        assert "15 minutes" in page.locator("#content-main").inner_text()
    finally:
        context.close()
