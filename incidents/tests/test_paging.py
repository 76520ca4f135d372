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


def test_a_delivery_its_worker_left_sending_is_sent_again_by_the_sweeper_once(
    people, rota, smtp, settings, django_capture_on_commit_callbacks
):
    """Issue 12: a worker that died between two retries left the page `sending` for ever."""
    with django_capture_on_commit_callbacks(execute=False):
        declare(people)
    page = Delivery.objects.get()
    Delivery.objects.update(state="sending", attempts=1, started_at=timezone.now(), last_error="SMTP: timed out")
    assert tasks.sweep_deliveries() == 0  # its retry may still be on the way
    lost = timezone.now() - dt.timedelta(seconds=settings.INCIDENTS_DELIVERY_STUCK_AFTER_SECONDS + 1)
    Delivery.objects.update(started_at=lost)  # ... but no retry waits that long: its worker died

    assert tasks.sweep_deliveries() == 1

    page.refresh_from_db()
    assert (len(smtp), page.state, page.attempts) == (1, "sent", 2)
    assert tasks.sweep_deliveries() == 0
    tasks.deliver(page.pk)  # the dead worker's retry, redelivered late
    assert len(smtp) == 1  # sent once, never again


def test_a_delivery_left_sending_after_its_last_retry_is_failed_onto_the_timeline(
    people, rota, smtp, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        incident = declare(people)
    lost = timezone.now() - dt.timedelta(seconds=settings.INCIDENTS_DELIVERY_STUCK_AFTER_SECONDS + 1)
    retries = settings.INCIDENTS_DELIVERY_RETRIES
    Delivery.objects.update(state="sending", attempts=retries + 1, started_at=lost, last_error="SMTP: timed out")

    assert tasks.sweep_deliveries() == 0

    assert (Delivery.objects.get().state, len(smtp)) == ("failed", 0)
    assert "SMTP: timed out" in incident.events.get(kind="delivery_failed").text


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_delivery_another_run_is_sending_is_left_to_it(people, rota, smtp):
    from core.testing import locked_elsewhere

    declare(people)  # committed (a transactional test): sent at once; made pending again below
    smtp.messages.clear()
    Delivery.objects.update(state="pending", attempts=0)
    page = Delivery.objects.get()
    with locked_elsewhere(f"incidents.deliver:{page.pk}"):  # the sweeper's re-send, while a retry is sending
        tasks.deliver(page.pk)
    assert (len(smtp), Delivery.objects.get().state) == (0, "pending")
    tasks.deliver(page.pk)
    assert (len(smtp), Delivery.objects.get().state) == (1, "sent")


def test_ops_sends_a_failed_page_again_from_the_admin(people, rota, smtp, django_capture_on_commit_callbacks):
    from django.test import Client

    smtp.stop()
    with django_capture_on_commit_callbacks(execute=True):
        declare(people)
    page = Delivery.objects.get()
    assert page.state == "failed"
    smtp.start()
    body = {"action": "send_again", "_selected_action": [page.pk]}
    url = "/admin/incidents/delivery/"
    auditor, ops = Client(), Client()
    auditor.force_login(people["audrey"])
    ops.force_login(people["oscar"])

    with django_capture_on_commit_callbacks(execute=True):
        assert auditor.post(url, body).status_code == 403
    assert (len(smtp), Delivery.objects.get().state) == (0, "failed")
    with django_capture_on_commit_callbacks(execute=True):
        response = ops.post(url, body, follow=True)

    assert f"Delivery #{page.pk} sent again." in response.content.decode()
    assert (len(smtp), Delivery.objects.get().state) == (1, "sent")
    assert Event.objects.get(action="incidents.delivery.resent").actor == "oscar"
