"""Unacknowledged incidents climb seed 003's escalation path one level at a time; P1s get cadence reminders."""

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail
from django.utils import timezone

from audit.models import Event
from incidents import tasks
from incidents.models import EscalationLevel, Incident, OnCallShift
from incidents.services import incident_declare, incident_event_add, incident_role_assign, incident_status_change
from incidents.services.escalation import incident_escalate


@pytest.fixture
def webhook():
    """A real HTTP endpoint on localhost that records what is posted to it."""
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook", received
    server.shutdown()


@pytest.fixture
def rota(people):
    today = timezone.localdate()
    OnCallShift.objects.create(
        role="DevOps", primary=people["oscar"], backup=people["ivy"], starts_on=today, ends_on=today
    )
    EscalationLevel.objects.filter(level=2).update(email="lead@example.com")
    EscalationLevel.objects.filter(level=3).update(email="manager@example.com")


def age(incident: Incident, minutes: int) -> None:
    Incident.objects.filter(pk=incident.pk).update(declared_at=timezone.now() - dt.timedelta(minutes=minutes))


def test_escalates_one_level_per_run_by_mail_and_webhook(
    people, rota, webhook, settings, django_capture_on_commit_callbacks
):
    url, received = webhook
    settings.INCIDENTS_WEBHOOK_URL = url
    incident = incident_declare(actor=people["ivy"], title="All services down", severity="P1")
    age(incident, 50)  # three P1 targets (15 min) have passed
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.escalate_unacknowledged.delay().get() == 1  # through Celery (eager in tests)
    incident.refresh_from_db()
    assert incident.escalation_level == 1
    assert mail.outbox[-1].to == ["oscar@example.com"]
    assert "escalated to level 1" in mail.outbox[-1].subject
    assert received[-1]["level"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        tasks.escalate_unacknowledged()
        tasks.escalate_unacknowledged()
        tasks.escalate_unacknowledged()  # level 4 is not due yet: nothing
    incident.refresh_from_db()
    assert incident.escalation_level == 3
    assert [m.to for m in mail.outbox] == [["oscar@example.com"], ["lead@example.com"], ["manager@example.com"]]
    texts = list(incident.events.filter(kind="comms").values_list("text", flat=True))
    assert [t.split(" (")[0] for t in texts] == ["Escalated to level 1", "Escalated to level 2", "Escalated to level 3"]
    assert Event.objects.filter(action="incidents.incident.escalated").count() == 3


def test_nothing_escalates_before_the_target_or_after_acknowledgement(people, rota):
    fresh = incident_declare(actor=people["ivy"], title="Dashboard slow", severity="P3")
    age(fresh, 100)  # P3 target is 2 h
    acked = incident_declare(actor=people["ivy"], title="Trading down", severity="P2")
    age(acked, 90)
    incident_status_change(actor=people["ivy"], incident=acked, status="acknowledged")
    assert tasks.escalate_unacknowledged() == 0
    assert incident_escalate(incident=acked) is None
    assert not mail.outbox


def test_the_target_is_edited_per_severity(people, rota):
    from incidents.models import Severity

    Severity.objects.filter(code="P3").update(response_minutes=10)
    incident = incident_declare(actor=people["ivy"], title="Dashboard slow", severity="P3")
    age(incident, 11)
    assert tasks.escalate_unacknowledged() == 1


def test_p1_commander_is_reminded_of_the_update_cadence(people, django_capture_on_commit_callbacks):
    incident = incident_declare(actor=people["ivy"], title="Data loss", severity="P1")
    incident_role_assign(actor=people["ivy"], incident=incident, role="commander", user="ivy")
    incident_status_change(actor=people["ivy"], incident=incident, status="acknowledged")
    assert tasks.remind_status_updates() == 0  # just declared: nothing due
    age(incident, 6)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.remind_status_updates() == 1
        assert tasks.remind_status_updates() == 0  # reminded just now
    assert mail.outbox[-1].to == ["ivy@example.com"]
    assert "status update due" in mail.outbox[-1].subject
    assert incident.events.filter(kind="comms", author="system:cadence").count() == 1
    incident_event_add(actor=people["ivy"], incident=incident, kind="comms", text="Update: restoring from backup")
    assert tasks.remind_status_updates() == 0
    p2 = incident_declare(actor=people["ivy"], title="Errors", severity="P2")
    age(p2, 60)
    assert tasks.remind_status_updates() == 0


@pytest.mark.postgres
@pytest.mark.worker
def test_a_real_worker_escalates(celery_worker_process, people, rota):
    """The beat task's message runs in a real `celery worker` on Redis and the test database."""
    incident = incident_declare(actor=people["ivy"], title="All services down", severity="P1")
    age(incident, 20)
    assert tasks.escalate_unacknowledged.delay().get(timeout=30) == 1
    incident.refresh_from_db()
    assert incident.escalation_level == 1
    assert incident.events.filter(kind="comms", author="system:escalation").count() == 1
