"""Broker reconciliation end to end in Chromium: statement → break → correction from the break →
a second person's approval → the break resolved."""

import datetime as dt

import pytest
from django.utils import timezone

from book.models import Position
from recon.models import Break

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_break_is_found_corrected_and_resolved_by_two_people(people, open_position, login, tmp_path):
    wrong = open_position()  # the book says LONG 2 GOLD_MINI @ 71000
    statement = tmp_path / "angel-one.csv"
    statement.write_text("instrument,direction,quantity,average_price\nGOLD_MINI,LONG,3,71000\n")

    pm = login(people["pam"])
    pm.goto("/recon/")
    pm.set_input_files("#id_file", str(statement))
    moment = timezone.localtime(timezone.now() + dt.timedelta(seconds=1))
    pm.fill("#id_as_of", moment.strftime("%Y-%m-%dT%H:%M:%S"))
    pm.click("#reconcile")
    pm.wait_for_url("**/recon/?run=*")
    brk = Break.objects.get()
    row = pm.inner_text(f"#break-{brk.pk}")
    assert "Quantity differs" in row and "LONG 2" in row and "LONG 3" in row

    pm.click(f"#break-{brk.pk} a")
    pm.wait_for_url(f"**/recon/breaks/{brk.pk}/")
    pm.click("#correct-from-break")
    pm.wait_for_url("**/book/corrections/new/**")
    assert pm.input_value("#id_size") == "3"  # pre-filled from the broker's line
    assert f"break #{brk.pk}" in pm.input_value("#id_reason")
    pm.click("#preview-correction")
    assert "Open the correct position: LONG 3" in pm.inner_text("#preview")
    pm.click("#submit-correction")
    pm.wait_for_url("**/approvals/*/")
    approval_url = pm.url

    approver = login(people["alice"])
    approver.goto(approval_url)
    approver.fill("#id_comment", "Matches the broker statement.")
    approver.click("#approve")
    approver.wait_for_selector("#result")
    assert approver.inner_text("#approval-status") == "executed"

    approver.goto(f"/recon/breaks/{brk.pk}/")
    assert approver.inner_text("#break-status") == "Resolved"
    assert "By an approved correction" in approver.inner_text("main")
    assert approver.locator("#correct-from-break").count() == 0
    assert Position.objects.get(corrects=wrong).size == 3
