"""Prices and mark-to-market, and seed 004 scenario 4: a wrong price corrected by an approved override."""

import pytest

from approvals.models import ApprovalRequest
from audit.models import Event
from book.models import MtmRun, Price
from journal.models import JournalEntry

from .conftest import D

PRICES = "/api/v1/pms/book/prices"
MTM = "/api/v1/pms/book/mtm"


def test_a_feeds_prices_are_recorded_one_or_many(api, gold, nifty):
    one = api["feed"].post(PRICES, {"instrument": "GOLD_MINI", "price": 71200, "source": "exchange"}, format="json")
    assert one.status_code == 201 and len(one.json()) == 1
    many = api["feed"].post(
        PRICES,
        {
            "prices": [
                {"instrument": "GOLD_MINI", "price": 71300, "source": "broker", "as_of": "2026-01-02T15:30:00Z"},
                {"instrument": "BANK_NIFTY", "price": 48100, "source": "broker"},
            ]
        },
        format="json",
    )
    assert many.status_code == 201 and [p["instrument"] for p in many.json()] == ["GOLD_MINI", "BANK_NIFTY"]
    assert Price.objects.count() == 3
    assert Event.objects.filter(action="book.prices.recorded").count() == 2


@pytest.mark.parametrize(
    "body",
    [
        {"instrument": "SILVER", "price": 1, "source": "x"},
        {"instrument": "GOLD_MINI", "price": -1, "source": "x"},
        {"instrument": "GOLD_MINI", "price": "abc", "source": "x"},
        {"instrument": "GOLD_MINI", "price": 1},
        {"instrument": "GOLD_MINI", "price": 1, "source": "x", "as_of": "2999-01-01T00:00:00Z"},
        {"prices": []},
        {
            "prices": [
                {"instrument": "GOLD_MINI", "price": 1, "source": "x"},
                {"instrument": "NOPE", "price": 1, "source": "x"},
            ]
        },
    ],
)
@pytest.mark.parametrize("who", ["feed", "pam"])
def test_bad_prices_are_refused_whole(api, gold, body, who):
    response = api[who].post(PRICES, {**body, "reason": "feed down"}, format="json")
    assert response.status_code == 400, response.json()
    assert response.json()["fields"]
    assert not Price.objects.exists() and not ApprovalRequest.objects.exists()


def test_a_run_marks_every_open_position_at_its_latest_price_and_is_kept(api, open_position):
    long, short = open_position(), open_position(direction="SHORT", stop_price=71500)
    unpriced = open_position(instrument="BANK_NIFTY", size=1, entry_price=48000, stop_price=47000)
    api["feed"].post(PRICES, {"instrument": "GOLD_MINI", "price": 71100, "source": "exchange"}, format="json")
    api["feed"].post(PRICES, {"instrument": "GOLD_MINI", "price": 71200, "source": "exchange"}, format="json")
    response = api["pam"].post(MTM, {}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["positions_marked"] == 2
    run = MtmRun.objects.get()
    assert run.ran_by == "pam" and run.prices["GOLD_MINI"]["price"] == "71200.000000"
    listing = {r["id"]: r for r in api["pam"].get("/api/v1/pms/book/positions").json()["results"]}
    assert D(listing[long.pk]["unrealized_pnl"]) == D("4000.00")  # (71200 - 71000) * 2 * 10
    assert D(listing[short.pk]["unrealized_pnl"]) == D("-4000.00")
    assert listing[unpriced.pk]["current_price"] is None
    assert Event.objects.get(action="book.mtm.ran").payload["unpriced"] == ["BANK_NIFTY"]


def test_seed_004_scenario_4_a_manual_price_needs_an_approved_override(api, open_position):
    position = open_position()
    api["feed"].post(PRICES, {"instrument": "GOLD_MINI", "price": 61450, "source": "stale feed"}, format="json")
    api["pam"].post(MTM, {}, format="json")
    body = {"manual_prices": {"GOLD_MINI": 71450}, "reason": "Feed was stale", "source": "Bloomberg"}
    response = api["pam"].post(MTM, body, format="json")
    assert response.status_code == 202, response.json()
    approval_id = response.json()["approval_id"]
    assert MtmRun.objects.count() == 1  # the override waits for the approver

    approved = api["arthur"].post(f"/api/v1/approvals/{approval_id}/approve", {"comment": "ok"}, format="json")
    assert approved.json()["status"] == "executed", approved.json()
    run = MtmRun.objects.latest("pk")
    assert run.manual and run.approval_id == approval_id
    position.refresh_from_db()
    assert position.current_price == 71450 and position.unrealized_pnl == D("9000.00")
    assert list(Price.objects.order_by("pk").values_list("price", flat=True)) == [61450, 71450]  # previous kept
    entry = JournalEntry.objects.get(entry_type="correction")  # seed 004 scenario 4, step 3
    assert "Previous price: 61450.000000. Correct price: 71450.000000. Source: Bloomberg." in entry.content
    assert {"kind": "approval", "id": str(approval_id)} in entry.links


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"manual_prices": {"GOLD_MINI": 71450}, "source": "Bloomberg"}, "reason"),
        ({"manual_prices": {"GOLD_MINI": 71450}, "reason": "stale"}, "source"),
        ({"manual_prices": {"SILVER": 10}, "reason": "stale", "source": "b"}, "manual_prices"),
        ({"manual_prices": {"GOLD_MINI": -1}, "reason": "stale", "source": "b"}, "manual_prices"),
        ({"manual_prices": {"GOLD_MINI": "x"}, "reason": "stale", "source": "b"}, "manual_prices"),
    ],
)
def test_a_bad_override_is_refused(api, gold, body, field):
    response = api["pam"].post(MTM, body, format="json")
    assert response.status_code == 400, response.json()
    assert any(key.startswith(field) for key in response.json()["fields"])
    assert not ApprovalRequest.objects.exists() and not MtmRun.objects.exists()


def test_seed_004s_body_without_a_reason_says_what_is_missing(api, gold):
    response = api["pam"].post(MTM, {"manual_prices": {"GOLD_MINI": 71450}}, format="json")
    assert response.status_code == 400 and "reason" in response.json()["detail"]
