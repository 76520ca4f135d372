"""Declaring pages the on-call at once: real mail through SMTP, signed webhooks, an outbox that never drops."""

import datetime as dt
import json

import pytest
from django.db import transaction
from django.utils import timezone

from audit.models import Event
from incidents import tasks
from incidents.models import Delivery, Incident
from incidents.services import incident_declare

from .conftest import WEBHOOK_SECRET, ack_link


def declare(people, severity="P1", actor=None, **extra):
    return incident_declare(actor=actor or people["ivy"], title="All services down", severity=severity, **extra)


def test_a_p1_pages_the_on_call_by_mail_and_both_webhooks(
    people, rota, smtp, hooks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        incident = declare(people)
    [page] = smtp
    assert page["X-RcptTo"] == "oscar@example.com"
    assert page["Subject"] == f"[PMS Ops] PAGE P1 #{incident.pk}: All services down"
    body = page.get_content()
    assert f"War room: http://127.0.0.1:8000/incidents/{incident.pk}/" in body
    assert ack_link(page).startswith("/incidents/acknowledge/")
    by_path = {post["path"]: post for post in hooks.posts}
    assert set(by_path) == {"/json", "/slack"}
    assert all(hooks.signature_ok(i, WEBHOOK_SECRET) for i in range(2))
    generic = json.loads(by_path["/json"]["body"])
    assert generic["event"] == "incident.paged"
    assert generic["incident"] == {
        "id": incident.pk,
        "title": "All services down",
        "severity": "P1",
        "status": "declared",
        "url": f"http://127.0.0.1:8000/incidents/{incident.pk}/",
    }
    slack = json.loads(by_path["/slack"]["body"])
    assert set(slack) == {"text"} and f"/incidents/{incident.pk}/|Open the war room>" in slack["text"]
    assert list(Delivery.objects.values_list("state", flat=True)) == ["sent"] * 3
    event = incident.events.get(kind="page")
    assert event.text == "Paged the on-call: oscar@example.com; webhooks: 2"
    assert Event.objects.filter(action="incidents.incident.paged", subject_id=str(incident.pk)).exists()
    incident.refresh_from_db()
    assert incident.escalation_level == 1


def test_a_probe_declaring_pages_the_same_way(people, rota, smtp, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        incident = declare(people, severity="P2", actor="system:probes", detected_by="probe:database")
    assert [m["X-RcptTo"] for m in smtp] == ["oscar@example.com"]
    assert "(detected by probe:database)" in smtp[0].get_content()
    assert incident.events.filter(kind="page", author="system:paging").exists()


def test_p3_notifies_without_an_acknowledge_link_and_never_escalates(
    people, rota, smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        incident = declare(people, severity="P3")
    [notice] = smtp
    assert notice["Subject"].startswith("[PMS Ops] FYI P3")
    assert "/incidents/acknowledge/" not in notice.get_content()
    assert incident.events.get(kind="page").text.startswith("Notified the on-call")
    Incident.objects.filter(pk=incident.pk).update(declared_at=timezone.now() - dt.timedelta(days=3))
    assert tasks.escalate_unacknowledged() == 0


def test_nobody_on_call_is_said_on_the_timeline(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        incident = declare(people)
    assert incident.events.get(kind="page").text == "Paged the on-call: nobody is on call"
    assert not Delivery.objects.exists()


def test_pages_are_recorded_in_the_declaring_transaction_and_sent_only_after_commit(
    people, rota, smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        declare(people)
    assert Delivery.objects.get().state == "pending"  # recorded with the incident
    assert not smtp  # nothing leaves before commit
    with pytest.raises(RuntimeError), transaction.atomic():
        declare(people)
        raise RuntimeError("the declaring transaction fails")
    assert Delivery.objects.count() == 1  # a rolled-back declaration pages nobody
    for callback in callbacks:
        callback()
    assert len(smtp) == 1 and Delivery.objects.get().state == "sent"


def test_the_sweeper_sends_what_no_worker_started(people, rota, smtp, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        declare(people)  # the broker never got the message
    assert tasks.sweep_deliveries() == 0  # too young: its worker may still be on the way
    Delivery.objects.update(created_at=timezone.now() - dt.timedelta(minutes=2))
    assert tasks.sweep_deliveries() == 1
    assert len(smtp) == 1 and Delivery.objects.get().state == "sent"
    assert tasks.sweep_deliveries() == 0  # sent once, never again


def test_a_failing_webhook_is_retried_then_put_on_the_timeline(
    people, rota, smtp, hooks, django_capture_on_commit_callbacks
):
    hooks.status = 500
    with django_capture_on_commit_callbacks(execute=True):
        incident = declare(people)
    json_hook = Delivery.objects.get(channel="webhook")
    assert (json_hook.state, json_hook.attempts) == ("failed", 3)  # the first try and two retries
    assert "HTTP Error 500" in json_hook.last_error
    assert len([p for p in hooks.posts if p["path"] == "/json"]) == 3
    failed = incident.events.filter(kind="delivery_failed")
    assert failed.count() == 2  # the JSON and the Slack webhook; the mail went out
    assert f"to {hooks.url}/json: HTTPError" in failed.get(data__channel="webhook").text
    assert Delivery.objects.get(channel="email").state == "sent"
    assert Event.objects.filter(action="incidents.delivery.failed").count() == 2


def test_an_unreachable_mail_server_is_a_failed_delivery_on_the_timeline(
    people, rota, settings, django_capture_on_commit_callbacks
):
    from core.testing import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nothing listens there
    settings.INCIDENTS_DELIVERY_RETRIES = 1
    with django_capture_on_commit_callbacks(execute=True):
        incident = declare(people)
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts) == ("failed", 2)
    assert "oscar@example.com" in incident.events.get(kind="delivery_failed").text


def test_email_url_configures_the_smtp_backend():
    """`EMAIL_URL` in django-environ's form is what the settings read."""
    import subprocess
    import sys

    code = "from django.conf import settings as s; print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT)"
    env = {"EMAIL_URL": "smtp://127.0.0.1:2525", "DJANGO_SETTINGS_MODULE": "pms_ops.settings", "PATH": "/usr/bin"}
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"], env=env, capture_output=True, text=True
    )
    assert out.stdout.split() == ["django.core.mail.backends.smtp.EmailBackend", "127.0.0.1", "2525"], out.stderr
    del env["EMAIL_URL"]
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"], env=env, capture_output=True, text=True
    )
    assert out.stdout.split()[0] == "django.core.mail.backends.console.EmailBackend", out.stderr
