"""Two people hit the kill switch at the same instant: one halt is recorded, the other is told it stands."""

import threading

import pytest
from django.db import connection

from core.errors import Conflict
from ops import services
from ops.models import TradingChange


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_halts_record_exactly_one(people):
    barrier = threading.Barrier(2)
    outcomes = []

    def halt(who):
        try:
            barrier.wait()
            services.trading_halt(actor=people[who], reason=f"stop from {who}")
            outcomes.append("halted")
        except Conflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=halt, args=(who,)) for who in ("oscar", "pam")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["conflict", "halted"]
    assert TradingChange.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_approving_a_resume_takes_the_switch_before_any_approvals_chain(people):
    """Asking to resume takes the switch's chain, then the approvals chains; approving takes them in that
    order too (`TradingResume.lock`). So an approval waiting for the switch holds no approvals chain,
    and another request's writer is not stuck behind it (nor, holding the switch, deadlocked with it)."""
    from django.db import transaction

    from approvals.actions import ApprovalsAction
    from approvals.services import approval_approve
    from audit.services import event_record
    from core.testing import held_chain, until_waiting

    services.trading_halt(actor=people["oscar"], reason="Broker link down")
    request = services.trading_resume_request(actor=people["oscar"], reason="Broker back")
    release = held_chain(TradingChange, TradingChange.DEFAULT_CHAIN)
    outcome = {}

    def approve():
        try:
            outcome["approval"] = approval_approve(actor=people["alice"], request_id=request.pk)
        except Exception as exc:
            outcome["approval"] = exc
        finally:
            connection.close()

    approver = threading.Thread(target=approve)
    approver.start()
    try:
        until_waiting(1)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '5s'")  # fails here if the approver held the chain
            event_record(actor=people["paul"], action=ApprovalsAction.REQUEST_CREATED, subject_type="test")
    finally:
        release.set()
        approver.join(30)
    assert outcome["approval"].status == "executed", outcome
    assert TradingChange.objects.order_by("-seq").first().enabled
