"""The PM's whole job in Chromium, on a desktop and a phone: open, close, correct from a book row (approved in a
second browser, the new position shown marked), and close all positions through a second person."""

import pytest

from book import services
from book.models import Position

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"desktop": {"width": 1440, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(params=list(SIZES))
def sized(request, login):
    """login(user) at this test's screen size."""

    def _login(user):
        page = login(user)
        page.set_viewport_size(SIZES[request.param])
        return page

    return _login


def _feed(people, price) -> None:
    services.prices_record(
        actor=people["feed"], prices=[{"instrument": "GOLD_MINI", "price": price, "source": "exchange"}]
    )


def test_a_pm_opens_then_closes_a_position_seeing_every_error_at_once(people, gold, sized):
    pm = sized(people["pam"])
    pm.goto("/book/positions/")
    pm.click("#open-new")
    pm.fill("#id_size", "-1")
    pm.fill("#id_entry_price", "abc")
    pm.click("#open-position")
    for field in ("instrument", "direction", "size", "entry_price"):
        assert pm.locator(f"#error-{field}").is_visible(), field
    assert not Position.objects.exists()
    pm.select_option("#id_instrument", "GOLD_MINI")
    pm.select_option("#id_direction", "LONG")
    pm.fill("#id_size", "2")
    pm.fill("#id_entry_price", "71000")
    pm.click("#open-position")
    position = Position.objects.get()
    pm.wait_for_url(f"**/book/positions/#position-{position.pk}")
    assert pm.get_attribute(f"#position-{position.pk}", "data-status") == "OPEN"

    _feed(people, 71450)
    pm.click(f"#close-{position.pk}")
    assert "+9,000.00 INR" in pm.inner_text("#suggested")
    assert pm.input_value("#id_exit_price").startswith("71450")
    pm.once("dialog", lambda dialog: dialog.dismiss())  # the confirmation: dismissed, nothing happens
    pm.click("#close-position")
    position.refresh_from_db()
    assert position.status == "OPEN"
    pm.once("dialog", lambda dialog: dialog.accept())
    pm.click("#close-position")
    pm.wait_for_url("**/book/positions/**")
    assert pm.get_attribute(f"#position-{position.pk}", "data-status") == "CLOSED"
    assert "+9,000.00 INR" in pm.inner_text(f"#position-{position.pk}")


def test_a_correction_from_a_book_row_shows_the_new_position_marked(people, open_position, browser, sized):
    wrong = open_position()  # LONG 2 GOLD_MINI @ 71,000, stop 70,500
    _feed(people, 71500)
    services.mtm_run(actor=people["pam"])

    pm = sized(people["pam"])
    pm.goto("/book/positions/")
    before = pm.inner_text("#total-unrealized")
    assert "+10,000.00 INR" in before
    pm.click(f"#correct-{wrong.pk}")
    pm.fill("#id_stop_price", "70600")
    pm.fill("#id_reason", "Broker statement: the stop is 70,600.")
    pm.click("#preview-correction")
    pm.click("#submit-correction")
    pm.wait_for_url("**/approvals/*/")
    approval_url = pm.url

    approver = sized(people["alice"])  # a second browser context: a second person
    approver.goto(approval_url)
    assert "waiting" in approver.inner_text("#waited")
    assert approver.locator(f"#touched-positions a[href='/book/positions/#position-{wrong.pk}']").count() == 1
    approver.fill("#id_comment", "Matches the broker statement.")
    approver.click("#approve")
    approver.wait_for_selector("#result")

    right = Position.objects.get(corrects=wrong)
    pm.goto("/book/positions/")
    row = pm.inner_text(f"#position-{right.pk}")
    assert pm.get_attribute(f"#position-{right.pk}", "data-status") == "OPEN"
    assert "71,500" in row and "+10,000.00 INR" in row  # marked at once, at the book's mark
    assert pm.inner_text("#total-unrealized") == before  # a P&L-neutral correction moves no P&L


def test_close_all_positions_is_asked_confirmed_and_approved(people, open_position, sized):
    first, second = open_position(), open_position(size=1, entry_price=70000, stop_price=None)
    _feed(people, 71500)
    pm = sized(people["pam"])
    pm.goto("/book/positions/")
    pm.click("#close-all")
    assert "+25,000.00 INR" in pm.inner_text("#close-all-pnl")
    assert pm.locator("#close-all-plan tbody tr").count() == 2
    pm.fill("#id_reason", "Broker outage: flatten the book.")
    pm.once("dialog", lambda dialog: dialog.accept())
    pm.click("#request-close-all")
    pm.wait_for_url("**/approvals/*/")
    assert pm.locator("#approve").count() == 0 and Position.objects.open().count() == 2

    approver = sized(people["alice"])
    approver.goto(pm.url)
    assert "P&L effect: 25,000" in approver.inner_text("#preview")
    assert approver.locator("#touched-positions li").count() == 2
    approver.click("#approve")
    approver.wait_for_selector("#result")
    assert approver.inner_text("#approval-status") == "executed"
    assert Position.objects.open().count() == 0
    pm.goto("/book/positions/")
    for position in (first, second):
        assert pm.get_attribute(f"#position-{position.pk}", "data-status") == "CLOSED"
