"""Seed 004 scenario 4 in Chromium: a feed's spike is held; the PM posts a manual price from the prices page,
a second person approves it in another browser, and the exception clears and the next run uses it."""

import pytest

from book import services
from book.models import Price, PriceException

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manual_price_posted_by_one_person_is_approved_by_another(people, login, open_position):
    open_position()
    for price in ("71000", "90000"):  # the second is a 26% spike: held
        services.prices_record(
            actor=people["feed"], prices=[{"instrument": "GOLD_MINI", "price": price, "source": "MCX"}]
        )
    held = PriceException.objects.get()

    pm = login(people["pam"])
    pm.goto("/book/prices/")
    assert "Moved +26.7606%" in pm.inner_text(f"#exception-{held.pk}")
    pm.click(f"#clear-{held.pk}")
    assert pm.input_value("#id_manual-instrument") == "GOLD_MINI"
    pm.fill("#id_manual-price", "71450")
    pm.fill("#id_manual-source", "Bloomberg")
    pm.fill("#id_manual-reason", "   ")  # passes the browser's `required`, not the server
    pm.click("#send-manual-price")
    assert "This field is required." in pm.inner_text("#error-manual-reason")  # shown beside its field
    pm.fill("#id_manual-price", "71450")
    pm.fill("#id_manual-source", "Bloomberg")
    pm.fill("#id_manual-reason", "MCX spiked; Bloomberg shows 71,450.")
    pm.click("#send-manual-price")
    pm.wait_for_url("**/approvals/*/")
    assert pm.inner_text("#approval-status") == "pending"
    assert pm.locator("#approve").count() == 0  # never the requester's own
    assert not Price.objects.filter(manual=True).exists()

    approver = login(people["alice"])
    approver.goto("/book/prices/")
    approver.click("#pending a")
    assert "71,000\t71450 (Bloomberg)" in approver.inner_text("#diff")  # the usable price it replaces
    approver.fill("#id_comment", "Matches Bloomberg.")
    approver.click("#approve")
    approver.wait_for_selector("#result")
    assert approver.inner_text("#approval-status") == "executed"

    manual = Price.objects.get(manual=True)
    pm.goto("/book/prices/")
    assert "No open exception" in pm.inner_text("#exceptions")
    assert pm.get_attribute(f"#price-{held.price_id}", "data-status") == "set_aside"
    assert "manual, approval" in pm.inner_text(f"#price-{manual.pk}")
    pm.click("#mark-book")
    pm.wait_for_selector("#mtm-runs tbody tr[id^=run-]")
    assert f"price #{manual.pk}" in pm.inner_text("#mtm-runs")
