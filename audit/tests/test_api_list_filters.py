"""An auditor lists the trail with filters and cursor pages; bad filters are 400s naming the parameter."""

import pytest

URL = "/api/v1/audit/events"


def ids(response) -> list[int]:
    return [item["id"] for item in response.json()["results"]]


def test_newest_first_with_every_field(api, trail):
    response = api["audrey"].get(URL)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"results", "next", "previous"}
    assert ids(response)[:8] == [e.pk for e in reversed(trail)]
    first = body["results"][0]
    assert first["action"] == "audittest.thing.closed" and first["actor"] == "pam"
    assert first["hash"] == trail[-1].hash and first["prev_hash"] == trail[-1].prev_hash


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"actor": "audrey"}, [5, 2]),
        ({"actor": "system:probes"}, [6, 3]),
        ({"action": "audittest.thing.closed"}, [7, 5, 1]),
        ({"action": "audittest.thing."}, [7, 5, 4, 2, 1, 0]),
        ({"action": "audittestother"}, [6, 3]),
        ({"action": "audittest"}, [7, 6, 5, 4, 3, 2, 1, 0]),
        ({"subject_type": "item"}, [6, 3]),
        ({"subject_type": "thing", "subject_id": "3"}, [5, 4]),
        ({"subject_id": "1"}, [1, 0]),
        ({"since": "2026-11-02T03:00:00Z"}, [7, 6, 5, 4, 3, 2]),
        ({"until": "2026-11-02T03:00:00Z"}, [1, 0]),
        ({"since": "2026-11-02", "until": "2026-11-03T06:00:00+00:00", "actor": "pam"}, [4]),
        ({"since": "2026-11-01T10:00:00+01:00", "until": "2026-11-01T18:00:00.000001Z"}, [1, 0]),
        ({"actor": "nobody-at-all"}, []),
    ],
)
def test_filters(api, trail, params, expected):
    response = api["audrey"].get(URL, params)
    assert response.status_code == 200, response.json()
    assert ids(response) == [trail[i].pk for i in expected]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"since": "yesterday"}, "since"),
        ({"until": "2026-13-01T00:00:00Z"}, "until"),
        ({"since": "2026-11-03T00:00:00Z", "until": "2026-11-01T00:00:00Z"}, "until"),
        ({"actr": "audrey"}, "actr"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "ten"}, "page_size"),
        ({"page_size": "501"}, "page_size"),
        ({"format": "xml"}, "format"),
        ({"actor": "x" * 151}, "actor"),
    ],
)
def test_bad_filters_are_400_naming_the_parameter(api, trail, params, field):
    response = api["audrey"].get(URL, params)
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid" and field in body["fields"], body
    assert field in body["detail"]


def test_cursor_pages_forward_and_back(api, trail):
    client = api["audrey"]
    first = client.get(URL, {"page_size": 3, "action": "audittest"})
    assert ids(first) == [e.pk for e in reversed(trail[5:])] and first.json()["previous"] is None
    second = client.get(first.json()["next"])
    assert ids(second) == [e.pk for e in reversed(trail[2:5])]
    third = client.get(second.json()["next"])
    assert ids(third) == [trail[1].pk, trail[0].pk] and third.json()["next"] is None
    back = client.get(third.json()["previous"])
    assert ids(back) == ids(second)


def test_filters_survive_in_the_next_link(api, trail):
    first = api["audrey"].get(URL, {"page_size": 1, "actor": "pam"})
    second = api["audrey"].get(first.json()["next"])
    assert "actor=pam" in first.json()["next"]
    assert ids(second) == [trail[4].pk]


@pytest.mark.parametrize("cursor", ["garbage", "cD1hYmM=", "%%%", "bz14JnA9MQ=="])
def test_garbage_cursor_is_400(api, trail, cursor):
    response = api["audrey"].get(URL, {"cursor": cursor})
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_cursor" and "cursor" in response.json()["fields"]
