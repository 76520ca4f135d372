"""The demo book: seed 000's margins, marked positions, and one correction waiting for the approver."""

from approvals.models import ApprovalRequest
from book import demo, selectors
from book.models import Instrument, MtmRun

from .conftest import D


def test_the_demo_book_loads_once(people):
    users = {"pm": people["pam"], "ops": people["oscar"], "feed": people["feed"]}
    demo.load(users)
    demo.load(users)
    margins = dict(Instrument.objects.values_list("symbol", "margin_per_lot"))
    assert margins == {"GOLD_MINI": D("105000.00"), "BANK_NIFTY": D("270000.00")}
    assert selectors.portfolio_state()["open_positions"] == 3
    run = MtmRun.objects.get()
    assert run.positions_marked == 3 and not run.manual
    assert {p["recorded_by"] for p in run.prices.values()} == {"feed"}
    assert ApprovalRequest.objects.pending().filter(action="book.correction").count() == 1
