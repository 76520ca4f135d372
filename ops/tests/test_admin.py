"""Ops edits alert rules and heartbeats in the admin; each save goes through a service and is audited."""

from django.urls import reverse

from audit.models import Event
from ops.models import AlertRule, Heartbeat


def test_ops_changes_a_threshold_in_the_admin(client, people):
    client.force_login(people["oscar"])
    rule = AlertRule.objects.get(probe="database")
    url = reverse("admin:ops_alertrule_change", args=[rule.pk])
    assert client.get(url).status_code == 200
    form = {
        "probe": "database",
        "enabled": "on",
        "critical_failures": 3,
        "critical_window_minutes": 30,
        "warning_latency_ms": 400,
        "info_latency_ms": 80,
        "severity": "P1",
        "runbook": "db-unavailable",
    }
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    rule.refresh_from_db()
    assert (rule.critical_failures, rule.critical_window_minutes, rule.warning_latency_ms) == (3, 30, 400)
    event = Event.objects.get(action="ops.alert_rule.saved")
    assert (event.actor, event.payload["critical_failures"], event.payload["created"]) == ("oscar", 3, False)


def test_ops_defines_a_heartbeat_in_the_admin(client, people):
    client.force_login(people["oscar"])
    form = {"name": "morning-pack", "description": "", "period_seconds": 86400, "grace_seconds": 3600, "enabled": "on"}
    response = client.post(reverse("admin:ops_heartbeat_add"), form)
    assert response.status_code == 302
    assert Heartbeat.objects.get().period_seconds == 86400
    assert Event.objects.get(action="ops.heartbeat.saved").payload["created"] is True


def test_a_pm_cannot_edit_alert_rules(client, people):
    client.force_login(people["pam"])
    rule = AlertRule.objects.get(probe="database")
    assert client.get(reverse("admin:ops_alertrule_change", args=[rule.pk])).status_code == 403


def test_probe_results_are_read_only_in_the_admin(client, people, record):
    result = record("disk")
    client.force_login(people["oscar"])
    assert client.get(reverse("admin:ops_proberesult_changelist")).status_code == 200
    assert client.post(reverse("admin:ops_proberesult_delete", args=[result.pk]), {"post": "yes"}).status_code == 403
