"""Approvers are told through the outbox: recorded with the request, mailed by a worker, retried, never dropped.

Mail goes to a real SMTP server of the test's own; the chat webhook to a real local HTTP server.
"""

import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import connections
from django.utils import timezone

from approvals import notifications
from core import outbox
from core.models import OutboxMessage, OutboxStatus

pytestmark = pytest.mark.django_db(transaction=True)


def notices(status: str | None = None):
    rows = OutboxMessage.objects.filter(handler=notifications.MAIL)
    return rows.filter(status=status) if status else rows


def make_due() -> None:
    """The retry's backoff has passed."""
    OutboxMessage.objects.update(due_at=timezone.now() - timedelta(minutes=5))


def test_a_new_request_mails_its_approvers_through_a_real_smtp_server(smtp, pending):
    request = pending(n=1)

    assert len(smtp.messages) == 1
    assert sorted(smtp[0]["X-RcptTo"].split(", ")) == ["alice@example.com", "arthur@example.com"]
    assert smtp[0]["Subject"] == f"[PMS Ops] Approval needed: Test action #{request.pk}"
    notice = notices().get()
    assert (notice.status, notice.attempts, notice.args) == (OutboxStatus.DONE, 1, [request.pk])


def test_mail_server_down_the_request_is_made_and_the_notice_arrives_once_it_is_back(smtp, pending, settings):
    smtp.stop()
    request = pending(n=1)

    notice = notices().get()
    assert request.pk and notice.status == OutboxStatus.PENDING and notice.attempts == 1
    assert "ConnectionRefusedError" in notice.error
    assert notice.due_at > timezone.now() + timedelta(seconds=settings.OUTBOX_RETRY_SECONDS - 5)  # backs off
    assert outbox.outbox_sweep()["resent"] == []  # not due yet: nothing is sent early

    smtp.start()
    make_due()
    assert outbox.outbox_sweep()["resent"] == [notice.pk]  # eager here: the worker delivers it now

    assert len(smtp.messages) == 1
    notice.refresh_from_db()
    assert (notice.status, notice.attempts, notice.error) == (OutboxStatus.DONE, 2, "")


def test_a_notice_that_never_gets_through_is_marked_failed_with_its_error(smtp, pending, settings, caplog):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    smtp.stop()
    pending(n=1)
    for _ in range(2):
        make_due()
        outbox.outbox_sweep()

    notice = notices().get()
    assert (notice.status, notice.attempts) == (OutboxStatus.FAILED, 3)
    assert "ConnectionRefusedError" in notice.error and notice.finished_at
    assert f"outbox message {notice.pk} failed for good after 3 attempts" in caplog.text
    make_due()
    assert outbox.outbox_sweep()["resent"] == []  # failed is final: visible, not retried for ever


def test_a_notice_delivered_twice_is_mailed_once(smtp, pending):
    pending(n=1)
    notice = notices().get()

    assert outbox.message_deliver(notice.pk) == "skipped"
    assert len(smtp.messages) == 1 and notices().get().attempts == 1


@pytest.mark.postgres
def test_two_concurrent_deliveries_of_one_notice_mail_it_once(smtp, pending):
    pending(n=1)
    notice = notices().get()
    notices().update(status=OutboxStatus.PENDING, attempts=0)  # as if the first publish never arrived
    smtp.messages.clear()
    barrier, results = threading.Barrier(2), []

    def deliver() -> None:
        try:
            barrier.wait()
            results.append(outbox.message_deliver(notice.pk))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(results) == [OutboxStatus.DONE, "skipped"]
    assert len(smtp.messages) == 1


def test_a_worker_lost_mid_notice_is_retried_by_the_sweeper(smtp, pending, settings):
    smtp.stop()
    pending(n=1)
    smtp.start()
    lost = timezone.now() - timedelta(seconds=settings.OUTBOX_STALE_AFTER_SECONDS + 1)
    OutboxMessage.objects.update(status=OutboxStatus.RUNNING, started_at=lost)  # its worker was SIGKILLed

    outbox.outbox_sweep()  # lost → pending, due after the backoff
    make_due()
    outbox.outbox_sweep()

    assert len(smtp.messages) == 1
    assert notices().get().status == OutboxStatus.DONE


class _Chat(BaseHTTPRequestHandler):
    answers: list[int] = []
    received: list[bytes] = []
    deliveries: list[str] = []

    def do_POST(self) -> None:
        self.received.append(self.rfile.read(int(self.headers["Content-Length"])))
        self.deliveries.append(self.headers.get("X-PMS-Delivery", ""))
        self.send_response(self.answers.pop(0) if self.answers else 200)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def chat(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Chat)
    _Chat.answers, _Chat.received, _Chat.deliveries = [], [], []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.NOTIFY_WEBHOOK_URL = f"http://127.0.0.1:{server.server_port}/hook"
    yield _Chat
    server.shutdown()
    server.server_close()


def test_a_chat_outage_retries_the_webhook_without_mailing_twice(smtp, chat, pending):
    chat.answers = [502]
    request = pending(n=1)

    hook = OutboxMessage.objects.get(handler=notifications.WEBHOOK)
    assert hook.status == OutboxStatus.PENDING and "HTTPError" in hook.error and "502" in hook.error
    make_due()
    outbox.outbox_sweep()

    assert len(chat.received) == 2 and f"#{request.pk}".encode() in chat.received[1]
    # the retry carries the first post's delivery id, so a receiver can drop a repeat
    assert chat.deliveries == [f"approvals.request.{request.pk}.waiting"] * 2
    assert OutboxMessage.objects.get(handler=notifications.WEBHOOK).status == OutboxStatus.DONE
    assert len(smtp.messages) == 1


def test_no_webhook_message_when_no_chat_is_configured(smtp, pending, settings):
    settings.NOTIFY_WEBHOOK_URL = ""
    pending(n=1)
    assert list(OutboxMessage.objects.values_list("handler", flat=True)) == [notifications.MAIL]
