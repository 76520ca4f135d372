"""Issue 11 §1: a P&L of zero is 0.00, never -0.00, and the book chain still verifies.

Correcting a SHORT closes it at its entry price: (entry - entry) * size * point_value * -1 is
Decimal('-0.00'), and so is a loss smaller than half a cent. The chain must hash what the row
holds (0.00), or verification raises a false tampering alarm.
"""

from decimal import Decimal

import pytest
from django.core.management import call_command

from approvals.services import approval_approve
from audit.chain import verify_all
from book import services
from book.models import LedgerEntry, PortfolioState, Position

RIGHT = {"instrument": "GOLD_MINI", "direction": "SHORT", "size": 3, "entry_price": 71000, "stop_price": 71500}


def _short(open_position) -> Position:
    return open_position(direction="SHORT", stop_price=71500)


def _assert_chains_verify(capsys) -> None:
    broken = [r.as_dict() for r in verify_all() if not r.ok]
    assert broken == []
    call_command("verify_chains")  # exits 1 on a broken link
    assert "BROKEN" not in capsys.readouterr().out


def _assert_closed_at_zero(wrong: Position) -> None:
    wrong.refresh_from_db()
    assert (wrong.status, wrong.exit_price, str(wrong.realized_pnl)) == ("CLOSED", wrong.entry_price, "0.00")
    close = LedgerEntry.objects.get(position=wrong, status="CLOSED")
    assert str(close.realized_pnl) == "0.00"
    assert close.hash == close.compute_hash()


def test_a_short_corrected_through_the_service_keeps_every_chain_whole(people, open_position, capsys):
    wrong = _short(open_position)
    request = services.correction_propose(
        actor=people["pam"], position_id=wrong.pk, reason="Broker says 3 lots.", correct=RIGHT
    )
    approval_approve(actor=people["alice"], request_id=request.pk, comment="Checked")
    _assert_closed_at_zero(wrong)
    _assert_chains_verify(capsys)


def test_a_short_corrected_through_the_api_keeps_every_chain_whole(api, open_position, capsys):
    wrong = _short(open_position)
    body = {"position_id": wrong.pk, "reason": "Broker says 3 lots.", "correct": RIGHT}
    proposed = api["pam"].post("/api/v1/pms/book/corrections", body, format="json")
    assert proposed.status_code == 202, proposed.json()
    approved = api["alice"].post(f"/api/v1/approvals/{proposed.json()['approval_id']}/approve", {}, format="json")
    assert approved.status_code == 200, approved.json()
    assert approved.json()["result"]["realized_pnl"] == "0.00"
    _assert_closed_at_zero(wrong)
    _assert_chains_verify(capsys)
    verified = api["audrey"].get("/api/v1/audit/verify")
    assert verified.status_code == 200, verified.json()
    assert verified.json()["ok"] is True


@pytest.mark.parametrize("direction", ["LONG", "SHORT"])
def test_closing_at_entry_records_an_unsigned_zero(people, open_position, capsys, direction):
    position = open_position(direction=direction, stop_price=None)
    services.position_close(actor=people["pam"], position_id=position.pk, exit_price=71000)
    _assert_closed_at_zero(position)
    _assert_chains_verify(capsys)


def test_a_loss_smaller_than_half_a_cent_is_recorded_as_zero(people, capsys):
    """Found by the stateful property test: a LONG closed a hair below entry rounds to -0.00."""
    services.instrument_create(
        actor=people["oscar"], symbol="MICRO", name="Micro", currency="INR", point_value="0.000001", margin_per_lot="1"
    )
    position = services.position_open(
        actor=people["pam"], instrument="MICRO", direction="LONG", size="0.0001", entry_price="0.01"
    )
    services.position_close(actor=people["pam"], position_id=position.pk, exit_price="0.000001")
    position.refresh_from_db()
    assert str(position.realized_pnl) == "0.00"
    _assert_chains_verify(capsys)


def test_no_risk_on_a_negative_equity_is_zero_percent_not_minus_zero():
    state = PortfolioState(closed_equity=Decimal("-1500.00"), total_risk_amount=Decimal("0.00"))
    assert str(state.risk_pct) == "0.00"
