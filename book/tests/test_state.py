"""The persisted portfolio state (seed 002), the recovery snapshot, and seed 000's /health."""

from book import selectors, services
from book.models import PortfolioState
from core.errors import Conflict

from .conftest import D


def test_the_state_moves_with_every_open_and_close(people, open_position, settings):
    gold_long = open_position()  # risk 500 * 2 * 10 = 10000, margin 2 * 105000
    open_position(instrument="BANK_NIFTY", size=1, entry_price=48000, stop_price=47800)  # risk 200 * 15 = 3000
    state = selectors.portfolio_state()
    assert state["open_positions"] == 2
    assert state["total_risk_amount"] == D("13000.00")
    assert state["margin_used"] == D("480000.00")
    assert state["risk_pct"] == D("0.13")  # 13000 / 10,000,000 * 100
    services.position_close(actor=people["pam"], position_id=gold_long.pk, exit_price=71450)
    state = selectors.portfolio_state()
    assert state["closed_equity"] == D("10009000.00")
    assert (state["open_positions"], state["total_risk_amount"], state["margin_used"]) == (1, D("3000"), D("270000"))
    assert selectors.risk_validation() == (D("3000.00"), D("3000.00"))


def test_risk_validation_sees_a_state_that_does_not_match(open_position):
    """Seed 000's VALIDATION_FAILED: stored ≠ recomputed (here the row is damaged on purpose)."""
    open_position()
    PortfolioState.objects.filter(pk=1).update(total_risk_amount=D("125000"))
    assert selectors.risk_validation() == (D("125000.00"), D("10000.00"))


def test_the_recovery_snapshot(api, open_position):
    position = open_position()
    response = api["oscar"].get("/api/v1/pms/book/state")
    assert response.status_code == 200
    body = response.json()
    assert [p["id"] for p in body["positions"]] == [position.pk]
    assert body["positions"][0]["instrument"] == "GOLD_MINI"
    assert body["portfolio_state"]["open_positions"] == 1
    assert body["portfolio_state"]["margin_used"] == "210000.00"
    assert body["build_ms"] >= 0
    assert api[None].get("/api/v1/pms/book/state").status_code == 401
    assert api["nobody"].get("/api/v1/pms/book/state").status_code == 403


def halted():
    """A guard in the place of ops' (book runs whatever BOOK_OPEN_GUARDS names)."""
    raise Conflict("Trading is halted.")


def test_an_ops_guard_refuses_an_open(api, gold, settings):
    settings.BOOK_OPEN_GUARDS = ["book.tests.test_state.halted"]
    response = api["pam"].post(
        "/api/v1/pms/book/positions/open",
        {"instrument": "GOLD_MINI", "direction": "LONG", "size": 1, "entry_price": 1},
        format="json",
    )
    assert response.status_code == 409 and "halted" in response.json()["detail"]
    assert selectors.portfolio_state()["open_positions"] == 0
