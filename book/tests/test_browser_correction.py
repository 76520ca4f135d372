"""Seed 004 scenario 3 end to end in Chromium: the PM proposes in the wizard, an approver approves in a
second browser context, and the book and the journal show the result."""

import pytest

from book import services
from book.models import Position
from journal.models import JournalEntry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_wrong_position_is_corrected_by_two_people_in_the_browser(people, login):
    services.instrument_create(
        actor=people["oscar"],
        symbol="GOLD_MINI",
        name="Gold mini",
        currency="INR",
        point_value=10,
        margin_per_lot=105000,
    )
    wrong = services.position_open(
        actor=people["pam"], instrument="GOLD_MINI", direction="LONG", size=2, entry_price=71000, stop_price=70500
    )

    pm = login(people["pam"])
    pm.goto("/book/corrections/new/")
    pm.fill("#id_q", str(wrong.pk))
    pm.click("#find-position input[type=submit]")
    assert "LONG 2 GOLD_MINI @ 71,000" in pm.inner_text("#recorded-facts")
    pm.select_option("#id_direction", "SHORT")
    pm.fill("#id_size", "-2")
    pm.fill("#id_reason", "Broker statement: the trade was a short.")
    pm.click("#preview-correction")
    assert "greater than" in pm.inner_text("#error-size")
    pm.fill("#id_size", "2")
    pm.fill("#id_stop_price", "71500")
    pm.click("#preview-correction")
    preview = pm.inner_text("#preview")
    assert "realized P&L 0.00" in preview and "Open the correct position: SHORT 2" in preview
    pm.click("#submit-correction")
    pm.wait_for_url("**/approvals/*/")
    assert pm.inner_text("#approval-status") == "pending"
    assert pm.locator("#approve").count() == 0  # the requester cannot approve
    approval_url = pm.url

    approver = login(people["alice"])
    approver.goto("/approvals/")
    approver.click("#queue a")
    approver.wait_for_url("**/approvals/*/")
    approver.wait_for_selector("#diff")  # count() does not wait for the page
    changed = approver.locator("#diff tr[data-changed=true]")
    assert changed.count() == 2 and "SHORT" in approver.inner_text("#diff")
    approver.fill("#id_comment", "Matches the broker statement.")
    approver.click("#approve")
    approver.wait_for_selector("#result")
    assert approver.inner_text("#approval-status") == "executed"

    right = Position.objects.get(corrects=wrong)
    pm.goto("/book/positions/")
    assert pm.get_attribute(f"#position-{wrong.pk}", "data-status") == "CLOSED"
    assert "0.00 INR" in pm.inner_text(f"#position-{wrong.pk}")
    assert pm.get_attribute(f"#position-{right.pk}", "data-status") == "OPEN"
    assert f"corrects #{wrong.pk}" in pm.inner_text(f"#position-{right.pk}")
    entry = JournalEntry.objects.get(entry_type="correction")
    pm.goto(approval_url)
    result = pm.inner_text("#result")  # what the approval created, in words, each a link to its page
    assert f"Journal entry: {entry.pk}" in result and f"Correct position: {right.pk}" in result
    assert pm.get_attribute(f"#result a:text-is('{right.pk}')", "href") == f"/book/positions/#position-{right.pk}"
    pm.click(f"#result a[href='/journal/{entry.pk}/']")
    pm.wait_for_url(f"**/journal/{entry.pk}/")
    assert f"Correct position opened as {right.pk}" in pm.inner_text("body")
    pm.goto("/journal/?entry_type=correction")
    assert f"Position {wrong.pk} was recorded incorrectly" in pm.inner_text("body")
