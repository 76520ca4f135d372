"""Issue 12: with Redis (broker and cache) stopped, every approvable action is requested and approved
with a 2xx, nothing is left stuck, and the notices the requests recorded go out once Redis is back.

The approved actions themselves run inside the approving transaction (approvals' registry), so
they need no broker; what reaches Celery afterwards goes through the outbox (core/outbox.py).
A restore, which does need a worker, is covered in backups/tests/test_stuck.py.
"""

import pytest

from approvals.models import ApprovalRequest
from approvals.notifications import MAIL
from core import outbox
from core.models import OutboxMessage, OutboxStatus
from core.testing import queued_tasks

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
