"""Who may read the audit API: Auditor, Ops and superusers; nobody may write through it."""

import pytest

from audit.models import Event
from conftest import client_for, make_user

READERS = {"audrey", "oscar"}
OTHERS = {"pam", "alice", "ivy", "nobody"}


def urls(trail) -> list[str]:
    return ["/api/v1/audit/events", f"/api/v1/audit/events/{trail[0].pk}", "/api/v1/audit/verify"]


@pytest.mark.parametrize("who", sorted(READERS | OTHERS))
def test_read_matrix(api, trail, who):
    for url in urls(trail):
        response = api[who].get(url)
        assert response.status_code == (200 if who in READERS else 403), (who, url)
        if who not in READERS:
            assert response.json()["error"] == "permission_denied"


def test_anonymous_is_401(api, trail):
    for url in urls(trail):
        response = api[None].get(url)
        assert response.status_code == 401 and response.json()["error"] == "not_authenticated"


def test_a_superuser_reads(db, trail):
    root = make_user("root", is_superuser=True)
    for url in urls(trail):
        assert client_for(root).get(url).status_code == 200


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_no_write_through_the_api(api, trail, method):
    before = list(Event.objects.order_by("id").values_list("id", "hash"))
    for url in urls(trail):
        assert getattr(api["audrey"], method)(url, {"actor": "mallory"}, format="json").status_code == 405
        assert getattr(api["pam"], method)(url, {"actor": "mallory"}, format="json").status_code == 403
        assert getattr(api[None], method)(url, {"actor": "mallory"}, format="json").status_code == 401
    assert list(Event.objects.order_by("id").values_list("id", "hash")) == before
