"""A database that refuses connections is an outage: every API view answers 503 + Retry-After in the
one error shape, instead of a 500 that reads as a bug."""

import pytest

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
