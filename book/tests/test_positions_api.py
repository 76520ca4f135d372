"""Opening, closing and listing positions through seed 004's REST calls, and the bad input around them."""

import pytest

from audit.models import Event
from book.models import LedgerEntry, Position

from .conftest import D

OPEN = "/api/v1/pms/book/positions/open"
SEED_BODY = {"instrument": "GOLD_MINI", "direction": "LONG", "size": 2, "entry_price": 71000, "stop_price": 70500}


def test_a_pm_opens_seed_004s_position(api, gold):
    response = api["pam"].post(OPEN, SEED_BODY, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "OPEN" and body["instrument"] == "GOLD_MINI" and body["currency"] == "INR"
    assert D(body["size"]) == 2 and D(body["entry_price"]) == 71000 and D(body["stop_price"]) == 70500
    position = Position.objects.get(pk=body["id"])
    assert position.opened_by == "pam"
    assert LedgerEntry.objects.filter(position=position, kind="open").count() == 1
    assert Event.objects.filter(action="book.position.opened", subject_id=str(position.pk), actor="pam").exists()


def test_closing_realizes_pnl_signed_by_direction(api, open_position):
    long = open_position()
    short = open_position(direction="SHORT", stop_price=71500)
    r1 = api["pam"].post(
        f"/api/v1/pms/book/positions/{long.pk}/close", {"exit_price": 71450, "notes": "tp"}, format="json"
    )
    r2 = api["pam"].post(f"/api/v1/pms/book/positions/{short.pk}/close", {"exit_price": 71450}, format="json")
    assert r1.status_code == 200 and r1.json()["status"] == "CLOSED"
    assert D(r1.json()["realized_pnl"]) == D("9000.00")  # (71450 - 71000) * 2 * 10
    assert D(r2.json()["realized_pnl"]) == D("-9000.00")
    assert Event.objects.filter(action="book.position.closed").count() == 2


def test_closing_a_closed_position_is_a_409_and_changes_nothing(api, open_position):
    position = open_position()
    url = f"/api/v1/pms/book/positions/{position.pk}/close"
    assert api["pam"].post(url, {"exit_price": 71100}, format="json").status_code == 200
    response = api["pam"].post(url, {"exit_price": 72000}, format="json")
    assert response.status_code == 409
    assert response.json()["error"] == "conflict" and "already closed" in response.json()["detail"]
    position.refresh_from_db()
    assert position.exit_price == 71100
    assert LedgerEntry.objects.filter(position=position).count() == 2


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"instrument": "SILVER"}, "instrument"),
        ({"size": 0}, "size"),
        ({"size": -1}, "size"),
        ({"size": "two"}, "size"),
        ({"size": True}, "size"),
        ({"entry_price": 0}, "entry_price"),
        ({"entry_price": -71000}, "entry_price"),
        ({"entry_price": "NaN"}, "entry_price"),
        ({"stop_price": -1}, "stop_price"),
        ({"direction": "SIDEWAYS"}, "direction"),
        ({"entry_price": None}, "entry_price"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_writes_nothing(api, gold, change, field):
    response = api["pam"].post(OPEN, {**SEED_BODY, **change}, format="json")
    assert response.status_code == 400, response.json()
    assert field in response.json()["fields"]
    assert not Position.objects.exists() and not LedgerEntry.objects.exists()


def test_closing_with_a_bad_price_or_unknown_id(api, open_position):
    position = open_position()
    bad = api["pam"].post(f"/api/v1/pms/book/positions/{position.pk}/close", {"exit_price": -5}, format="json")
    assert bad.status_code == 400 and "exit_price" in bad.json()["fields"]
    missing = api["pam"].post("/api/v1/pms/book/positions/999999/close", {"exit_price": 5}, format="json")
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"
    position.refresh_from_db()
    assert position.status == "OPEN"


def test_a_replayed_open_with_the_same_idempotency_key_opens_one_position(api, gold):
    first = api["pam"].post(OPEN, SEED_BODY, format="json", HTTP_IDEMPOTENCY_KEY="open-1")
    again = api["pam"].post(OPEN, SEED_BODY, format="json", HTTP_IDEMPOTENCY_KEY="open-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert Position.objects.count() == 1


def test_who_may_call(api, gold):
    assert api[None].post(OPEN, SEED_BODY, format="json").status_code == 401
    assert api["alice"].post(OPEN, SEED_BODY, format="json").status_code == 403
    assert api["nobody"].get("/api/v1/pms/book/positions").status_code == 403
    assert api["audrey"].get("/api/v1/pms/book/positions").status_code == 200
    assert not Position.objects.exists()


def test_the_list_filters_and_shows_marks(api, open_position):
    gold_long = open_position()
    open_position(instrument="BANK_NIFTY", size=1, entry_price=48000, stop_price=47800)
    api["pam"].post(f"/api/v1/pms/book/positions/{gold_long.pk}/close", {"exit_price": 71000}, format="json")
    listing = api["audrey"].get("/api/v1/pms/book/positions", {"status": "OPEN"}).json()
    assert [r["instrument"] for r in listing["results"]] == ["BANK_NIFTY"]
    assert {"unrealized_pnl", "current_price"} <= set(listing["results"][0])
    gold_rows = api["audrey"].get("/api/v1/pms/book/positions", {"instrument": "GOLD_MINI"}).json()["results"]
    assert [r["id"] for r in gold_rows] == [gold_long.pk]
    detail = api["audrey"].get(f"/api/v1/pms/book/positions/{gold_long.pk}").json()
    assert detail["status"] == "CLOSED" and D(detail["realized_pnl"]) == 0


@pytest.mark.parametrize(
    ("params", "name"),
    [({"status": "MAYBE"}, "status"), ({"as_of": "yesterday"}, "as_of"), ({"stauts": "OPEN"}, "stauts")],
)
def test_a_malformed_filter_is_a_400_naming_it(api, gold, params, name):
    response = api["audrey"].get("/api/v1/pms/book/positions", params)
    assert response.status_code == 400
    assert name in response.json()["fields"]


def test_the_list_exports_csv(api, open_position):
    open_position()
    response = api["audrey"].get("/api/v1/pms/book/positions", {"format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("id,instrument,currency,direction") and "GOLD_MINI" in lines[1]


def test_instruments_are_added_by_ops_and_refused_twice(api):
    body = {"symbol": "CRUDE", "name": "Crude oil", "currency": "INR", "point_value": 100, "margin_per_lot": 90000}
    assert api["oscar"].post("/api/v1/pms/book/instruments", body, format="json").status_code == 201
    again = api["oscar"].post("/api/v1/pms/book/instruments", body, format="json")
    assert again.status_code == 409
    bad = api["oscar"].post("/api/v1/pms/book/instruments", {**body, "symbol": "X", "point_value": 0}, format="json")
    assert bad.status_code == 400 and "point_value" in bad.json()["fields"]
