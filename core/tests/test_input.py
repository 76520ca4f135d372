"""The core's input rules in isolation: the JSON parser, the guard, strict serializers, dates, paging."""

import datetime as dt
import json

import pytest
from django.test import override_settings
from rest_framework import serializers

from core.dates import parse_moment
from core.parsers import MAX_DEPTH
from core.serializers import PositiveDecimalField, StrictSerializer

pytestmark = pytest.mark.urls("core.tests.urls")


def _post(api, body: str, **extra):
    return api["oscar"].post("/groups", body, content_type="application/json", **extra)


def _nested(depth: int) -> str:
    return json.dumps({"name": "x", "deep": 0}).replace("0", "[" * depth + "]" * depth)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (_nested(MAX_DEPTH + 1), "deep"),
        ('{"name": "x", "deep": ' + "[" * 50_000 + "]" * 50_000 + "}", "non_field_errors"),
        ('{"name": "a\\u0000b"}', "name"),
        ('{"name": ["ok", {"k": "\\udc00"}]}', "name"),
        ('{"a\\u0000b": "x"}', "a\\u0000b"),
        ('{"name": "x", "n": NaN}', None),
    ],
)
def test_the_parser_refuses_what_could_only_fail_later(api, body, field):
    response = _post(api, body)
    assert response.status_code == 400
    assert response.json()["error"] == "malformed_request"
    if field:
        assert list(response.json()["fields"]) == [field]


def test_nesting_within_the_limit_reaches_the_view(api):
    response = _post(api, _nested(MAX_DEPTH - 2))
    assert response.status_code == 400 and "deep" in response.json()["fields"]  # the strict serializer's turn


def test_a_form_encoded_body_is_a_415(api):
    response = api["oscar"].post("/groups", "name=x", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415 and response.json()["error"] == "unsupported_media_type"


def test_nul_in_a_query_string_is_a_400_for_the_api_and_a_plain_400_for_pages(api, client):
    response = api["audrey"].get("/api/groups", {"name": "a\x00"})
    assert response.status_code == 400 and list(response.json()["fields"]) == ["name"]
    page = client.get("/anything/?q=%00")
    assert page.status_code == 400 and page["Content-Type"].startswith("text/plain")


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_an_api_body_over_the_limit_is_a_json_413(api):
    response = api["oscar"].post("/api/groups", json.dumps({"name": "x" * 1000}), content_type="application/json")
    assert response.status_code == 413
    assert response.json()["error"] == "too_large" and "1000 bytes" in response.json()["detail"]


@pytest.mark.parametrize("page_size", ["0", "-1", "501", "ten", "\u0665", "1.5"])
def test_a_page_size_out_of_range_is_a_400(api, page_size):
    response = api["audrey"].get("/groups", {"page_size": page_size})
    assert response.status_code == 400 and list(response.json()["fields"]) == ["page_size"]


class Body(StrictSerializer):
    count = serializers.IntegerField(required=False)
    amount = serializers.DecimalField(max_digits=10, decimal_places=2, required=False)
    price = PositiveDecimalField(max_digits=10, decimal_places=2, required=False)
    counts = serializers.ListField(child=serializers.IntegerField(), required=False)
    at = serializers.DateTimeField(required=False)
    stamp = serializers.CharField(read_only=True)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"cuont": 1}, "cuont"),
        ({"count": "\u0665"}, "count"),
        ({"count": "1_000"}, "count"),
        ({"amount": "\uff11.5"}, "amount"),
        ({"amount": "Infinity"}, "amount"),
        ({"counts": [1, "\u0662"]}, "counts"),
        ({"price": "0"}, "price"),
        ({"price": "-1"}, "price"),
        ({"at": "2026-02-30T00:00:00Z"}, "at"),
        ({"at": "0165-01-01T00:00:00Z"}, "at"),
        ({"at": "0001-01-01T00:00:00+01:00"}, "at"),
    ],
)
def test_a_strict_serializer_names_what_it_refuses(data, field):
    body = Body(data=data)
    assert not body.is_valid()
    assert list(body.errors) == [field]


def test_a_strict_serializer_accepts_ascii_numbers_and_known_read_only_fields():
    body = Body(data={"count": " 12 ", "amount": "-1e2", "price": "0.5", "counts": ["3", 4], "stamp": "ignored"})
    assert body.is_valid(), body.errors
    assert body.validated_data["count"] == 12 and "stamp" not in body.validated_data


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-12-01", dt.date(2026, 12, 1)),
        ("2026-12-01T09:30:00Z", dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)),
        ("2026-12-01T09:30:00 01:00", dt.datetime(2026, 12, 1, 8, 30, tzinfo=dt.UTC)),  # `+` lost in a query
        ("2026-12-01T09:30:00+23:30", dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.UTC)),  # stored in UTC
    ],
)
def test_moments_are_read_in_utc(raw, expected):
    assert parse_moment(raw) == expected


@pytest.mark.parametrize(
    "raw", ["2026-02-30", "2026-01-01T00:00:00+25:00", "0165-01-01", "9999-12-31", "yesterday", ""]
)
def test_impossible_moments_are_refused_with_a_hint(raw):
    with pytest.raises(ValueError, match=r"ISO 8601|between the years"):
        parse_moment(raw)
