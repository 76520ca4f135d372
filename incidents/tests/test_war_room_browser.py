"""The war room in headless Chromium: two people on one incident, each sees the other's notes live."""

import re

import pytest
from playwright.sync_api import expect

from incidents.models import Incident
from journal.models import JournalEntry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_declare_run_resolve_postmortem_close(login, people):
    ivy = login(people["ivy"])
    ivy.goto("/incidents/")
    ivy.fill("#declare-title", "Database unavailable")
    ivy.click("#declare-submit")  # no severity chosen: there is no default, the form asks for one
    assert ivy.evaluate("document.getElementById('declare-severity').validity.valueMissing")
    assert not Incident.objects.exists()
    assert "acknowledge within 5 min" in ivy.inner_text("#declare-severity option[value=P1]")
    ivy.select_option("#declare-severity", "P1")
    ivy.select_option("#declare-runbook", "database-unavailable")
    ivy.click("#declare-submit")
    ivy.wait_for_url(re.compile(r"/incidents/\d+/$"))
    incident = Incident.objects.get(title="Database unavailable")
    expect(ivy.locator("#sla-clock")).to_contain_text("Acknowledge within")
    declared = ivy.locator(".event-when time").first
    expect(declared).to_contain_text("GMT")  # the browser's timezone (Europe/London in December)
    assert declared.get_attribute("title").endswith("UTC")
    ivy.click("#status-acknowledged")
    expect(ivy.locator("#status")).to_have_text("Acknowledged")
    ivy.select_option("#role-name", "commander")
    ivy.select_option("#role-user", "ivy")
    ivy.click("#role-assign")
    expect(ivy.locator("#commander")).to_have_text("ivy")

    pam = login(people["pam"])
    pam.goto(f"/incidents/{incident.pk}/")
    for page in (ivy, pam):  # the quick-add keys are wired once the page's script ran
        page.wait_for_selector("body[data-war-room-ready]", state="attached")
    ivy.fill("#quick-add-text", "Restarting the database")
    ivy.press("#quick-add-text", "Enter")
    expect(pam.locator(".event-text", has_text="Restarting the database")).to_be_visible()
    expect(ivy.locator("#quick-add-text")).to_have_value("")
    pam.fill("#quick-add-text", "Book shows stale prices")
    pam.press("#quick-add-text", "Shift+Enter")
    pam.type("#quick-add-text", "since 09:10")
    expect(pam.locator("#quick-add-text")).to_have_value("Book shows stale prices\nsince 09:10")
    pam.press("#quick-add-text", "Enter")
    expect(ivy.locator(".event-text", has_text="since 09:10")).to_contain_text("Book shows stale prices")
    assert incident.events.filter(kind="note", author="pam", text="Book shows stale prices\nsince 09:10").exists()

    ivy.click("#tick-1")
    expect(ivy.locator("#tick-1")).to_have_attribute("aria-pressed", "true")
    ivy.click("#tick-2")
    expect(ivy.locator("#tick-2")).to_have_attribute("aria-pressed", "true")
    expect(pam.locator(".event-checklist")).to_have_count(2)
    ivy.click("#status-resolved")
    expect(ivy.locator("#status")).to_have_text("Resolved")
    expect(pam.locator("#status")).to_have_text("Resolved")  # pam's header follows without a reload
    expect(ivy.locator("#journal-entry")).to_contain_text("type incident")

    ivy.click("#postmortem-link")
    ivy.fill("#pm-root-cause", "Disk full after WAL archiving stopped")
    ivy.fill("#pm-prevention", "Disk alert at 80%")
    ivy.fill("#pm-item-1-description", "Add the disk alert")
    ivy.select_option("#pm-item-1-owner", "oscar")
    ivy.fill("#pm-item-1-due", "2026-12-31")
    ivy.fill("#pm-comms", "Updates went out every 5 minutes")
    ivy.click("#pm-save")
    ivy.wait_for_url(f"**/incidents/{incident.pk}/")
    asked = []
    ivy.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    ivy.click("#status-closed")
    expect(ivy.locator("#status")).to_have_text("Closed")
    assert asked == [f"Close incident #{incident.pk}? A closed incident is final."]

    entry = JournalEntry.objects.get(entry_type="incident")
    assert f"Incident #{incident.pk} P1: Database unavailable" in entry.content
    expect(pam.locator("#journal-entry")).to_have_count(0)  # pam's page predates the resolution
    pam.reload()
    expect(pam.locator("#journal-entry")).to_contain_text(f"#{entry.pk}")
    pam.goto(f"/journal/?entry_type=incident&related_incident_id={incident.pk}")
    shown = pam.locator(f"#entry-{entry.pk}")
    expect(shown).to_contain_text("Incident")
    expect(shown).to_contain_text("Root Cause")
    expect(shown).to_contain_text(f"incident {incident.pk}")


def test_the_war_room_follows_what_someone_else_does(login, people):
    """Ops acknowledges in one browser; the commander's page shows it, its clock and its buttons move on,
    and the commander's next action is not refused as a stale version."""
    from incidents import services

    incident = services.incident_declare(actor=people["ivy"], title="Broker link down", severity="P2")
    ivy = login(people["ivy"])
    ivy.goto(f"/incidents/{incident.pk}/")
    expect(ivy.locator("#sla-clock")).to_contain_text("Acknowledge within")
    expect(ivy.locator("#status-acknowledged")).to_have_text("Acknowledge")

    oscar = login(people["oscar"])
    oscar.goto(f"/incidents/{incident.pk}/")
    oscar.click("#status-acknowledged")
    expect(oscar.locator("#status")).to_have_text("Acknowledged")

    expect(ivy.locator("#status")).to_have_text("Acknowledged")  # the next poll, without a reload
    expect(ivy.locator("#sla-clock")).to_contain_text("Acknowledged after")
    expect(ivy.locator("#status-acknowledged")).to_have_count(0)
    ivy.click("#status-resolved")
    expect(ivy.locator("#status")).to_have_text("Resolved")
    expect(ivy.locator(".errornote, .messagelist .error")).to_have_count(0)
    assert Incident.objects.get(pk=incident.pk).status == "resolved"
    expect(ivy.locator("#status-acknowledged")).to_have_text("Reopen")
