"""Issue 11 §3: a person alone cannot move the marks; market prices come from price feeds."""

import pytest

from approvals.models import ApprovalRequest
from audit.models import Event
from book.models import MtmRun, Price
from journal.models import JournalEntry

from .conftest import D

PRICES = "/api/v1/pms/book/prices"
MTM = "/api/v1/pms/book/mtm"


def test_a_pm_alone_cannot_re_mark_the_book(api, open_position):
    """Regression: a PM posted a price of 1 and ran MTM; the book was re-marked with no approval."""
    position = open_position()
    posted = api["pam"].post(
        PRICES, {"instrument": "GOLD_MINI", "price": 1, "source": "typed", "reason": "why not"}, format="json"
    )
    assert posted.status_code == 202, posted.json()
    assert ApprovalRequest.objects.get(pk=posted.json()["approval_id"]).status == "pending"
    run = api["pam"].post(MTM, {}, format="json")
    assert run.status_code == 200, run.json()
    position.refresh_from_db()
    assert position.current_price is None and position.unrealized_pnl is None
    assert not Price.objects.exists()
    assert MtmRun.objects.get().positions_marked == 0


def _post_manual(api, who="pam", price=71450, **extra):
    body = {"instrument": "GOLD_MINI", "price": price, "source": "Bloomberg", "reason": "Feed stale since 14:00"}
    return api[who].post(PRICES, {**body, **extra}, format="json")


def _approve(api, who, approval_id):
    return api[who].post(f"/api/v1/approvals/{approval_id}/approve", {"comment": "checked"}, format="json")


def test_a_feeds_price_is_a_market_price_used_at_once(api, open_position):
    position = open_position()
    posted = api["feed"].post(PRICES, {"instrument": "GOLD_MINI", "price": 71200, "source": "MCX"}, format="json")
    assert posted.status_code == 201, posted.json()
    price = posted.json()[0]
    assert price["manual"] is False and price["approval_id"] is None and price["recorded_by"] == "feed"
    assert not ApprovalRequest.objects.exists()
    run = api["pam"].post(MTM, {}, format="json").json()
    assert run["manual"] is False and run["positions_marked"] == 1
    used = run["prices"]["GOLD_MINI"]
    assert used["price_id"] == price["id"] and used["source"] == "MCX" and used["recorded_by"] == "feed"
    assert used["manual"] is False and used["approval_id"] is None and used["price"] == "71200.000000"
    position.refresh_from_db()
    assert position.current_price == 71200
    event = Event.objects.get(action="book.prices.recorded")
    assert event.actor == "feed" and event.payload["manual"] is False and event.payload["price_ids"] == [price["id"]]
    assert MtmRun.objects.get().prices == {"GOLD_MINI": used}


def test_a_persons_price_is_used_only_after_a_second_person_approves(api, open_position, people):
    position = open_position()
    api["feed"].post(PRICES, {"instrument": "GOLD_MINI", "price": 61450, "source": "stale feed"}, format="json")
    posted = _post_manual(api)
    assert posted.status_code == 202, posted.json()
    approval_id = posted.json()["approval_id"]
    assert posted.json()["action"] == "book.manual_price" and posted.json()["status"] == "pending"
    before = api["pam"].post(MTM, {}, format="json").json()
    assert before["prices"]["GOLD_MINI"]["price"] == "61450.000000" and before["manual"] is False

    assert _approve(api, "alice", approval_id).json()["status"] == "executed"
    manual = Price.objects.get(manual=True)
    assert (manual.price, manual.approval_id, manual.recorded_by, manual.source) == (
        71450,
        approval_id,
        "pam",
        "Bloomberg",
    )
    after = api["pam"].post(MTM, {}, format="json").json()
    used = after["prices"]["GOLD_MINI"]
    assert after["manual"] is True and used["manual"] is True
    assert (used["price_id"], used["approval_id"], used["source"]) == (manual.pk, approval_id, "Bloomberg")
    position.refresh_from_db()
    assert position.current_price == 71450 and position.unrealized_pnl == D("9000.00")

    entry = JournalEntry.objects.get(entry_type="mtm")
    assert entry.author == people["pam"] and entry.is_system and "manual-price" in entry.tags
    assert "Manual price for GOLD_MINI: 71450.000000 (previous: 61450.000000). Source: Bloomberg." in entry.content
    assert "Reason: Feed stale since 14:00" in entry.content and "Approved by alice" in entry.content
    assert {"kind": "approval", "id": str(approval_id)} in entry.links
    actions = list(Event.objects.order_by("occurred_at", "pk").values_list("action", "actor"))
    assert actions[-5:] == [
        ("approvals.request.approved", "alice"),
        ("book.prices.recorded", "alice"),
        ("journal.entry.added", "pam"),
        ("approvals.request.executed", "alice"),
        ("book.mtm.ran", "pam"),
    ]
    recorded = Event.objects.filter(action="book.prices.recorded", actor="alice").get()
    assert recorded.payload["manual"] is True and recorded.payload["approval"] == approval_id


def test_the_requester_can_never_approve_their_own_price(api, open_position, people):
    open_position()
    approval_id = _post_manual(api, price=1).json()["approval_id"]
    mine = _approve(api, "pam", approval_id)
    assert mine.status_code == 403 and "own request" in mine.json()["detail"]
    other_pm = _approve(api, "paul", approval_id)  # four eyes, but not an approver
    assert other_pm.status_code == 403 and "Approver" in other_pm.json()["detail"]
    assert ApprovalRequest.objects.get(pk=approval_id).status == "pending"
    assert not Price.objects.exists()
    api["pam"].post(MTM, {}, format="json")
    assert MtmRun.objects.get().positions_marked == 0


def test_a_rejected_price_is_never_used(api, open_position):
    open_position()
    approval_id = _post_manual(api, who="oscar", price=1).json()["approval_id"]
    rejected = api["alice"].post(f"/api/v1/approvals/{approval_id}/reject", {"comment": "No"}, format="json")
    assert rejected.json()["status"] == "rejected"
    assert not Price.objects.exists() and not JournalEntry.objects.exists()


def test_a_superuser_is_still_a_person(api, open_position, people):
    people["oscar"].is_superuser = True
    people["oscar"].save()
    open_position()
    assert _post_manual(api, who="oscar").status_code == 202
    assert not Price.objects.exists()


@pytest.mark.parametrize(
    ("extra", "field"),
    [({"reason": ""}, "reason"), ({"reason": "  "}, "reason"), ({"source": ""}, "source")],
)
def test_a_manual_price_needs_a_reason_and_a_source(api, gold, extra, field):
    response = _post_manual(api, **extra)
    assert response.status_code == 400 and field in response.json()["fields"], response.json()
    assert not ApprovalRequest.objects.exists() and not Price.objects.exists()


def test_many_manual_prices_are_one_request_with_one_reason(api, gold, nifty):
    body = {
        "prices": [
            {"instrument": "GOLD_MINI", "price": 71450, "source": "Bloomberg"},
            {"instrument": "BANK_NIFTY", "price": 48100, "source": "broker", "as_of": "2026-01-02T15:30:00Z"},
        ],
        "reason": "Feed down",
    }
    response = api["pam"].post(PRICES, body, format="json")
    assert response.status_code == 202, response.json()
    request = ApprovalRequest.objects.get()
    assert request.reason == "Feed down" and request.subject_id == "BANK_NIFTY,GOLD_MINI"
    _approve(api, "alice", request.pk)
    as_of = dict(Price.objects.values_list("instrument__symbol", "as_of"))
    assert as_of["BANK_NIFTY"].isoformat() == "2026-01-02T15:30:00+00:00"


@pytest.mark.parametrize("who", ["audrey", "alice", "ivy", "nobody", None])
def test_only_feeds_pms_and_ops_post_prices(api, gold, who):
    response = _post_manual(api, who=who)
    assert response.status_code in (401, 403)
    assert not ApprovalRequest.objects.exists() and not Price.objects.exists()


def test_a_feed_is_not_a_person_of_the_console(api, open_position):
    """A price feed's token posts prices and reads instruments, nothing else."""
    assert api["feed"].get("/api/v1/pms/book/instruments").status_code == 200
    assert api["feed"].post(MTM, {}, format="json").status_code == 403
    assert api["feed"].get("/api/v1/pms/book/positions").status_code == 403
    assert api["feed"].get("/api/v1/approvals/").status_code == 403


def test_an_approved_override_records_manual_prices_and_a_system_entry(api, open_position):
    open_position()
    body = {"manual_prices": {"GOLD_MINI": 71450}, "reason": "Feed was stale", "source": "Bloomberg"}
    approval_id = api["pam"].post(MTM, body, format="json").json()["approval_id"]
    assert not Price.objects.exists()
    _approve(api, "arthur", approval_id)
    price = Price.objects.get()
    assert price.manual and price.approval_id == approval_id and price.recorded_by == "pam"
    run = MtmRun.objects.get()
    assert run.manual and run.prices["GOLD_MINI"]["manual"] is True
    assert run.prices["GOLD_MINI"]["price_id"] == price.pk
    assert JournalEntry.objects.get(entry_type="correction").is_system


def test_the_approver_sees_what_the_manual_price_changes(api, open_position, client, people):
    open_position()
    api["feed"].post(PRICES, {"instrument": "GOLD_MINI", "price": 61450, "source": "stale feed"}, format="json")
    approval_id = _post_manual(api).json()["approval_id"]
    detail = api["alice"].get(f"/api/v1/approvals/{approval_id}").json()
    assert detail["label"] == "Manual market price (typed by a person)"
    assert detail["preview"]["diff"] == [
        {"field": "GOLD_MINI price", "wrong": "61450.000000", "right": "71450.000000 (Bloomberg)"}
    ]
    assert "1 open position(s)" in detail["preview"]["steps"][1]
    client.force_login(people["alice"])
    page = client.get(f"/approvals/{approval_id}/").content.decode()
    assert "Record a manual price for GOLD_MINI" in page and "71450.000000 (Bloomberg)" in page
