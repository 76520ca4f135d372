"""The book's seed 000 checks: VALIDATION_FAILED and DATA_CORRUPT, and the halt guarding opens."""

import pytest
from django.db import connection

from core.errors import Conflict
from ops import probes, services
from ops.models import Status


@pytest.fixture
def open_gold(open_position):
    """Seed 000's VALIDATION_FAILED book: risk 6271 points x 2 lots x 10 = 125420."""
    return lambda **facts: open_position(**{"stop_price": 64729, **facts})


def test_a_consistent_book_validates(open_gold):
    open_gold()
    outcome, _ = probes.execute("risk_validation")
    assert outcome.status == Status.OK
    assert outcome.message == "Risk consistent: DB=125420.0, Calculated=125420.0"


def test_a_risk_mismatch_fails_with_the_seed_message(open_gold):
    open_gold()  # risk 6271 points x 2 lots x 10 = 125420
    with connection.cursor() as cursor:  # a partial write left the stored state behind
        cursor.execute("UPDATE book_portfoliostate SET total_risk_amount = 125000")
    outcome, _ = probes.execute("risk_validation")
    assert outcome.status == Status.FAIL
    assert outcome.message == "Risk mismatch: DB=125000.0, Calculated=125420.0, Diff=420.0"
    assert outcome.details == {"stored": "125000.00", "calculated": "125420.00", "diff": "420.00"}


def test_a_healthy_book_has_no_corrupt_positions(open_gold):
    open_gold()
    assert probes.execute("data_integrity")[0].message == "no corrupt positions"


@pytest.mark.postgres
def test_corrupt_positions_are_reported_by_id(open_gold, superuser_sql):
    position = open_gold()
    constraint = "book_position_size_positive"
    with superuser_sql.cursor() as cursor:  # a row from before the constraints existed
        cursor.execute(f"ALTER TABLE book_position DROP CONSTRAINT {constraint}")
        cursor.execute("UPDATE book_position SET size = 0 WHERE id = %s", [position.pk])
    try:
        outcome, _ = probes.execute("data_integrity")
    finally:
        with superuser_sql.cursor() as cursor:
            cursor.execute("UPDATE book_position SET size = %s WHERE id = %s", [position.size, position.pk])
            cursor.execute(f"ALTER TABLE book_position ADD CONSTRAINT {constraint} CHECK (size > 0)")
    assert outcome.status == Status.FAIL
    assert outcome.message.startswith("Invalid position data: size missing or <= 0 for GOLD_MINI")
    assert [p["id"] for p in outcome.details["positions"]] == [position.pk]


def test_no_position_opens_while_trading_is_halted(open_gold, people, api):
    services.trading_halt(actor=people["oscar"], reason="Emergency stop")
    with pytest.raises(Conflict, match="Trading is halted"):
        open_gold()
    response = api["pam"].post(
        "/api/v1/pms/book/positions/open",
        {"instrument": "GOLD_MINI", "direction": "LONG", "size": 1, "entry_price": 71000, "stop_price": 70500},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["error"] == "trading_halted"
