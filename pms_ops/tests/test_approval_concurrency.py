"""Two approvers approving at the same instant: the action executes exactly once (PostgreSQL, real threads)."""

import threading

import pytest
from django.db import connection

from approvals.models import ApprovalRequest
from audit.models import Event
from book.models import Position
from core.testing import held_chain, race_behind

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


# One global lock order (book/services/locks.py): instruments, then positions, then chains, the
# book's own audit chain first among them. Each test below lines two real writers up behind a chain
# held by a third transaction (core.testing.race_behind), so the first in the queue meets the second's
# locks in the order that deadlocked in the full approvals drill; with the order kept, both succeed.


def _book(people, sizes=(2, 1)) -> list:
    from book import services

    services.instrument_create(
        actor=people["oscar"], symbol="GOLD_MINI", name="Gold", currency="INR", point_value=10, margin_per_lot=105000
    )
    return [
        services.position_open(actor=people["pam"], instrument="GOLD_MINI", direction="LONG", size=s, entry_price=71000)
        for s in sizes
    ]


def test_a_correction_approval_and_a_proposal_on_the_same_instrument_do_not_deadlock(people):
    """Drill finding: executing a correction locked the position's instrument FOR UPDATE (select_related
    under select_for_update) after the approvals chain; a correction proposed meanwhile on another
    position of that instrument held the instrument and waited for the approvals chain."""
    from approvals.services import approval_approve
    from audit.models import Event as AuditEvent
    from book import services

    first, other = _book(people)
    correct = {"instrument": "GOLD_MINI", "direction": "SHORT", "size": 2, "entry_price": 71000}
    request = services.correction_propose(actor=people["pam"], position_id=first.pk, reason="short", correct=correct)
    outcome = race_behind(
        held_chain(AuditEvent, "approvals"),
        lambda: approval_approve(actor=people["alice"], request_id=request.pk),
        lambda: services.correction_propose(
            actor=people["paul"], position_id=other.pk, reason="size", correct={**correct, "size": 1}
        ),
    )
    assert isinstance(outcome["first"], ApprovalRequest) and outcome["first"].status == "executed", outcome
    assert isinstance(outcome["second"], ApprovalRequest), outcome


def test_a_price_override_approval_and_a_new_position_do_not_deadlock(people):
    """Drill finding: an override's approval appended the book's audit chain, then the ledger; opening a
    position appended the ledger, then the book's audit chain. Both now take the book's chain first."""
    from approvals.services import approval_approve
    from audit.models import Event as AuditEvent
    from book import services

    _book(people)
    request = services.mtm_run(
        actor=people["pam"], manual_prices={"GOLD_MINI": "71100"}, reason="feed stuck", source="broker"
    )
    outcome = race_behind(
        held_chain(AuditEvent, "book"),
        lambda: approval_approve(actor=people["alice"], request_id=request.pk),
        lambda: services.position_open(
            actor=people["paul"], instrument="GOLD_MINI", direction="SHORT", size=1, entry_price=71000
        ),
    )
    assert isinstance(outcome["first"], ApprovalRequest) and outcome["first"].status == "executed", outcome
    assert isinstance(outcome["second"], Position), outcome


def test_a_manual_price_approval_and_a_feed_price_do_not_deadlock(people):
    """A feed's prices were recorded and audited, then their instruments locked for the checks; a manual
    price's approval locks the instrument first. The feed now locks its instruments before any chain."""
    from approvals.models import ApprovalDecision
    from approvals.services import approval_approve
    from book import services

    _book(people, sizes=(2,))
    prices = [{"instrument": "GOLD_MINI", "price": "71050", "source": "desk"}]
    request = services.prices_record(actor=people["pam"], prices=prices, reason="feed down")
    outcome = race_behind(
        held_chain(ApprovalDecision, ApprovalDecision.DEFAULT_CHAIN),
        lambda: approval_approve(actor=people["alice"], request_id=request.pk),
        lambda: services.prices_record(
            actor=people["feed"], prices=[{"instrument": "GOLD_MINI", "price": "71060", "source": "feed"}]
        ),
    )
    assert isinstance(outcome["first"], ApprovalRequest) and outcome["first"].status == "executed", outcome
    assert isinstance(outcome["second"], list), outcome
