"""Price checks: a market price moving, ageing or disagreeing beyond tolerance is held, never marks the book,
and raises a price exception that a second source or an approved manual price clears."""

import datetime as dt

import pytest
from django.utils import timezone

from audit.models import Event
from book import services
from book.models import MtmRun, Price, PriceException

from .conftest import D

PRICES = "/api/v1/pms/book/prices"
MTM = "/api/v1/pms/book/mtm"


def feed(people, price, source="exchange", symbol="GOLD_MINI", as_of=None) -> Price:
    item = {"instrument": symbol, "price": price, "source": source, "as_of": as_of}
    return services.prices_record(actor=people["feed"], prices=[item])[0]


def status_of(api, price: Price) -> dict:
    rows = api["audrey"].get(PRICES, {"instrument": price.instrument.symbol}).json()["results"]
    return next(row for row in rows if row["id"] == price.pk)


@pytest.mark.parametrize(
    ("price", "status"),
    [
        ("105", "good"),  # exactly 5% up: within tolerance
        ("105.000001", "held"),  # one tick past
        ("95", "good"),  # exactly 5% down
        ("94.999999", "held"),
    ],
)
def test_a_move_exactly_at_tolerance_passes_and_one_tick_past_is_held(api, people, gold, price, status):
    feed(people, "100")
    row = feed(people, price)
    assert status_of(api, row)["status"] == status
    assert PriceException.objects.open().filter(price=row).exists() == (status == "held")


def test_an_instruments_own_tolerance_replaces_the_default(api, people):
    body = {"symbol": "CRUDE", "name": "Crude", "currency": "INR", "point_value": 100, "margin_per_lot": 1000}
    assert api["oscar"].post("/api/v1/pms/book/instruments", {**body, "price_tolerance_pct": 0}).status_code == 400
    created = api["oscar"].post("/api/v1/pms/book/instruments", {**body, "price_tolerance_pct": "1"})
    assert created.status_code == 201 and created.json()["price_tolerance_pct"] == "1.000"
    feed(people, "100", symbol="CRUDE")
    assert status_of(api, feed(people, "101", symbol="CRUDE"))["status"] == "good"
    assert status_of(api, feed(people, "102.010001", symbol="CRUDE"))["status"] == "held"  # 1% of 101 is 1.01


def test_a_held_price_never_marks_the_book_and_raises_an_audited_exception(api, people, open_position):
    position = open_position()
    feed(people, "71000")
    held = feed(people, "80000")
    run = services.mtm_run(actor=people["pam"])
    position.refresh_from_db()
    assert position.current_price == D("71000") and run.prices["GOLD_MINI"]["price"] == "71000.000000"
    exception = PriceException.objects.get()
    assert (exception.price, exception.kind, exception.status) == (held, "checks", "open")
    assert "Moved +12.6761%" in exception.detail
    event = Event.objects.get(action="book.price_exception.raised")
    assert event.actor == "feed" and event.payload["price_id"] == held.pk
    checks = status_of(api, held)["checks"]
    assert [(c["check"], c["ok"]) for c in checks] == [("move", False), ("sources", True), ("fresh", True)]


def test_two_feeds_disagreeing_beyond_tolerance_hold_the_later_one(api, people, gold):
    feed(people, "100", source="exchange")
    feed(people, "104", source="broker")
    at_edge = feed(people, "105", source="broker")  # 0.96% from its previous price, exactly 5% from exchange's
    assert status_of(api, at_edge)["status"] == "good"
    past = feed(people, "105.000001", source="broker")  # a tick further from exchange's 100
    checks = {c["check"]: c["ok"] for c in status_of(api, past)["checks"]}
    assert checks == {"move": True, "sources": False, "fresh": True}
    assert "Disagrees with exchange's 100" in PriceException.objects.get(price=past).detail


def test_a_second_source_agreeing_clears_the_exception_and_the_price_is_used(api, people, open_position):
    open_position()
    feed(people, "71000", source="exchange")
    held = feed(people, "76000", source="exchange")
    confirming = feed(people, "76100", source="broker")
    exception = PriceException.objects.get()
    assert (exception.status, exception.resolution, exception.cleared_by_price) == (
        "cleared",
        "confirmed",
        confirming,
    )
    assert status_of(api, held)["status"] == "confirmed"
    assert status_of(api, confirming)["status"] == "good"
    assert Event.objects.filter(action="book.price_exception.cleared", actor="feed").count() == 1
    run = services.mtm_run(actor=people["pam"])
    assert run.prices["GOLD_MINI"]["price_id"] == confirming.pk


def test_the_same_source_repeating_itself_confirms_nothing(api, people, gold):
    feed(people, "100")
    held = feed(people, "120")
    again = feed(people, "120")
    assert status_of(api, held)["status"] == "held" and status_of(api, again)["status"] == "held"
    assert PriceException.objects.open().count() == 2


def test_an_approved_manual_price_clears_the_exception_and_sets_the_held_price_aside(api, people, open_position):
    open_position()
    feed(people, "71000")
    held = feed(people, "80000")
    request = services.prices_record(
        actor=people["pam"],
        prices=[{"instrument": "GOLD_MINI", "price": "71500", "source": "Bloomberg"}],
        reason="Feed spiked",
    )
    assert PriceException.objects.get().status == "open"  # nothing until a second person approves
    from approvals import services as approvals

    assert approvals.approval_approve(actor=people["alice"], request_id=request.pk).status == "executed"
    exception = PriceException.objects.get()
    assert (exception.status, exception.resolution, exception.approval_id) == ("cleared", "superseded", request.pk)
    assert status_of(api, held)["status"] == "set_aside"
    manual = Price.objects.get(manual=True)
    assert status_of(api, manual)["checks"][0]["check"] == "manual"
    assert services.mtm_run(actor=people["pam"]).prices["GOLD_MINI"]["price_id"] == manual.pk


def test_a_price_older_than_its_window_is_held_while_positions_are_open(api, people, open_position, settings):
    settings.BOOK_PRICE_MAX_AGE = 3600
    old = (timezone.now() - dt.timedelta(seconds=3700)).isoformat()
    assert status_of(api, feed(people, "100", symbol="BANK_NIFTY", as_of=old))["status"] == "good"  # nothing open
    open_position()
    stale = feed(people, "71000", as_of=old)
    checks = {c["check"]: c["ok"] for c in status_of(api, stale)["checks"]}
    assert checks["fresh"] is False and status_of(api, stale)["status"] == "held"


def test_a_mark_to_market_run_does_not_use_a_price_that_went_stale(api, people, open_position, settings):
    position = open_position()
    settings.BOOK_PRICE_MAX_AGE = 3600
    price = feed(people, "71100")
    settings.BOOK_PRICE_MAX_AGE = 0  # time passes: the price is now too old
    run = services.mtm_run(actor=people["pam"])
    assert run.positions_marked == 0 and run.prices == {}
    position.refresh_from_db()
    assert position.current_price is None
    exception = PriceException.objects.get()
    assert (exception.kind, exception.price, exception.status) == ("stale", price, "open")
    services.mtm_run(actor=people["pam"])
    assert PriceException.objects.count() == 1  # raised once per price
    settings.BOOK_PRICE_MAX_AGE = 3600
    fresh = feed(people, "71150")
    assert PriceException.objects.get().resolution == "refreshed"
    assert services.mtm_run(actor=people["pam"]).prices["GOLD_MINI"]["price_id"] == fresh.pk


def test_prices_list_filters_by_status_and_refuses_bad_filters(api, people, gold):
    feed(people, "100")
    held = feed(people, "200")
    body = api["audrey"].get(PRICES, {"status": "held"}).json()
    assert [row["id"] for row in body["results"]] == [held.pk]
    assert len(api["audrey"].get(PRICES, {"status": "usable"}).json()["results"]) == 1
    assert api["audrey"].get(PRICES, {"status": "maybe"}).status_code == 400
    assert api["audrey"].get(PRICES, {"since": "yesterday"}).status_code == 400
    assert api["nobody"].get(PRICES).status_code == 403
    exceptions = api["audrey"].get(f"{PRICES}/exceptions", {"status": "open"}).json()["results"]
    assert [e["price"]["id"] for e in exceptions] == [held.pk]


def test_mtm_runs_list_with_the_prices_they_used(api, people, open_position):
    open_position()
    price = feed(people, "71100")
    run = services.mtm_run(actor=people["pam"])
    body = api["audrey"].get(MTM).json()
    assert [r["id"] for r in body["results"]] == [run.pk]
    assert body["results"][0]["prices"]["GOLD_MINI"]["price_id"] == price.pk
    assert api["audrey"].get(MTM, {"manual": "true"}).json()["results"] == []
    assert api["audrey"].post(MTM, {}, format="json").status_code == 403
    assert MtmRun.objects.count() == 1
