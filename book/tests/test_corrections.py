"""Seed 004 scenario 3, "Incorrect Position Recorded": one proposed act, executed on a second person's approval."""

import pytest

from approvals.models import ApprovalRequest
from audit.models import Event
from book import selectors
from book.models import LedgerEntry, Position
from journal.models import JournalEntry

from .conftest import D

CORRECTIONS = "/api/v1/pms/book/corrections"
RIGHT = {"instrument": "GOLD_MINI", "direction": "SHORT", "size": 2, "entry_price": 71000, "stop_price": 71500}


def _propose(api, position, who="pam", **extra):
    body = {
        "position_id": position.pk,
        "reason": "Broker statement shows a short, not a long.",
        "correct": RIGHT,
        **extra,
    }
    return api[who].post(CORRECTIONS, body, format="json")


def test_the_pm_proposes_and_an_approver_executes_the_whole_correction(api, open_position):
    wrong = open_position()
    equity_before = selectors.portfolio_state()["closed_equity"]
    proposed = _propose(api, wrong)
    assert proposed.status_code == 202, proposed.json()
    approval_id = proposed.json()["approval_id"]
    assert proposed.json()["status"] == "pending"
    assert Position.objects.count() == 1  # nothing happens before the second pair of eyes

    approved = api["alice"].post(f"/api/v1/approvals/{approval_id}/approve", {"comment": "Checked"}, format="json")
    assert approved.status_code == 200, approved.json()
    body = approved.json()
    assert body["status"] == "executed"
    wrong.refresh_from_db()
    right = Position.objects.get(pk=body["result"]["correct_position_id"])
    # Post-recovery checklist, by construction:
    assert wrong.status == "CLOSED" and wrong.realized_pnl == 0 and wrong.exit_price == wrong.entry_price
    assert (right.status, right.direction, right.size, right.entry_price, right.stop_price) == (
        "OPEN",
        "SHORT",
        2,
        71000,
        71500,
    )
    assert right.corrects_id == wrong.pk
    entry = JournalEntry.objects.get(pk=body["result"]["journal_entry_id"])
    assert entry.entry_type == "correction" and entry.author.username == "pam"
    assert {"kind": "position", "id": str(wrong.pk)} in entry.links
    assert {"kind": "position", "id": str(right.pk)} in entry.links
    assert {"kind": "approval", "id": str(approval_id)} in entry.links
    assert f"Correct position opened as {right.pk}" in entry.content
    assert selectors.portfolio_state()["closed_equity"] == equity_before  # total P&L unaffected
    assert LedgerEntry.objects.filter(kind="correction").count() == 2
    actions = list(Event.objects.filter(actor="alice").values_list("action", flat=True))
    for step in (
        "approvals.request.approved",
        "book.position.closed",
        "book.position.opened",
        "book.correction.executed",
        "approvals.request.executed",
    ):
        assert step in actions
    assert Event.objects.filter(action="journal.entry.added", actor="pam").exists()
    stored, recomputed = selectors.risk_validation()
    assert stored == recomputed == D("10000.00")  # |71000 - 71500| * 2 * 10


def test_the_requester_cannot_approve_their_own_correction(api, open_position):
    approval_id = _propose(api, open_position()).json()["approval_id"]
    response = api["pam"].post(f"/api/v1/approvals/{approval_id}/approve", {}, format="json")
    assert response.status_code == 403
    assert ApprovalRequest.objects.get(pk=approval_id).status == "pending"
    assert Position.objects.count() == 1


def test_a_pm_who_is_not_an_approver_cannot_approve(api, open_position):
    approval_id = _propose(api, open_position()).json()["approval_id"]
    assert api["paul"].post(f"/api/v1/approvals/{approval_id}/approve", {}, format="json").status_code == 403


def test_a_closed_position_cannot_be_corrected(api, people, open_position):
    from book.services import position_close

    position = position_close(actor=people["pam"], position_id=open_position().pk, exit_price=71000)
    response = _propose(api, position)
    assert response.status_code == 409
    assert not ApprovalRequest.objects.exists()


def test_one_pending_correction_per_position(api, open_position):
    position = open_position()
    first = _propose(api, position)
    second = _propose(api, position, who="paul")
    assert second.status_code == 409
    assert second.json()["approval_id"] == first.json()["approval_id"]
    assert ApprovalRequest.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"position_id": 999999}, None),
        ({"correct": {**RIGHT, "size": -2}}, "correct"),  # nested: {"correct": {"size": [...]}}
        ({"correct": {**RIGHT, "instrument": "SILVER"}}, "instrument"),
        ({"correct": {**RIGHT, "direction": "UP"}}, "correct"),
        ({"reason": ""}, "reason"),
        (
            {
                "correct": {
                    "instrument": "GOLD_MINI",
                    "direction": "LONG",
                    "size": 2,
                    "entry_price": 71000,
                    "stop_price": 70500,
                }
            },
            "correct",
        ),
    ],
)
def test_a_bad_correction_is_refused_and_writes_nothing(api, open_position, body, field):
    position = open_position()
    payload = {"position_id": position.pk, "reason": "typo", "correct": RIGHT, **body}
    response = api["pam"].post(CORRECTIONS, payload, format="json")
    assert response.status_code == (404 if field is None else 400), response.json()
    if field:
        assert field in response.json()["fields"]
    assert not ApprovalRequest.objects.exists()


def test_a_failing_execution_leaves_nothing_of_the_action(api, people, open_position):
    """The wrong position was closed by hand after the proposal: the request fails, nothing is half-done."""
    from book.services import position_close

    position = open_position()
    approval_id = _propose(api, position).json()["approval_id"]
    position_close(actor=people["paul"], position_id=position.pk, exit_price=71300)
    response = api["alice"].post(f"/api/v1/approvals/{approval_id}/approve", {}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "failed" and "closed" in response.json()["failure_reason"]
    assert Position.objects.count() == 1
    assert not JournalEntry.objects.exists()
    assert not Event.objects.filter(action="book.correction.executed").exists()


def test_seed_004s_manual_steps_still_work_as_written(api, open_position):
    """Steps 1 and 3 of the runbook, as raw calls: close at entry (zero P&L), open the correct one."""
    wrong = open_position()
    closed = api["pam"].post(
        f"/api/v1/pms/book/positions/{wrong.pk}/close",
        {"exit_price": 71000, "notes": "CORRECTION: Closing incorrect position entry"},
        format="json",
    )
    assert closed.status_code == 200 and D(closed.json()["realized_pnl"]) == 0
    opened = api["pam"].post("/api/v1/pms/book/positions/open", RIGHT, format="json")
    assert opened.status_code == 201 and opened.json()["direction"] == "SHORT"


def test_the_approver_sees_the_preview_and_the_diff(api, open_position):
    approval_id = _propose(api, open_position()).json()["approval_id"]
    detail = api["alice"].get(f"/api/v1/approvals/{approval_id}").json()
    preview = detail["preview"]
    assert preview["pnl_effect"] == "0.00" and len(preview["steps"]) == 3
    changed = {row["field"]: (row["wrong"], row["right"]) for row in preview["diff"] if row["changed"]}
    assert changed == {"direction": ("LONG", "SHORT"), "stop_price": ("70500.000000", "71500.000000")}


def test_an_overdue_proposal_no_longer_blocks_a_new_one(api, open_position):
    import datetime as dt

    from django.utils import timezone

    position = open_position()
    first = _propose(api, position).json()["approval_id"]
    ApprovalRequest.objects.filter(pk=first).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    assert _propose(api, position, who="paul").status_code == 202


@pytest.mark.postgres  # SQLite appends to a chain in three statements, not one
def test_proposing_and_approving_a_correction_cost_a_bounded_number_of_queries(
    api, open_position, django_assert_max_num_queries
):
    """Every chain append is one statement, no savepoint guards nothing, nothing just written is read back."""
    wrong = open_position()
    with django_assert_max_num_queries(16):
        approval_id = _propose(api, wrong).json()["approval_id"]
    with django_assert_max_num_queries(43):  # 4 of them create alice's API token
        approved = api["alice"].post(f"/api/v1/approvals/{approval_id}/approve", {}, format="json")
    assert approved.json()["status"] == "executed"
