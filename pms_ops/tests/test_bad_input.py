"""Issue 11 §4: each example that was a 500 is a clear 4xx in the error shape, and changes nothing."""

import json

import pytest
from drf_spectacular.generators import EndpointEnumerator, SchemaGenerator
from drf_spectacular.utils import PolymorphicProxySerializer
from rest_framework import serializers

from audit.models import Event
from book.models import Instrument, MtmRun, Position
from core.serializers import StrictInputMixin
from incidents.models import PostMortem
from incidents.services import incident_declare


def _refused(response, status: int = 400) -> dict:
    assert response.status_code == status, response.content[:500]
    body = response.json()
    assert set(body) >= {"error", "detail", "fields"}
    assert body["detail"]
    return body


@pytest.fixture
def incident(people):
    return incident_declare(actor=people["ivy"], title="Database unavailable", severity="P1")


def test_a_deeply_nested_body_is_a_400(api, gold):
    body = '{"manual_prices": ' + "[" * 100_000 + "]" * 100_000 + "}"
    response = api["pam"].post("/api/v1/pms/book/mtm", body, content_type="application/json")
    assert _refused(response)["error"] == "malformed_request"
    assert not MtmRun.objects.exists()


@pytest.mark.parametrize("key", ["a\u0000b", "a\ud800b"])
def test_a_nul_or_lone_surrogate_in_a_key_is_a_400_naming_the_field(api, gold, key):
    body = json.dumps({"manual_prices": {key: "1"}, "reason": "r", "source": "s"})
    response = api["pam"].post("/api/v1/pms/book/mtm", body, content_type="application/json")
    assert "manual_prices" in _refused(response)["fields"]
    assert not MtmRun.objects.exists()


@pytest.mark.parametrize("text", ["Gold\u0000mini", "Gold\udfffmini"])
def test_a_nul_or_lone_surrogate_in_a_value_is_a_400_naming_the_field(api, text):
    body = json.dumps({"symbol": "GOLD", "name": text, "currency": "INR", "point_value": "1", "margin_per_lot": "1"})
    response = api["oscar"].post("/api/v1/pms/book/instruments", body, content_type="application/json")
    assert list(_refused(response)["fields"]) == ["name"]
    assert not Instrument.objects.exists()


@pytest.mark.parametrize("since", ["2026-02-30T00:00:00Z", "2026-01-01T00:00:00+25:00", "2026-13-01"])
def test_an_impossible_date_on_the_incident_list_is_a_400(api, incident, since):
    assert "since" in _refused(api["ivy"].get("/api/v1/incidents/", {"since": since}))["fields"]


def test_a_nul_in_an_admin_changelist_filter_is_a_clear_400(client, people):
    client.force_login(people["audrey"])
    response = client.get("/admin/audit/event/?actor=%00")
    assert response.status_code == 400
    assert b"NUL" in response.content


def test_a_nul_in_an_api_query_string_is_a_400_naming_it(api):
    body = _refused(api["audrey"].get("/api/v1/audit/events?actor=%00"))
    assert list(body["fields"]) == ["actor"]


def test_an_instrument_without_a_name_is_a_400_naming_it(api):
    body = {"symbol": "GOLD", "currency": "INR", "point_value": "1", "margin_per_lot": "1"}
    assert "name" in _refused(api["oscar"].post("/api/v1/pms/book/instruments", body, format="json"))["fields"]
    assert not Instrument.objects.exists()


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page_size": "-1"}, "page_size"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "\u0665"}, "page_size"),
        ({"since": "0165-01-01T00:00:00Z"}, "since"),
        ({"until": "0001-01-01T00:00:00+01:00"}, "until"),
        ({"cursor": "garbage"}, "cursor"),
        ({"cursor": "cD05OTk5OTk5OTk5OTk5OTk5OTk5OTk5OQ=="}, "cursor"),
    ],
)
def test_probe_results_refuse_bad_paging_and_dates(api, people, params, field):
    assert field in _refused(api["oscar"].get("/api/v1/ops/probes/results", params))["fields"]


def test_a_ten_megabyte_body_is_a_json_413(api):
    body = json.dumps({"reason": "x" * 10_000_000})
    body = _refused(api["oscar"].post("/api/v1/ops/trading/halt", body, content_type="application/json"), 413)
    assert body["error"] == "too_large"


def test_a_postmortem_put_with_misspelt_keys_is_refused_and_keeps_the_root_cause(api, incident):
    url = f"/api/v1/incidents/{incident.pk}/postmortem"
    assert api["ivy"].put(url, {"root_cause_analysis": "Disk full"}, format="json").status_code == 200
    events = Event.objects.count()
    body = _refused(api["ivy"].put(url, {"root_cuase_analysis": "typo", "prevention": "x"}, format="json"))
    assert set(body["fields"]) == {"root_cuase_analysis", "prevention"}
    assert PostMortem.objects.get(incident=incident).root_cause_analysis == "Disk full"
    assert Event.objects.count() == events


def test_unknown_fields_in_a_nested_body_are_refused(api, people, open_position):
    position = open_position()
    correct = {"instrument": "GOLD_MINI", "direction": "LONG", "size": "2", "entry_price": "71000", "stop": "1"}
    body = {"position_id": position.pk, "reason": "typo", "correct": correct}
    assert "correct" in _refused(api["pam"].post("/api/v1/pms/book/corrections", body, format="json"))["fields"]


@pytest.mark.parametrize("size", ["\u0665", "5\u0660", "\uff15"])
def test_non_ascii_digits_are_not_numbers(api, gold, size):
    body = {"instrument": "GOLD_MINI", "direction": "LONG", "size": size, "entry_price": "71000"}
    assert "size" in _refused(api["pam"].post("/api/v1/pms/book/positions/open", body, format="json"))["fields"]
    assert not Position.objects.exists()


def test_non_ascii_digits_in_a_dict_of_prices_are_refused(api, gold):
    body = {"manual_prices": {"GOLD_MINI": "\u0667\u0661\u0660\u0660\u0660"}, "reason": "r", "source": "s"}
    assert "manual_prices" in _refused(api["pam"].post("/api/v1/pms/book/mtm", body, format="json"))["fields"]
    assert not MtmRun.objects.exists()


def test_a_moment_with_an_offset_postgresql_cannot_store_is_read_in_utc(api, people):
    response = api["oscar"].get("/api/v1/ops/probes/results", {"since": "2165-08-23T14:00:42-17:12"})
    assert response.status_code == 200 and response.json()["results"] == []


def _serializers_within(serializer) -> list:
    """The serializer and every serializer nested in its fields (lists and dicts of them too)."""
    found, stack = [], [serializer]
    while stack:
        current = stack.pop()
        current = getattr(current, "child", current)
        if isinstance(current, PolymorphicProxySerializer):  # oneOf: each alternative is a request body
            stack.extend(s() if isinstance(s, type) else s for s in current.serializers)
        elif isinstance(current, serializers.BaseSerializer):
            found.append(current)
            stack.extend(current.fields.values())
        elif isinstance(current, serializers.Field) and hasattr(current, "child"):
            stack.append(current.child)
    return found


def test_every_request_body_of_the_api_is_read_by_a_strict_serializer():
    """So that a new endpoint cannot silently ignore misspelt keys again (one mechanism: core.serializers)."""
    generator = SchemaGenerator()
    loose = []
    for path, _, method, callback in EndpointEnumerator().get_api_endpoints():
        if method not in ("POST", "PUT", "PATCH"):
            continue
        request = generator.create_view(callback, method).schema.get_request_serializer()
        if request is None:
            continue
        instance = request() if isinstance(request, type) else request
        within = _serializers_within(instance)
        loose += [f"{method} {path}: {type(s).__name__}" for s in within if not isinstance(s, StrictInputMixin)]
    assert not loose, loose


def test_an_empty_as_of_is_the_book_as_it_is_now(api, open_position):
    position = open_position()
    response = api["pam"].get("/api/v1/pms/book/positions", {"as_of": ""})
    assert response.status_code == 200 and [row["id"] for row in response.json()["results"]] == [position.pk]


def test_non_ascii_digits_in_a_numeric_filter_are_refused(api, people):
    response = api["oscar"].get("/api/v1/ops/restores", {"backup": "\u0665"})
    assert "backup" in _refused(response)["fields"]
