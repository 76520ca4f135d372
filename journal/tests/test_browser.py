"""A PM in headless Chromium: write an entry, find it by search, amend it, see both versions."""

import pytest
from playwright.sync_api import expect

from journal.models import JournalEntry


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_write_find_amend_and_see_both_versions(people, login):
    page = login(people["pam"])
    page.goto("/journal/")
    page.select_option("select[name=entry_type]", "mtm")
    page.fill("textarea[name=content]", "MTM corrected for **USDBRL**: volatility spike, price 5.9 was stale.")
    expect(page.locator(".journal-preview strong")).to_have_text("USDBRL")
    page.fill("input[name=tags]", "usdbrl")
    page.click("text=Record entry")
    expect(page.locator(".journal-verified")).to_have_text("verified")
    first = JournalEntry.objects.get()

    page.goto("/journal/")
    page.fill("input[name=q]", "USDBRL")
    page.click("button:text('Filter')")
    expect(page.locator(".journal-snippet mark").first).to_have_text("USDBRL")
    page.click(f"a:text('#{first.pk}')")

    page.locator("#amend").scroll_into_view_if_needed()
    page.fill("section:has(#amend) textarea[name=content]", "MTM corrected for USDBRL: correct price 5.4 (Bloomberg).")
    page.click("text=Record amendment")
    expect(page.locator(".journal-heading")).to_contain_text("amended")
    versions = page.locator(".journal-versions > li")
    expect(versions).to_have_count(2)
    expect(versions.nth(0)).to_contain_text("price 5.9 was stale")
    expect(versions.nth(1)).to_contain_text("correct price 5.4")
    assert JournalEntry.objects.latest("pk").supersedes_id == first.pk

    page.goto("/journal/")
    expect(page.locator(".journal-entry")).to_have_count(1)
    expect(page.locator(".journal-entry .pms-badge.pms-warn")).to_have_text("amended")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_another_person_answers_an_entry_they_may_not_amend(people, login, add):
    entry = add("Halve USDBRL ahead of COPOM.")
    page = login(people["paul"])
    page.goto(f"/journal/{entry.pk}/")
    expect(page.locator("#amend")).to_have_count(0)
    expect(page.locator(".journal-amend-refusal")).to_contain_text("Only its author, pam, can amend")
    page.fill("section:has(#answer) textarea[name=content]", "Disagree: COPOM is priced in.")
    page.click("text=Record new entry")
    expect(page.locator(".journal-verified")).to_have_text("verified")
    answer = JournalEntry.objects.latest("pk")
    assert answer.author == people["paul"] and answer.supersedes_id is None
    assert answer.links == [{"kind": "entry", "id": str(entry.pk)}]
