"""A database that refuses connections is an outage: every API view answers 503 + Retry-After in the
one error shape, instead of a 500 that reads as a bug."""

import pytest
from django.contrib.auth.models import Group

pytestmark = pytest.mark.urls("core.tests.urls")


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_database_outage_is_a_503_in_the_error_shape(api, database_down, method):
    client = api["oscar"]
    with database_down():
        response = getattr(client, method)("/groups", {"name": "Desk"}, format="json")
    assert response.status_code == 503
    assert response.json()["error"] == "database_unavailable"
    assert set(response.json()) == {"error", "detail", "fields"}
    assert response["Retry-After"] == "30"


def test_a_post_retried_with_its_idempotency_key_after_a_503_is_written_once(api, database_down):
    client, key = api["oscar"], {"HTTP_IDEMPOTENCY_KEY": "desk-1"}
    with database_down():
        assert client.post("/groups", {"name": "Desk"}, format="json", **key).status_code == 503
    retried = client.post("/groups", {"name": "Desk"}, format="json", **key)
    again = client.post("/groups", {"name": "Desk"}, format="json", **key)
    assert (retried.status_code, again.status_code) == (201, 201)
    assert again.json() == retried.json() and Group.objects.filter(name="Desk").count() == 1


@pytest.mark.urls("pms_ops.urls")
@pytest.mark.parametrize("path", ["/admin/", "/approvals/", "/book/positions/"])
def test_a_database_outage_on_a_page_is_the_styled_503_page(client, people, database_down, path):
    """Regression (issue 12): a connection cut under load answered 500; a page now says what happened."""
    client.raise_request_exception = False  # as a browser sees it, not the test's traceback
    client.force_login(people["oscar"])
    with database_down():
        response = client.get(path)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert b'data-status="503"' in response.content and b"The database is not answering" in response.content
    assert b"pms.css" in response.content  # the product's look, not a bare error


@pytest.mark.urls("pms_ops.urls")
def test_a_database_outage_before_any_view_ran_is_still_a_503_in_the_error_shape(client, db, database_down):
    """The session lookup fails first (middleware), outside DRF's handler: the last resort answers 503 too."""
    client.raise_request_exception = False
    client.cookies["sessionid"] = "a" * 32
    with database_down():
        response = client.get("/api/v1/approvals/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json()["error"] == "database_unavailable"
