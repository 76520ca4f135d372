"""Subscribers: e-mail addresses that hear of incidents of the severities they chose (REST and admin)."""

import pytest
from django.test import Client

from audit.models import Event
from incidents.models import Subscriber

URL = "/api/v1/incidents/subscribers"


def test_subscribe_change_and_unsubscribe(api):
    created = api["ivy"].post(URL, {"email": "desk@example.com", "severities": ["P2", "P1", "P1"]}, format="json")
    assert created.status_code == 201, created.data
    assert created.data["severities"] == ["P1", "P2"] and created.data["active"] is True
    pk = created.data["id"]
    changed = api["oscar"].patch(f"{URL}/{pk}", {"active": False}, format="json")
    assert changed.status_code == 200 and changed.data["active"] is False
    assert changed.data["severities"] == ["P1", "P2"]  # PATCH keeps what it does not name
    assert api["oscar"].get(URL).data["results"][0]["email"] == "desk@example.com"
    assert api["ivy"].delete(f"{URL}/{pk}").status_code == 204
    assert not Subscriber.objects.exists()
    actions = list(Event.objects.filter(subject_type="incidents.subscriber").values_list("action", flat=True))
    assert actions == ["incidents.subscriber.saved", "incidents.subscriber.saved", "incidents.subscriber.removed"]
    assert Event.objects.filter(action="incidents.subscriber.saved").last().payload["before"]["active"] is True


@pytest.mark.parametrize("name", ["pam", "alice", "audrey", "feed", "nobody"])
def test_only_incident_commanders_and_ops_see_or_manage_subscribers(api, name):
    Subscriber.objects.create(email="desk@example.com", severities=["P1"], created_by="ivy")
    pk = Subscriber.objects.get().pk
    assert api[name].get(URL).status_code == 403
    assert api[name].post(URL, {"email": "x@example.com", "severities": ["P1"]}, format="json").status_code == 403
    assert api[name].delete(f"{URL}/{pk}").status_code == 403
    assert Subscriber.objects.count() == 1


@pytest.mark.parametrize(
    "body",
    [
        {"email": "not-an-address", "severities": ["P1"]},
        {"email": "desk@example.com", "severities": []},
        {"email": "desk@example.com", "severities": ["P9"]},
        {"email": "desk@example.com", "severities": "P1"},
        {"email": "desk@example.com"},
        {"email": "desk@example.com", "severities": ["P1"], "phone": "123"},
    ],
)
def test_bad_subscriptions_are_refused(api, body):
    response = api["ivy"].post(URL, body, format="json")
    assert response.status_code == 400, response.data
    assert response.data["error"] and response.data["fields"]
    assert not Subscriber.objects.exists()


def test_an_address_subscribes_once(api):
    api["ivy"].post(URL, {"email": "desk@example.com", "severities": ["P1"]}, format="json")
    again = api["ivy"].post(URL, {"email": "DESK@example.com", "severities": ["P2"]}, format="json")
    assert again.status_code == 409 and again.data["fields"]["email"]
    assert api["ivy"].get(f"{URL}/99999").status_code == 404
    assert Subscriber.objects.get().severities == ["P1"]


def test_the_admin_manages_subscribers_through_the_service(people):
    client = Client()
    client.force_login(people["oscar"])
    response = client.post(
        "/admin/incidents/subscriber/add/", {"email": "desk@example.com", "severities": ["P1", "P3"], "active": "on"}
    )
    assert response.status_code == 302, response.content[:2000]
    assert Subscriber.objects.get().severities == ["P1", "P3"]
    assert Subscriber.objects.get().created_by == "oscar"
    assert Event.objects.filter(action="incidents.subscriber.saved", actor="oscar").exists()
    pam = Client()
    pam.force_login(people["pam"])
    assert pam.get("/admin/incidents/subscriber/").status_code == 403
