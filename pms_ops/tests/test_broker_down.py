"""Issue 12: with Redis (broker and cache) stopped, every approvable action is requested and approved
with a 2xx, nothing is left stuck, and the notices the requests recorded go out once Redis is back.

The approved actions themselves run inside the approving transaction (approvals' registry), so
they need no broker; what reaches Celery afterwards goes through the outbox (core/outbox.py).
A restore, which does need a worker, is covered in backups/tests/test_stuck.py.
"""

import json
import time

import pytest
import redis

from approvals.models import ApprovalRequest
from approvals.notifications import MAIL
from core import outbox
from core.models import OutboxMessage, OutboxStatus
from core.testing import queued_tasks
from pms_ops.celery import app, ping

pytestmark = pytest.mark.django_db(transaction=True)

RIGHT = {"instrument": "GOLD_MINI", "direction": "SHORT", "size": 2, "entry_price": 71000, "stop_price": 71500}


def correction(api, position):
    body = {"position_id": position.pk, "reason": "Broker statement shows a short.", "correct": RIGHT}
    return api["pam"].post("/api/v1/pms/book/corrections", body, format="json")


def manual_price(api, position):
    body = {"instrument": "GOLD_MINI", "price": 71450, "source": "Bloomberg", "reason": "Feed stale since 14:00"}
    return api["pam"].post("/api/v1/pms/book/prices", body, format="json")


def price_override(api, position):
    body = {"manual_prices": {"GOLD_MINI": 71450}, "reason": "Feed was stale", "source": "Bloomberg"}
    return api["pam"].post("/api/v1/pms/book/mtm", body, format="json")


def trading_resume(api, position):
    assert (
        api["oscar"].post("/api/v1/ops/trading/halt", {"reason": "Duplicate fills"}, format="json").status_code == 201
    )
    return api["oscar"].post("/api/v1/ops/trading/resume", {"reason": "Fills reconciled"}, format="json")


@pytest.mark.parametrize("ask", [correction, manual_price, price_override, trading_resume], ids=lambda f: f.__name__)
def test_redis_stopped_an_approvable_is_requested_and_approved_and_its_notice_follows(
    ask, api, broker, smtp, open_position
):
    position = open_position()
    broker.stop()

    asked = ask(api, position)
    assert asked.status_code == 202, asked.content
    approved = api["alice"].post(f"/api/v1/approvals/{asked.json()['approval_id']}/approve", {}, format="json")

    assert approved.status_code == 200, approved.content
    request = ApprovalRequest.objects.get(pk=asked.json()["approval_id"])
    assert request.status == "executed", request.failure_reason
    notice = OutboxMessage.objects.get(handler=MAIL, args=[request.pk])
    assert (notice.status, notice.attempts, smtp.messages) == (OutboxStatus.PENDING, 0, [])  # never sent, kept

    broker.start()
    assert outbox.outbox_sweep()["resent"] == [notice.pk]
    assert queued_tasks(broker.url) == [(outbox.DELIVER, [notice.pk])]
    assert outbox.message_deliver(notice.pk) == OutboxStatus.DONE  # what the worker does with that message
    assert len(smtp.messages) == 1
    assert f"#{request.pk}" in smtp[0]["Subject"]


def _wait(condition, what: str, worker, seconds: float = 60) -> None:
    """Poll until `condition()`; fail at once if the worker exited meanwhile."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert worker.poll() is None, f"the worker exited (code {worker.returncode}) while waiting: {what}"
        assert time.monotonic() < deadline, f"not within {seconds} s: {what}"
        time.sleep(0.5)


@pytest.mark.postgres
@pytest.mark.worker
def test_the_worker_outlives_a_redis_restart_and_drains_the_outbox_after_it(api, broker, start_worker, open_position):
    """Issue 12 (drills' finding): Redis went away under a worker holding a message, and the worker exited."""
    position = open_position()
    with start_worker(broker.url, pool="prefork") as worker:
        ping.apply_async(countdown=600)  # a message the worker holds unacked while Redis goes away
        _wait(lambda: app.control.inspect(timeout=1).scheduled(), "the worker holds the delayed message", worker)
        broker.stop()
        asked = correction(api, position)
        assert asked.status_code == 202, asked.content
        notice = OutboxMessage.objects.get(handler=MAIL, args=[asked.json()["approval_id"]])
        time.sleep(10)  # the worker meets the outage: its connection is lost and it tries again and again
        assert worker.poll() is None, "the worker exited when Redis went away"

        broker.start()
        _wait(lambda: app.control.ping(timeout=0.5), "the worker answers again after Redis' return", worker)
        assert outbox.outbox_sweep()["resent"] == [notice.pk]  # beat's sweep, due every minute
        _wait(lambda: OutboxMessage.objects.get(pk=notice.pk).status == OutboxStatus.DONE, "notice sent", worker)
        fresh = ping.apply_async()
        results = redis.Redis.from_url(broker.url)
        _wait(lambda: results.get(f"celery-task-meta-{fresh.id}"), "a task published after the return ran", worker)
        assert json.loads(results.get(f"celery-task-meta-{fresh.id}"))["result"] == "pong"
        assert worker.poll() is None
