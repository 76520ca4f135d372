"""Issue 11 §3: a person alone cannot move the marks; market prices come from price feeds."""

from approvals.models import ApprovalRequest
from book.models import MtmRun, Price

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
