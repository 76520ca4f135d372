"""A break is resolved by a correction proposed from it and approved, or by an explanation a second person accepts."""

import pytest

from approvals.services import approval_approve
from audit.models import Event
from book import services as book_services
from book.models import Position
from core.errors import Forbidden
from recon.models import Break

from .conftest import BREAKS, csv_of

APPROVE = "/api/v1/approvals/{}/approve"


@pytest.fixture
def quantity_break(post_statement, open_position) -> Break:
    position = open_position()  # LONG 2 GOLD_MINI @ 71000
    post_statement(csv_of("GOLD_MINI,LONG,3,71000"))
    brk = Break.objects.get()
    assert brk.kind == "quantity" and brk.correctable_position() == position.pk
    return brk


def test_an_accepted_explanation_resolves_the_break(api, quantity_break):
    proposed = api["pam"].post(f"{BREAKS}/{quantity_break.pk}/explanation", {"explanation": "Fill booked late"})
    assert proposed.status_code == 202, proposed.json()
    approval = proposed.json()["approval_id"]
    assert api["pam"].get(f"{BREAKS}/{quantity_break.pk}").json()["status"] == "open"
    again = api["paul"].post(f"{BREAKS}/{quantity_break.pk}/explanation", {"explanation": "Other reason"})
    assert again.status_code == 409  # one explanation at a time

    own = api["pam"].post(APPROVE.format(approval), {"comment": "mine"})
    assert own.status_code == 403  # the requester never accepts their own explanation
    accepted = api["alice"].post(APPROVE.format(approval), {"comment": "Checked the fill"})
    assert accepted.status_code == 200 and accepted.json()["status"] == "executed", accepted.json()

    body = api["pam"].get(f"{BREAKS}/{quantity_break.pk}").json()
    assert (body["status"], body["resolution"], body["approval_id"]) == ("resolved", "explanation", approval)
    assert [e["kind"] for e in body["events"]] == ["found", "explained", "resolved"]
    assert Event.objects.filter(action="recon.break.resolved", subject_id=str(quantity_break.pk)).count() == 1
    late = api["paul"].post(f"{BREAKS}/{quantity_break.pk}/explanation", {"explanation": "again"})
    assert late.status_code == 409


def test_a_correction_from_the_break_resolves_it_when_approved(people, quantity_break):
    request = book_services.correction_propose(
        actor=people["pam"],
        position_id=quantity_break.correctable_position(),
        reason="Broker shows 3 lots",
        correct={"instrument": "GOLD_MINI", "direction": "LONG", "size": "3", "entry_price": "71000"},
        origin=f"recon.break:{quantity_break.pk}",
    )
    quantity_break.refresh_from_db()
    assert quantity_break.status == "open"  # proposed is not approved
    approval_approve(actor=people["alice"], request_id=request.pk)
    request.refresh_from_db()
    assert request.status == "executed", request.failure_reason
    quantity_break.refresh_from_db()
    assert (quantity_break.status, quantity_break.resolution, quantity_break.approval_id) == (
        "resolved",
        "correction",
        request.pk,
    )
    resolved = quantity_break.events.get(kind="resolved")
    assert resolved.detail["correct_position_id"] == Position.objects.get(size=3).pk


def test_a_correction_without_origin_leaves_breaks_alone(people, quantity_break):
    request = book_services.correction_propose(
        actor=people["pam"],
        position_id=quantity_break.correctable_position(),
        reason="Unrelated",
        correct={"instrument": "GOLD_MINI", "direction": "LONG", "size": "3", "entry_price": "71000"},
    )
    approval_approve(actor=people["alice"], request_id=request.pk)
    quantity_break.refresh_from_db()
    assert quantity_break.status == "open"


def test_a_bad_origin_is_refused(people, quantity_break):
    with pytest.raises(Exception, match="not a reference"):
        book_services.correction_propose(
            actor=people["pam"],
            position_id=quantity_break.correctable_position(),
            reason="x",
            correct={"instrument": "GOLD_MINI", "direction": "LONG", "size": "3", "entry_price": "71000"},
            origin="recon.break:1; DROP",
        )


def test_an_explanation_needs_words_and_a_writer(api, quantity_break):
    assert api["pam"].post(f"{BREAKS}/{quantity_break.pk}/explanation", {"explanation": "  "}).status_code == 400
    assert api["audrey"].post(f"{BREAKS}/{quantity_break.pk}/explanation", {"explanation": "x"}).status_code == 403
    assert api["pam"].post(f"{BREAKS}/999999/explanation", {"explanation": "x"}).status_code == 404
    assert api["pam"].post(f"{BREAKS}/{quantity_break.pk}/explanation", {"explanation": "x", "y": 1}).status_code == 400


def test_the_approver_cannot_be_the_explainer(people, quantity_break):
    from recon.services import break_explain

    request = break_explain(actor=people["oscar"], break_id=quantity_break.pk, explanation="Broker rounding")
    with pytest.raises(Forbidden):
        approval_approve(actor=people["oscar"], request_id=request.pk)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_correction_from_the_break_and_an_explanation_of_it_at_once_do_not_deadlock(people, quantity_break):
    """The correction's hook locked the break after the approvals chains, while an explanation locks it
    before that chain: approving then deadlocked with an explanation proposed meanwhile. The correction
    now locks the break first (`break_correction_lock`): it resolves the break, the explanation is refused."""
    from core.errors import Conflict
    from core.testing import held_chain, race_behind
    from recon.services import break_explain

    request = book_services.correction_propose(
        actor=people["pam"],
        position_id=quantity_break.correctable_position(),
        reason="Broker shows 3 lots",
        correct={"instrument": "GOLD_MINI", "direction": "LONG", "size": "3", "entry_price": "71000"},
        origin=f"recon.break:{quantity_break.pk}",
    )
    outcome = race_behind(
        held_chain(Event, "approvals"),
        lambda: approval_approve(actor=people["alice"], request_id=request.pk),
        lambda: break_explain(actor=people["paul"], break_id=quantity_break.pk, explanation="Fill booked late"),
    )
    assert getattr(outcome["first"], "status", None) == "executed", outcome
    assert isinstance(outcome["second"], Conflict), outcome
    quantity_break.refresh_from_db()
    assert (quantity_break.status, quantity_break.resolution) == ("resolved", "correction")
