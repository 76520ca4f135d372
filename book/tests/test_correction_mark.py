"""The new leg of a correction is marked at once: a correction that changes no P&L shows no P&L change."""

from decimal import Decimal

from approvals.services import approval_approve
from book import services
from book.models import LedgerEntry, Position


def _feed(people, symbol: str, price) -> None:
    services.prices_record(actor=people["feed"], prices=[{"instrument": symbol, "price": price, "source": "feed"}])


def _unrealized() -> Decimal:
    return sum((p.unrealized_pnl or Decimal("0")) for p in Position.objects.open())


def _correct(people, wrong: Position, **right) -> Position:
    facts = {"instrument": "GOLD_MINI", "direction": "LONG", "size": 2, "entry_price": 71000, "stop_price": 70500}
    request = services.correction_propose(
        actor=people["pam"], position_id=wrong.pk, reason="Broker statement.", correct={**facts, **right}
    )
    approval_approve(actor=people["alice"], request_id=request.pk, comment="Checked")
    return Position.objects.get(corrects=wrong)


def test_a_stop_price_correction_keeps_the_books_unrealized_pnl(people, open_position):
    wrong = open_position()
    _feed(people, "GOLD_MINI", 71500)
    services.mtm_run(actor=people["pam"])
    before = _unrealized()
    assert before == Decimal("10000.00")

    right = _correct(people, wrong, stop_price=70600)

    assert (right.current_price, right.unrealized_pnl) == (Decimal("71500"), Decimal("10000.00"))
    assert right.marked_at == right.opened_at
    assert _unrealized() == before
    opened = LedgerEntry.objects.get(position=right)  # the ledger's state at T carries the mark too
    assert (opened.price, opened.unrealized_pnl) == (Decimal("71500"), Decimal("10000.00"))


def test_the_book_mark_is_used_even_when_a_newer_price_is_not_yet_marked(people, open_position):
    wrong = open_position()
    _feed(people, "GOLD_MINI", 71500)
    services.mtm_run(actor=people["pam"])
    _feed(people, "GOLD_MINI", 72000)  # no run since: the book still shows 71500
    right = _correct(people, wrong, stop_price=70600)
    assert right.current_price == Decimal("71500")


def test_a_changed_instrument_is_marked_at_its_latest_price(people, open_position):
    wrong = open_position()
    _feed(people, "BANK_NIFTY", 45000)
    right = _correct(people, wrong, instrument="BANK_NIFTY", size=1, entry_price=44900, stop_price=None)
    assert (right.current_price, right.unrealized_pnl) == (Decimal("45000"), Decimal("1500.00"))


def test_an_unpriced_instrument_stays_unmarked_until_a_price_arrives(people, open_position):
    wrong = open_position()
    right = _correct(people, wrong, size=3)
    assert (right.current_price, right.unrealized_pnl, right.marked_at) == (None, None, None)
