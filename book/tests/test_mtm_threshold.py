"""A mark-to-market run moving the book's P&L by more than the threshold waits for a second person (seed 004:
"alerts for unusual P&L moves (>5% daily)"); a close away from the market price needs a reason and approval."""

from decimal import Decimal

import pytest

from approvals.models import ApprovalRequest
from book.models import MtmRun, Position

from .conftest import D

PRICES = "/api/v1/pms/book/prices"
MTM = "/api/v1/pms/book/mtm"


def _approve(api, who, pk):
    return api[who].post(f"/api/v1/approvals/{pk}/approve", {"comment": "checked"}, format="json").json()


@pytest.fixture
def big_long(open_position):
    """100 lots of GOLD_MINI at 71000: a point is 1,000 of P&L, so 5% of 10,000,000 equity is 500 points
    (P&L is kept to the cent: one cent past is 0.00001 points)."""
    return open_position(size=100, stop_price=None)


@pytest.mark.parametrize(("price", "held"), [("71500", False), ("71500.00001", True), ("70500", False)])
def test_a_run_moving_pnl_exactly_at_the_threshold_is_applied_and_past_it_held(api, big_long, price, held):
    assert api["feed"].post(PRICES, {"instrument": "GOLD_MINI", "price": price, "source": "x"}).status_code == 201
    response = api["pam"].post(MTM, {}, format="json")
    assert response.status_code == (202 if held else 200), response.json()
    assert MtmRun.objects.exists() is not held
    big_long.refresh_from_db()
    assert big_long.current_price == (None if held else D(price))


def test_a_held_run_is_applied_at_the_prices_the_approver_saw(api, big_long):
    api["feed"].post(PRICES, {"instrument": "GOLD_MINI", "price": "72000", "source": "x"})
    held = api["pam"].post(MTM, {}, format="json").json()
    assert held["action"] == "book.mtm_run"
    request = ApprovalRequest.objects.get(pk=held["approval_id"])
    assert request.payload["pnl_change"] == "1000000.00" and "(10.00% of closed equity; threshold 5%)" in request.reason
    api["feed"].post(PRICES, {"instrument": "GOLD_MINI", "price": "72100", "source": "x"})  # arrives meanwhile
    detail = api["alice"].get(f"/api/v1/approvals/{held['approval_id']}").json()
    assert detail["preview"]["pnl_effect"] == "1000000.00"
    assert _approve(api, "pam", held["approval_id"])["error"] == "permission_denied"  # never the requester's own
    assert _approve(api, "alice", held["approval_id"])["status"] == "executed"
    run = MtmRun.objects.get()
    assert run.approval_id == held["approval_id"] and run.prices["GOLD_MINI"]["price"] == "72000.000000"
    big_long.refresh_from_db()
    assert big_long.unrealized_pnl == D("1000000.00")


def test_a_close_within_tolerance_of_the_market_closes_at_once(api, open_position):
    position = open_position()
    api["feed"].post(PRICES, {"instrument": "GOLD_MINI", "price": "70000", "source": "x"})
    response = api["pam"].post(f"/api/v1/pms/book/positions/{position.pk}/close", {"exit_price": "73500"})
    assert response.status_code == 200 and response.json()["status"] == "CLOSED"  # exactly 5% above


def test_a_close_away_from_the_market_needs_a_reason_and_a_second_person(api, open_position):
    position = open_position()
    api["feed"].post(PRICES, {"instrument": "GOLD_MINI", "price": "70000", "source": "x"})
    url = f"/api/v1/pms/book/positions/{position.pk}/close"
    refused = api["pam"].post(url, {"exit_price": "73500.000001"})
    assert refused.status_code == 400 and "reason" in refused.json()["fields"]
    assert not ApprovalRequest.objects.exists()
    pending = api["pam"].post(url, {"exit_price": "73500.000001", "reason": "Broker fill at the close"})
    assert pending.status_code == 202 and pending.json()["action"] == "book.close_off_market"
    assert api["pam"].post(url, {"exit_price": "80000", "reason": "again"}).status_code == 409
    position.refresh_from_db()
    assert position.status == "OPEN"
    assert _approve(api, "arthur", pending.json()["approval_id"])["status"] == "executed"
    position.refresh_from_db()
    assert (position.status, position.exit_price) == ("CLOSED", Decimal("73500.000001"))
    assert "Broker fill at the close" in position.notes


def test_seed_004s_close_at_entry_body_carries_its_reason_in_notes(api, open_position):
    position = open_position()
    api["feed"].post(PRICES, {"instrument": "GOLD_MINI", "price": "80000", "source": "x"})
    body = {"exit_price": "71000", "notes": "CORRECTION: Closing incorrect position entry"}
    response = api["pam"].post(f"/api/v1/pms/book/positions/{position.pk}/close", body)
    assert response.status_code == 202
    assert ApprovalRequest.objects.get().reason == body["notes"]
    assert Position.objects.get(pk=position.pk).status == "OPEN"
