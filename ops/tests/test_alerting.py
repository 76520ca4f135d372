"""A CRITICAL probe declares one incident with its runbook and evidence; recovery is a `probe` event."""

import pytest

from audit.models import Event
from ops.models import AlertRule, Level, ProbeState


@pytest.fixture
def Incident():
    from incidents.models import Incident

    return Incident


def probe_events(incident):
    return list(incident.events.filter(kind="probe").order_by("pk"))


def test_two_failures_in_an_hour_declare_an_incident_with_the_runbook(record, Incident):
    record("database", "fail", "OperationalError: connection refused")
    assert not Incident.objects.exists()
    critical = record("database", "fail", "OperationalError: connection refused")
    assert critical.level == Level.CRITICAL
    incident = Incident.objects.get()
    assert (incident.severity, incident.detected_by) == ("P1", "probe:database")
    assert "database" in incident.title
    assert ProbeState.objects.get(probe="database").incident_id == incident.pk
    events = probe_events(incident)
    assert len(events) == 1
    assert "connection refused" in events[0].text
    assert events[0].data["result_id"] == critical.pk
    assert Event.objects.filter(action="ops.alert.incident_declared", subject_id="database").count() == 1


def test_the_rule_picks_the_runbook_and_severity(record, Incident):
    AlertRule.objects.filter(probe="risk_validation").update(severity="P2")
    for _ in range(2):
        record("risk_validation", "fail", "Risk mismatch: DB=125000.0, Calculated=125420.0, Diff=420.0")
    incident = Incident.objects.get()
    assert incident.severity == "P2"
    assert incident.runbook_version.runbook.slug == "validation-failed"


def test_no_second_incident_while_one_is_open(record, Incident):
    for _ in range(5):
        record("heartbeats", "fail", "late: morning-pack (never seen)")
    assert Incident.objects.filter(detected_by="probe:heartbeats").count() == 1


def test_recovery_says_so_once_and_leaves_the_incident_open(record, Incident):
    record("redis", "fail", "ConnectionError")
    record("redis", "fail", "ConnectionError")
    record("redis", "ok", "PONG", latency_ms=0.4)
    record("redis", "ok", "PONG", latency_ms=0.4)
    incident = Incident.objects.get()
    texts = [e.text for e in probe_events(incident)]
    assert len(texts) == 2 and texts[1].startswith("redis recovered: ok")
    assert Incident.objects.open().filter(pk=incident.pk).exists()
    assert ProbeState.objects.get(probe="redis").incident_id is None


def test_failing_again_after_recovery_reuses_the_open_incident(record, Incident):
    for status in ("fail", "fail", "ok", "fail", "fail"):
        record("disk", status, "only 1% free" if status == "fail" else "50% free")
    incident = Incident.objects.get()
    assert [e.text.split(":")[0] for e in probe_events(incident)] == [
        "disk CRITICAL",
        "disk recovered",
        "disk failing again",
    ]


def test_a_disabled_rule_declares_nothing(record, Incident):
    AlertRule.objects.filter(probe="chains").update(enabled=False)
    for _ in range(3):
        record("chains", "fail", "chain broken")
    assert not Incident.objects.exists()
