"""Seed 003's "Close all positions": one approved act, at the latest prices, journalled and audited."""

from decimal import Decimal

import pytest
from django.test import Client

from approvals.models import ApprovalRequest
from approvals.services import approval_approve
from audit.models import Event
from book import services
from book.models import LedgerEntry, Position
from core.errors import Conflict, Forbidden
from journal.models import JournalEntry


def _prices(people, **prices) -> None:
    rows = [{"instrument": symbol, "price": price, "source": "feed"} for symbol, price in prices.items()]
    services.prices_record(actor=people["feed"], prices=rows)


@pytest.fixture
def book(people, open_position):
    long_gold = open_position()  # LONG 2 @ 71000, point value 10
    short_nifty = open_position(instrument="BANK_NIFTY", direction="SHORT", size=1, entry_price=45000, stop_price=None)
    closed = open_position(size=1)
    services.position_close(actor=people["pam"], position_id=closed.pk, exit_price=71000)
    _prices(people, GOLD_MINI=71500, BANK_NIFTY=45100)
    return {"long": long_gold, "short": short_nifty, "closed": closed}


def test_an_approved_close_all_closes_every_open_position_at_its_latest_price(people, book):
    request = services.close_all_propose(actor=people["pam"], reason="Broker outage: flatten the book.")
    assert Position.objects.open().count() == 2  # nothing happens before the second person
    approval_approve(actor=people["alice"], request_id=request.pk, comment="Agreed")

    request.refresh_from_db()
    assert request.status == "executed", request.failure_reason
    assert Position.objects.open().count() == 0
    long, short = (Position.objects.get(pk=book[k].pk) for k in ("long", "short"))
    assert (long.exit_price, long.realized_pnl) == (Decimal("71500"), Decimal("10000.00"))
    assert (short.exit_price, short.realized_pnl) == (Decimal("45100"), Decimal("-1500.00"))
    assert request.result["positions_closed"] == 2 and request.result["realized_pnl"] == "8500.00"
    entry = JournalEntry.objects.get(pk=request.result["journal_entry_id"])
    assert {"kind": "position", "id": str(long.pk)} in entry.links
    assert {"kind": "approval", "id": str(request.pk)} in entry.links
    assert "close-all" in entry.tags
    event = Event.objects.get(action="book.close_all.executed")
    assert event.actor == "alice" and sorted(event.payload["position_ids"]) == sorted([long.pk, short.pk])
    assert LedgerEntry.objects.filter(position=long, status="CLOSED", related__approval=request.pk).exists()


def test_the_approver_sees_what_closing_books_before_deciding(people, book):
    request = services.close_all_propose(actor=people["pam"], reason="Flatten.")
    preview = services.CloseAll().describe(request.payload)
    assert preview["pnl_effect"] == "8500.00"
    assert [row["id"] for row in preview["positions"]] == sorted([book["long"].pk, book["short"].pk])
    assert "closed at 71500: realized P&L 10000.00" in [row["effect"] for row in preview["positions"]]


def test_the_requester_cannot_approve_and_one_request_waits_at_a_time(people, book):
    request = services.close_all_propose(actor=people["pam"], reason="Flatten.")
    with pytest.raises(Forbidden):
        approval_approve(actor=people["pam"], request_id=request.pk)
    with pytest.raises(Conflict, match=f"Request {request.pk}"):
        services.close_all_propose(actor=people["paul"], reason="Again.")
    assert ApprovalRequest.objects.count() == 1


def test_nothing_open_or_an_unpriced_instrument_is_refused(people, open_position):
    with pytest.raises(Conflict, match="nothing to close"):
        services.close_all_propose(actor=people["pam"], reason="Flatten.")
    open_position()
    with pytest.raises(Conflict, match="No price is recorded for GOLD_MINI"):
        services.close_all_propose(actor=people["pam"], reason="Flatten.")
    assert not ApprovalRequest.objects.exists()


def test_a_position_unpriced_at_approval_fails_the_whole_act(people, book, open_position):
    request = services.close_all_propose(actor=people["pam"], reason="Flatten.")
    services.instrument_create(
        actor=people["oscar"], symbol="SILVER", name="Silver", currency="INR", point_value=1, margin_per_lot=1
    )
    open_position(instrument="SILVER", entry_price=90, stop_price=None)
    approval_approve(actor=people["alice"], request_id=request.pk)
    request.refresh_from_db()
    assert request.status == "failed" and "SILVER" in request.failure_reason
    assert Position.objects.open().count() == 3  # nothing of it remains


def test_the_rest_endpoint_asks_for_approval(api, people, book):
    refused = api["pam"].post("/api/v1/pms/book/positions/close-all", {}, format="json")
    assert refused.status_code == 400 and "reason" in refused.json()["fields"]
    assert api["alice"].post("/api/v1/pms/book/positions/close-all", {"reason": "x"}, format="json").status_code == 403
    asked = api["pam"].post("/api/v1/pms/book/positions/close-all", {"reason": "Flatten."}, format="json")
    assert asked.status_code == 202 and asked.json()["action"] == "book.close_all"
    again = api["paul"].post("/api/v1/pms/book/positions/close-all", {"reason": "Flatten."}, format="json")
    assert again.status_code == 409 and again.json()["approval_id"] == asked.json()["approval_id"]


def test_the_confirmation_page_lists_the_plan_and_sends_for_approval(people, book):
    pm = Client()
    pm.force_login(people["pam"])
    page = pm.get("/book/positions/close-all/").content.decode()
    assert f'id="plan-{book["long"].pk}"' in page and f'id="plan-{book["closed"].pk}"' not in page
    assert "8,500.00 INR" in page and "data-confirm" in page
    refused = pm.post("/book/positions/close-all/", {"reason": " "})
    assert refused.status_code == 400 and 'id="error-reason"' in refused.content.decode()
    sent = pm.post("/book/positions/close-all/", {"reason": "Flatten."})
    request = ApprovalRequest.objects.get()
    assert sent.status_code == 302 and sent["Location"] == f"/approvals/{request.pk}/"
