"""Issue 12: a message the outbox gave up on is found in the admin and sent again by hand (Ops only)."""

import pytest
from django.test import Client
from django.urls import reverse

from approvals.notifications import MAIL
from audit.models import Event
from conftest import make_user
from core.errors import Conflict
from core.models import OutboxMessage, OutboxStatus
from ops.services import outbox_message_resend

CHANGELIST = "admin:core_outboxmessage_changelist"
RIGHT = {"instrument": "GOLD_MINI", "direction": "SHORT", "size": 2, "entry_price": 71000, "stop_price": 71500}


@pytest.fixture
def failed_notice(api, open_position, smtp, settings, django_capture_on_commit_callbacks):
    """An approval request's mail that failed for good: the mail server was down through every attempt."""
    settings.OUTBOX_MAX_ATTEMPTS = 1
    smtp.stop()
    body = {"position_id": open_position().pk, "reason": "Broker statement shows a short.", "correct": RIGHT}
    with django_capture_on_commit_callbacks(execute=True):
        asked = api["pam"].post("/api/v1/pms/book/corrections", body, format="json")
    assert asked.status_code == 202, asked.content
    notice = OutboxMessage.objects.get(handler=MAIL, args=[asked.json()["approval_id"]])
    assert notice.status == OutboxStatus.FAILED and "refused" in notice.error.lower()
    smtp.start()  # the mail server is back
    return notice


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def send_again(user, notice: OutboxMessage):
    body = {"action": "send_again", "_selected_action": [notice.pk]}
    return signed_in(user).post(reverse(CHANGELIST), body, follow=True)


def test_a_superuser_and_ops_find_the_failed_message_and_an_auditor_is_refused(people, failed_notice):
    url = reverse(CHANGELIST) + "?status=failed"
    for user in (make_user("root", is_superuser=True), people["oscar"]):
        page = signed_in(user).get(url)
        assert page.status_code == 200, user
        text = page.content.decode()
        assert MAIL in text and failed_notice.error[:30] in text
        assert "Send again" in text  # the action is offered
    assert signed_in(people["audrey"]).get(url).status_code == 403
    assert Client().get(url).status_code == 302  # anonymous: the login page


def test_ops_sends_it_again_and_it_is_delivered_once(people, failed_notice, smtp, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = send_again(people["oscar"], failed_notice)

    assert f"Outbox message #{failed_notice.pk} sent again." in response.content.decode()
    failed_notice.refresh_from_db()
    assert (failed_notice.status, failed_notice.attempts) == (OutboxStatus.DONE, 1)
    [mail] = smtp
    assert f"#{failed_notice.args[0]}" in mail["Subject"]
    event = Event.objects.get(action="ops.outbox_message.resent")
    assert (event.actor, event.subject_id, event.payload["attempts"]) == ("oscar", str(failed_notice.pk), 1)


def test_an_auditor_cannot_send_it_again(people, failed_notice, smtp, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = send_again(people["audrey"], failed_notice)

    assert response.status_code == 403
    assert OutboxMessage.objects.get(pk=failed_notice.pk).status == OutboxStatus.FAILED
    assert len(smtp) == 0 and not Event.objects.filter(action="ops.outbox_message.resent").exists()


def test_only_a_failed_message_is_sent_again(people, failed_notice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        outbox_message_resend(actor=people["oscar"], message_id=failed_notice.pk)
    with pytest.raises(Conflict, match="is done: only a failed one"):
        outbox_message_resend(actor=people["oscar"], message_id=failed_notice.pk)
