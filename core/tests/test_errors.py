"""Every 4xx leaves in one shape: {"error": CODE, "detail": TEXT, "fields": {...}}."""

import pytest

pytestmark = pytest.mark.urls("core.tests.urls")


def _shape(body: dict) -> None:
    assert set(body) >= {"error", "detail", "fields"}
    assert isinstance(body["detail"], str) and body["detail"]


def test_anonymous_is_401_with_the_error_shape(api):
    response = api[None].get("/groups")
    assert response.status_code == 401
    _shape(response.json())
    assert response.json()["error"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Token")


def test_a_bad_token_is_401(api):
    api[None].credentials(HTTP_AUTHORIZATION="Token nope")
    response = api[None].get("/groups")
    assert response.status_code == 401
    assert response.json()["error"] == "authentication_failed"


def test_the_wrong_role_is_403_naming_the_roles(api):
    response = api["pam"].get("/groups")
    assert response.status_code == 403
    _shape(response.json())
    assert "Auditor" in response.json()["detail"]


def test_a_read_only_role_cannot_write(api):
    response = api["audrey"].post("/groups", {"name": "Mallory"}, format="json")
    assert response.status_code == 403


def test_malformed_json_is_a_400(api):
    response = api["oscar"].post("/groups", data="{not json", content_type="application/json")
    assert response.status_code == 400
    _shape(response.json())
    assert response.json()["error"] == "malformed_request"


def test_a_wrong_type_is_a_400_naming_the_field(api):
    response = api["oscar"].post("/groups", {"name": ["a", "list"]}, format="json")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid"
    assert "name" in response.json()["fields"]
