"""Lists are strict about their query parameters: a typo is a 400 naming it, never everything."""

import pytest

pytestmark = pytest.mark.urls("core.tests.urls")


def test_a_known_filter_filters(api):
    response = api["audrey"].get("/groups", {"name": "PM"})
    assert response.status_code == 200
    assert [g["name"] for g in response.json()["results"]] == ["PM"]


def test_an_unknown_parameter_is_a_400_naming_it(api):
    response = api["audrey"].get("/groups", {"nmae": "PM"})
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "unknown_parameter"
    assert "nmae" in body["fields"]
    assert "name" in body["fields"]["nmae"][0]


def test_a_malformed_filter_value_is_a_400_naming_the_parameter(api):
    response = api["audrey"].get("/groups", {"id__gte": "seven"})
    assert response.status_code == 400
    assert response.json()["error"] == "invalid"
    assert "id__gte" in response.json()["fields"]


def test_a_garbage_cursor_is_a_400(api):
    response = api["audrey"].get("/groups", {"cursor": "not-a-cursor"})
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_cursor"


def test_pagination_and_format_parameters_are_always_accepted(api):
    response = api["audrey"].get("/groups", {"page_size": 2, "format": "json"})
    assert response.status_code == 200
    assert len(response.json()["results"]) == 2 and response.json()["next"]


def test_a_forged_cursor_position_is_a_400_not_a_500(api):
    import base64

    forged = base64.b64encode(b"p=abc").decode()
    response = api["audrey"].get("/groups", {"cursor": forged})
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_cursor"
