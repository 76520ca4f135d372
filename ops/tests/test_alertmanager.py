"""Prometheus Alertmanager's webhook (payload version 4) → one incident per alert group.

The payloads are Alertmanager's real format (prometheus.io/docs/alerting/latest/configuration/
#webhook_config): firing then resolved, two alerts of one group, repeats and retries.
"""

import copy
import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from audit.models import Event
from incidents.models import Incident, Status, TimelineEvent
from incidents.services import incident_status_change
from ops.actions import OpsAction
from ops.models import AlertGroup

URL = "/api/v1/integrations/alertmanager"
TOKEN = "am-secret-for-tests"
GROUP = '{}/{alertname="HighErrorRate"}:{alertname="HighErrorRate"}'


def alert(instance: str, status: str = "firing", **labels) -> dict:
    return {
        "status": status,
        "labels": {"alertname": "HighErrorRate", "instance": instance, "severity": "critical", **labels},
        "annotations": {"summary": f"5xx above 5% on {instance}", "runbook": "db-unavailable"},
        "startsAt": "2026-12-04T10:00:00.000Z",
        "endsAt": "2026-12-04T10:20:00.000Z" if status == "resolved" else "0001-01-01T00:00:00Z",
        "generatorURL": "http://prometheus:9090/graph?g0.expr=rate",
        "fingerprint": f"fp-{instance}",
    }


def payload(*alerts: dict, status: str = "firing", group: str = GROUP) -> dict:
    return {
        "version": "4",
        "groupKey": group,
        "truncatedAlerts": 0,
        "status": status,
        "receiver": "pms-ops",
        "groupLabels": {"alertname": "HighErrorRate"},
        "commonLabels": {"alertname": "HighErrorRate", "severity": "critical"},
        "commonAnnotations": {},
        "externalURL": "http://alertmanager:9093",
        "alerts": list(alerts),
    }


@pytest.fixture
def hook(settings, db):
    settings.ALERTMANAGER_TOKEN = TOKEN
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {TOKEN}")

    def post(body, **extra):
        return client.post(URL, body, format="json", **extra)

    return post


def alert_events(incident: Incident) -> list[TimelineEvent]:
    return list(TimelineEvent.objects.filter(incident=incident, kind="alert").order_by("seq"))


def test_firing_then_resolved_two_alerts_of_one_group_give_one_incident_with_three_events(hook):
    firing = hook(payload(alert("api-1"), alert("api-2")))
    assert firing.status_code == 200, firing.content
    assert firing.json()["declared"] is True and firing.json()["events"] == 2
    incident = Incident.objects.get()
    assert incident.pk == firing.json()["incident_id"]
    assert incident.severity == "P1"  # severity=critical
    assert incident.detected_by == "alert:HighErrorRate"
    assert incident.runbook_version.runbook.slug == "db-unavailable"  # from the `runbook` annotation
    assert incident.title == "HighErrorRate: 5xx above 5% on api-1"

    resolved = hook(payload(alert("api-1", "resolved"), alert("api-2", "resolved"), status="resolved"))
    assert resolved.status_code == 200
    assert resolved.json() == {"incident_id": incident.pk, "declared": False, "events": 1}

    events = alert_events(incident)
    assert [e.text.split(":")[0] for e in events] == [
        "Alert HighErrorRate firing",
        "Alert HighErrorRate firing",
        "Alertmanager reports recovered",
    ]
    assert {e.data["fingerprint"] for e in events[:2]} == {"fp-api-1", "fp-api-2"}
    assert len(events[2].data["resolved"]) == 2
    incident.refresh_from_db()
    assert incident.status == Status.DECLARED  # the commander resolves, never the machine
    assert Incident.objects.count() == 1
    declared = Event.objects.filter(action=OpsAction.ALERTMANAGER_INCIDENT_DECLARED)
    assert declared.count() == 1 and declared.get().payload["incident_id"] == incident.pk


def test_a_repeated_or_retried_notification_adds_nothing(hook):
    body = payload(alert("api-1"), alert("api-2"))
    hook(body)
    again = hook(copy.deepcopy(body))
    assert again.json()["events"] == 0 and again.json()["declared"] is False
    assert len(alert_events(Incident.objects.get())) == 2


def test_a_new_alert_of_an_open_group_goes_onto_its_incident(hook):
    hook(payload(alert("api-1")))
    later = hook(payload(alert("api-1"), alert("api-3")))
    assert later.json()["events"] == 1
    incident = Incident.objects.get()
    assert [e.data["fingerprint"] for e in alert_events(incident)] == ["fp-api-1", "fp-api-3"]


def test_another_group_declares_its_own_incident(hook):
    hook(payload(alert("api-1")))
    other = payload(alert("db-1", alertname="DiskFull"), group='{}:{alertname="DiskFull"}')
    hook(other)
    assert Incident.objects.count() == 2
    assert AlertGroup.objects.count() == 2


def test_firing_again_after_the_incident_was_resolved_declares_a_new_one(hook, people):
    first = hook(payload(alert("api-1"))).json()["incident_id"]
    incident = Incident.objects.get(pk=first)
    for status in (Status.ACKNOWLEDGED, Status.RESOLVED):
        incident = incident_status_change(actor=people["ivy"], incident=incident, status=status)
    recurring = alert("api-1") | {"startsAt": "2026-12-04T12:00:00.000Z"}
    second = hook(payload(recurring)).json()
    assert second["declared"] is True and second["incident_id"] != first
    assert AlertGroup.objects.get().incident_id == second["incident_id"]


def test_a_resolved_notice_for_an_unknown_group_declares_nothing(hook):
    response = hook(payload(alert("api-1", "resolved"), status="resolved"))
    assert response.status_code == 200
    assert response.json() == {"incident_id": None, "declared": False, "events": 0}
    assert not Incident.objects.exists()


@pytest.mark.parametrize(
    ("label", "severity"),
    [({"severity": "P2"}, "P2"), ({"severity": "warning"}, "P3"), ({"severity": "info"}, "P4"), ({}, "P3")],
)
def test_severity_comes_from_the_label(hook, settings, label, severity):
    one = alert("api-1")
    one["labels"] = {"alertname": "Odd", "instance": "api-1", **label}
    one["annotations"] = {}
    body = payload(one)
    body["commonLabels"] = {"alertname": "Odd"}
    hook(body)
    incident = Incident.objects.get()
    assert incident.severity == severity
    assert incident.runbook_version is None  # no runbook named, and "odd" is none of the library's
    assert incident.title == "Alert Odd firing"


def test_the_runbook_can_come_from_the_alert_name(hook):
    one = alert("api-1", alertname="redis_unavailable")
    one["annotations"] = {}
    hook(payload(one))
    assert Incident.objects.get().runbook_version.runbook.slug == "redis-unavailable"


def test_without_a_configured_token_the_integration_is_off(api, settings):
    settings.ALERTMANAGER_TOKEN = ""
    response = api[None].post(URL, payload(alert("api-1")), format="json", HTTP_AUTHORIZATION="Bearer ")
    assert response.status_code == 404
    assert "ALERTMANAGER_TOKEN" in response.json()["detail"]
    assert not Incident.objects.exists()


@pytest.mark.parametrize("authorization", [None, "Bearer wrong", f"Token {TOKEN}", f"Bearer {TOKEN}x", "Bearer"])
def test_without_the_token_alerts_are_refused(api, settings, authorization):
    settings.ALERTMANAGER_TOKEN = TOKEN
    extra = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
    response = api[None].post(URL, payload(alert("api-1")), format="json", **extra)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="alertmanager"'
    assert not Incident.objects.exists()


def test_a_users_token_is_not_the_alertmanager_token(api, settings):
    settings.ALERTMANAGER_TOKEN = TOKEN
    assert api["oscar"].post(URL, payload(alert("api-1")), format="json").status_code == 401


def _bad_bodies() -> dict[str, dict]:
    unknown_alert_field = payload(alert("api-1"))
    unknown_alert_field["alerts"][0]["colour"] = "red"
    nested_label = payload(alert("api-1"))
    nested_label["alerts"][0]["labels"]["instance"] = {"host": "api-1"}
    return {
        "version 3": payload(alert("api-1")) | {"version": "3"},
        "unknown top-level field": payload(alert("api-1")) | {"extra": 1},
        "unknown alert field": unknown_alert_field,
        "no alerts": payload(),
        "alerts not a list": payload(alert("api-1")) | {"alerts": {"status": "firing"}},
        "status unknown": payload(alert("api-1")) | {"status": "pending"},
        "label not a string": nested_label,
        "groupKey missing": {k: v for k, v in payload(alert("api-1")).items() if k != "groupKey"},
        "negative truncatedAlerts": payload(alert("api-1")) | {"truncatedAlerts": -1},
    }


@pytest.mark.parametrize("name", list(_bad_bodies()))
def test_bad_payloads_are_refused_whole(hook, name):
    response = hook(_bad_bodies()[name])
    assert response.status_code == 400, response.content
    assert response.json()["error"] == "invalid"
    assert not Incident.objects.exists() and not AlertGroup.objects.exists()


def test_a_nul_byte_is_refused(hook):
    body = payload(alert("api-\x00"))
    assert hook(body).status_code == 400
    assert not Incident.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_notifications_of_a_new_group_at_once_declare_one_incident(settings):
    settings.ALERTMANAGER_TOKEN = TOKEN
    barrier = threading.Barrier(2)
    answers = []

    def send(instance: str):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
        barrier.wait()
        try:
            answers.append(client.post(URL, payload(alert(instance)), format="json").json())
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(name,)) for name in ("api-1", "api-2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Incident.objects.count() == 1
    assert sorted(a["declared"] for a in answers) == [False, True]
    assert len(alert_events(Incident.objects.get())) == 2
