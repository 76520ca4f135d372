"""Two approvers approving at the same instant: the action executes exactly once (PostgreSQL, real threads)."""

import threading

import pytest
from django.db import connection

from approvals.models import ApprovalRequest
from audit.models import Event
from book.models import Position

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(calls) -> list:
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def test_two_approvers_at_once_execute_the_correction_exactly_once(api, people):
    from book import services

    services.instrument_create(
        actor=people["oscar"], symbol="GOLD_MINI", name="Gold", currency="INR", point_value=10, margin_per_lot=105000
    )
    wrong = services.position_open(
        actor=people["pam"], instrument="GOLD_MINI", direction="LONG", size=2, entry_price=71000
    )
    request = services.correction_propose(
        actor=people["pam"],
        position_id=wrong.pk,
        reason="short, not long",
        correct={"instrument": "GOLD_MINI", "direction": "SHORT", "size": 2, "entry_price": 71000},
    )
    url = f"/api/v1/approvals/{request.pk}/approve"
    clients = [api["alice"], api["arthur"]]
    responses = _race([lambda c=c: c.post(url, {}, format="json") for c in clients])
    codes = sorted(r.status_code for r in responses)
    assert codes == [200, 409], [r.json() for r in responses]
    assert ApprovalRequest.objects.get(pk=request.pk).status == "executed"
    assert Position.objects.count() == 2
    assert Event.objects.filter(action="book.correction.executed").count() == 1


def test_two_proposals_for_one_position_at_once_make_one_request(api, people):
    from book import services

    services.instrument_create(
        actor=people["oscar"], symbol="GOLD_MINI", name="Gold", currency="INR", point_value=10, margin_per_lot=105000
    )
    wrong = services.position_open(
        actor=people["pam"], instrument="GOLD_MINI", direction="LONG", size=2, entry_price=71000
    )
    body = {
        "position_id": wrong.pk,
        "reason": "typo",
        "correct": {"instrument": "GOLD_MINI", "direction": "SHORT", "size": 2, "entry_price": 71000},
    }
    responses = _race(
        [lambda c=c: c.post("/api/v1/pms/book/corrections", body, format="json") for c in (api["pam"], api["paul"])]
    )
    assert sorted(r.status_code for r in responses) == [202, 409]
    assert ApprovalRequest.objects.count() == 1


def test_an_approval_waits_for_the_position_before_it_takes_any_chain(people):
    """Drill finding: approving took the approvals chain's lock, then waited for the position; a
    correction proposed meanwhile held the position and waited for that chain: a deadlock. The
    approval now locks the position first, so the proposal that holds it finishes and both succeed."""
    from approvals.services import approval_approve
    from book import services
    from book.models import Position as P

    services.instrument_create(
        actor=people["oscar"], symbol="GOLD_MINI", name="Gold", currency="INR", point_value=10, margin_per_lot=105000
    )
    first = services.position_open(
        actor=people["pam"], instrument="GOLD_MINI", direction="LONG", size=2, entry_price=71000
    )
    other = services.position_open(
        actor=people["pam"], instrument="GOLD_MINI", direction="LONG", size=1, entry_price=71000
    )
    correct = {"instrument": "GOLD_MINI", "direction": "SHORT", "size": 2, "entry_price": 71000}
    request = services.correction_propose(actor=people["pam"], position_id=first.pk, reason="short", correct=correct)
    holding, approving_started = threading.Event(), threading.Event()
    outcome = {}

    def proposer():  # holds the position (as a proposal does), then writes to the approvals chain
        from django.db import transaction

        try:
            with transaction.atomic():
                P.objects.select_for_update().get(pk=first.pk)
                holding.set()
                approving_started.wait(10)
                threading.Event().wait(1.0)  # the approver is now waiting for the position, holding no chain
                outcome["proposal"] = services.correction_propose(
                    actor=people["paul"], position_id=other.pk, reason="size", correct={**correct, "size": 1}
                )
        except Exception as exc:  # a deadlock would surface here (or in the approver)
            outcome["proposal"] = exc
        finally:
            connection.close()

    def approver():
        holding.wait(10)
        approving_started.set()
        try:
            outcome["approval"] = approval_approve(actor=people["alice"], request_id=request.pk)
        except Exception as exc:
            outcome["approval"] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=proposer), threading.Thread(target=approver)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert isinstance(outcome["proposal"], ApprovalRequest), outcome
    assert isinstance(outcome["approval"], ApprovalRequest) and outcome["approval"].status == "executed", outcome
