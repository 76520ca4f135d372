"""Escalation walks seed 003's path on time: the backup, then each level; for a P1 until it is resolved.

Time is moved by the test (time-machine), never slept; every step is a `page` event, an audit
event and real mail.
"""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from audit.models import Event
from incidents import tasks
from incidents.models import Incident
from incidents.services import incident_declare, incident_event_add, incident_role_assign, incident_status_change
from incidents.services.escalation import incident_escalate

# 09:00 UTC today: the rota fixture's shift covers today.
T0 = dt.datetime.combine(dt.date.today(), dt.time(9), tzinfo=dt.UTC)


def at(minutes: float):
    return time_machine.travel(T0 + dt.timedelta(minutes=minutes), tick=False)


def run(capture) -> int:
    with capture(execute=True):
        return tasks.escalate_unacknowledged()


@pytest.fixture
def p1(people, rota, smtp, django_capture_on_commit_callbacks):
    with at(0), django_capture_on_commit_callbacks(execute=True):
        return incident_declare(actor=people["ivy"], title="All services down", severity="P1")


def test_a_p1_walks_the_path_until_resolved(p1, people, smtp, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    assert [m["X-RcptTo"] for m in smtp] == ["oscar@example.com"]  # paged at declaration
    with at(4.9):
        assert run(capture) == 0  # P1: acknowledge within 5 minutes
    with at(5):
        assert run(capture) == 1
        assert run(capture) == 0  # one step per run, and the next is 5 minutes away
    assert smtp[-1]["X-RcptTo"] == "ivy@example.com"  # the on-call backup
    assert "/incidents/acknowledge/" in smtp[-1].get_content()
    with at(10):
        assert run(capture) == 1
    assert smtp[-1]["X-RcptTo"] == "lead@example.com"  # level 2, team lead
    with at(11):
        incident_status_change(actor=people["oscar"], incident=p1, status="acknowledged")
    with at(24.9):
        assert run(capture) == 0  # acknowledged: the next level only past the 15-minute response time
    with at(25):
        assert run(capture) == 1
    assert smtp[-1]["X-RcptTo"] == "manager@example.com"
    assert "not resolved within 15 min" in smtp[-1].get_content()
    assert "/incidents/acknowledge/" not in smtp[-1].get_content()  # already acknowledged
    with at(26):
        incident_status_change(actor=people["oscar"], incident=p1, status="resolved")
    with at(90):
        assert run(capture) == 0  # resolved: the path stops
    pages = list(p1.events.filter(kind="page").order_by("seq").values_list("text", flat=True))
    assert [text.split(":")[0] for text in pages] == [
        "Paged the on-call",
        "Escalated to the on-call backup",
        "Escalated to level 2 (Team lead)",
        "Escalated to level 3 (Engineering manager)",
    ]
    assert "not acknowledged within 5 min" in pages[1]
    assert Event.objects.filter(action="incidents.incident.escalated").count() == 3
    assert [m["X-RcptTo"] for m in smtp] == [
        "oscar@example.com",
        "ivy@example.com",
        "lead@example.com",
        "manager@example.com",
    ]


def test_the_path_ends_at_its_last_level(p1, django_capture_on_commit_callbacks):
    for minute in (5, 10, 15, 20, 25, 30):
        with at(minute):
            run(django_capture_on_commit_callbacks)
    p1.refresh_from_db()
    assert p1.escalation_level == 4  # the CTO, seed 003's last level
    with at(60):
        assert run(django_capture_on_commit_callbacks) == 0


def test_a_p2_escalates_only_while_unacknowledged(people, rota, smtp, django_capture_on_commit_callbacks):
    with at(0):
        p2 = incident_declare(actor=people["ivy"], title="Trading service down", severity="P2")
    with at(30):
        assert incident_escalate(incident=p2) == "the on-call backup"
        incident_status_change(actor=people["oscar"], incident=p2, status="acknowledged")
    with at(300):
        assert incident_escalate(incident=p2) is None  # P2 does not escalate until resolved


def test_the_targets_are_edited_per_severity(people, rota):
    from incidents.models import Severity

    Severity.objects.filter(code="P2").update(acknowledge_minutes=2)
    with at(0):
        p2 = incident_declare(actor=people["ivy"], title="Errors > 5%", severity="P2")
    with at(2):
        assert tasks.escalate_unacknowledged() == 1
    Incident.objects.filter(pk=p2.pk).update(status="acknowledged")
    Severity.objects.filter(code="P2").update(escalate_until_resolved=True, response_minutes=3)
    with at(5):
        assert tasks.escalate_unacknowledged() == 1


def test_p1_commander_is_reminded_of_the_team_update_cadence(people, smtp, django_capture_on_commit_callbacks):
    with at(0):
        incident = incident_declare(actor=people["ivy"], title="Data loss", severity="P1")
        incident_role_assign(actor=people["ivy"], incident=incident, role="commander", user="ivy")
        incident_status_change(actor=people["ivy"], incident=incident, status="acknowledged")
        assert tasks.remind_status_updates() == 0  # just declared: nothing due
    with at(6), django_capture_on_commit_callbacks(execute=True):
        assert tasks.remind_status_updates() == 1
        assert tasks.remind_status_updates() == 0  # reminded just now
    assert smtp[-1]["X-RcptTo"] == "ivy@example.com"
    assert "status update due" in smtp[-1]["Subject"]
    assert incident.events.filter(kind="comms", author="system:cadence").count() == 1
    with at(7):
        incident_event_add(actor=people["ivy"], incident=incident, kind="comms", text="Update: restoring from backup")
    with at(11):
        assert tasks.remind_status_updates() == 0


@pytest.mark.postgres
@pytest.mark.worker
def test_a_real_worker_escalates(celery_worker_process, people, rota):
    """The beat task's message runs in a real `celery worker` on Redis and the test database."""
    incident = incident_declare(actor=people["ivy"], title="All services down", severity="P1")
    Incident.objects.filter(pk=incident.pk).update(escalated_at=timezone.now() - dt.timedelta(minutes=6))
    assert tasks.escalate_unacknowledged.delay().get(timeout=30) == 1
    incident.refresh_from_db()
    assert incident.backup_paged_at is not None
    assert incident.events.filter(kind="page", author="system:paging").count() == 2
