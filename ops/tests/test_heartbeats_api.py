"""POST /api/v1/ops/heartbeats/{name}: Ops token, optional body, leadership history."""

import pytest

from audit.models import Event
from ops.models import Heartbeat, LeadershipChange

URL = "/api/v1/ops/heartbeats/{}"


@pytest.fixture
def beat(heartbeat, people):
    return heartbeat("trading-instance", seen_ago=None)


def test_a_ping_with_no_body_records_last_seen(api, beat):
    response = api["oscar"].post(URL.format("trading-instance"))
    assert response.status_code == 200, response.content
    assert response.json()["late"] is False
    beat.refresh_from_db()
    assert beat.last_seen_at is not None


def test_status_and_instance_are_kept(api, beat):
    body = {"status": "running", "instance": "host-a"}
    assert api["oscar"].post(URL.format("trading-instance"), body, format="json").status_code == 200
    beat.refresh_from_db()
    assert (beat.last_status, beat.last_instance, beat.leader) == ("running", "host-a", "")


def test_leadership_changes_are_history(api, beat):
    client = api["oscar"]
    for instance in ("host-a", "host-a", "host-b"):
        assert (
            client.post(URL.format(beat.name), {"leader": True, "instance": instance}, format="json").status_code == 200
        )
    client.post(URL.format(beat.name), {"leader": False, "instance": "host-b"}, format="json")
    changes = [(c.previous_leader, c.new_leader) for c in LeadershipChange.objects.order_by("id")]
    assert changes == [("", "host-a"), ("host-a", "host-b"), ("host-b", "")]
    assert Event.objects.filter(action="ops.heartbeat.leader_changed").count() == 3
    history = api["audrey"].get(URL.format(beat.name) + "/leadership").json()["results"]
    assert [h["new_leader"] for h in history] == ["", "host-b", "host-a"]


def test_unknown_name_is_404(api, beat):
    response = api["oscar"].post(URL.format("no-such-beat"))
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"leader": "yes"}, "leader"),
        ({"leader": 1, "instance": "a"}, "leader"),
        ({"status": ["running"]}, "status"),
        ({"instance": "x" * 201}, "instance"),
        ({"leader": True}, "instance"),
        ({"colour": "green"}, "colour"),
    ],
)
def test_a_malformed_body_is_400_naming_the_field_and_changes_nothing(api, beat, body, field):
    response = api["oscar"].post(URL.format(beat.name), body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["fields"]
    beat.refresh_from_db()
    assert beat.last_seen_at is None


def test_a_body_that_is_not_json_is_400(api, beat):
    response = api["oscar"].post(URL.format(beat.name), data="{nope", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"] == "malformed_request"


def test_only_ops_may_ping(api, beat):
    assert api[None].post(URL.format(beat.name)).status_code == 401
    assert api["pam"].post(URL.format(beat.name)).status_code == 403
    assert Heartbeat.objects.get().last_seen_at is None


def test_the_list_says_which_are_late(api, heartbeat, people):
    heartbeat("on-time", seen_ago=1)
    heartbeat("late-one", seen_ago=500)
    rows = {r["name"]: r["late"] for r in api["audrey"].get("/api/v1/ops/heartbeats").json()["results"]}
    assert rows == {"on-time": False, "late-one": True}
