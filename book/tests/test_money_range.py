"""Amounts beyond the money columns (24 digits, 2 places) are a clear 400 that changes nothing, never a 500.

Sizes, prices and point values each fit their columns, yet their product may not: closing or
marking such a position failed with the database's "numeric field overflow".
"""

import pytest

from book import services
from book.models import LedgerEntry, MtmRun, Position

HUGE = "99999999999999"  # the largest whole price and point value their columns take


@pytest.fixture
def big(people):
    return services.instrument_create(
        actor=people["oscar"], symbol="BIG", name="Big", currency="INR", point_value=HUGE, margin_per_lot="1"
    )


@pytest.fixture
def huge_position(api, big):
    body = {"instrument": "BIG", "direction": "LONG", "size": "999999999999", "entry_price": "1"}
    response = api["pam"].post("/api/v1/pms/book/positions/open", body, format="json")
    assert response.status_code == 201, response.json()
    return Position.objects.get(pk=response.json()["id"])


def _assert_refused(response, field: str) -> None:
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["error"] and "beyond what the book can record" in body["detail"]
    assert field in body["fields"]


def test_a_close_whose_pnl_overflows_is_refused_and_the_position_stays_open(api, huge_position):
    response = api["pam"].post(f"/api/v1/pms/book/positions/{huge_position.pk}/close", {"exit_price": HUGE})
    _assert_refused(response, "price")
    huge_position.refresh_from_db()
    assert huge_position.status == "OPEN"
    assert list(LedgerEntry.objects.filter(position=huge_position).values_list("kind", flat=True)) == ["open"]


def test_a_mark_whose_pnl_overflows_is_refused_and_nothing_is_marked(api, people, huge_position):
    services.prices_record(actor=people["feed"], prices=[{"instrument": "BIG", "price": HUGE, "source": "feed"}])
    _assert_refused(api["pam"].post("/api/v1/pms/book/mtm", {}, format="json"), "price")
    assert not MtmRun.objects.exists()
    huge_position.refresh_from_db()
    assert huge_position.current_price is None


def test_an_open_whose_risk_overflows_is_refused_and_nothing_is_opened(api, big):
    body = {"instrument": "BIG", "direction": "LONG", "size": "999999999999", "entry_price": HUGE, "stop_price": "1"}
    _assert_refused(api["pam"].post("/api/v1/pms/book/positions/open", body, format="json"), "stop_price")
    assert not Position.objects.exists() and not LedgerEntry.objects.exists()
