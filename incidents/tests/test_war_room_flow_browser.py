"""The whole incident in two browsers, on a desktop and on a phone: declare (severity chosen, runbook suggested,
trading halted on the spot) → Ops acknowledges and the commander's page follows live → resolve → closing too
early names what the post-mortem lacks → the post-mortem starts from the starred timeline → close, read-only."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from incidents.models import Incident

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"desktop": {"width": 1440, "height": 900}, "phone": {"width": 390, "height": 844}}
OVERFLOW_JS = "() => document.documentElement.scrollWidth <= window.innerWidth"


def _accept_dialogs(page) -> list[str]:
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    return asked


@pytest.mark.parametrize("size", SIZES)
def test_declare_follow_live_resolve_postmortem_from_stars_close(login, people, size):
    ivy, oscar = login(people["ivy"]), login(people["oscar"])
    for page in (ivy, oscar):
        page.set_viewport_size(SIZES[size])
    ivy_asked, oscar_asked = _accept_dialogs(ivy), _accept_dialogs(oscar)

    ivy.goto("/incidents/")
    expect(ivy.locator("#severity-guide")).to_contain_text("acknowledge within 5 min, resolve within 15 min")
    ivy.fill("#declare-title", "Redis unavailable on the trading host")
    expect(ivy.locator("#runbook-suggested")).to_contain_text("Redis unavailable")
    expect(ivy.locator("#declare-runbook")).to_have_value("redis-unavailable")
    ivy.select_option("#declare-severity", "P2")
    ivy.check("#declare-trading-halted")
    ivy.click("#declare-submit")
    ivy.wait_for_url(re.compile(r"/incidents/\d+/$"))
    incident = Incident.objects.get(title="Redis unavailable on the trading host")
    assert incident.runbook_version.runbook.slug == "redis-unavailable"
    expect(ivy.locator("#sla-clock")).to_contain_text("Acknowledge within")
    expect(ivy.locator("#halt-offer")).to_have_count(0)  # the commander may not halt trading; Ops may

    oscar.goto(f"/incidents/{incident.pk}/")
    oscar.click("#halt-trading")
    oscar.wait_for_url(f"**/incidents/{incident.pk}/")
    assert oscar_asked == ["Halt all trading now? Resuming needs a second person's approval."]
    expect(ivy.locator(".event-action", has_text="Trading halted by oscar")).to_be_visible()  # live, no reload
    oscar.click("#status-acknowledged")
    expect(oscar.locator("#status")).to_have_text("Acknowledged")

    expect(ivy.locator("#status")).to_have_text("Acknowledged")  # the commander's page follows
    expect(ivy.locator("#sla-clock")).to_contain_text("Acknowledged after")
    expect(ivy.locator("#sla-clock")).not_to_contain_text("Acknowledge within")
    expect(ivy.locator("#status-acknowledged")).to_have_count(0)

    ivy.wait_for_selector("body[data-war-room-ready]", state="attached")
    ivy.fill("#quick-add-text", "Redis **OOM** since 09:12")
    ivy.press("#quick-add-text", "Enter")
    note = ivy.locator(".event-note", has_text="OOM since 09:12")
    expect(note.locator("strong")).to_have_text("OOM")  # Markdown, as the journal renders it
    note.locator("button.star").click()
    expect(ivy.locator(".event-note.starred", has_text="OOM since 09:12")).to_have_count(1)

    ivy.click("#status-resolved")
    expect(ivy.locator("#status")).to_have_text("Resolved")
    expect(ivy.locator(".messagelist .error, .errornote")).to_have_count(0)  # no stale-version refusal
    expect(oscar.locator("#status")).to_have_text("Resolved")
    expect(ivy.locator("#close-gaps")).to_contain_text("the root cause analysis, the prevention measures")
    ivy.click("#status-closed")
    expect(ivy.locator(".messagelist")).to_contain_text("cannot close yet: its post-mortem lacks the root cause")
    assert Incident.objects.get(pk=incident.pk).status == "resolved"

    ivy.fill("#follow-up-description", "Alert on Redis memory at 80%")
    ivy.select_option("#follow-up-owner", "oscar")
    ivy.fill("#follow-up-due", (dt.date.today() + dt.timedelta(days=14)).isoformat())
    ivy.click("#follow-up-add")
    expect(ivy.locator("#follow-ups")).to_contain_text("Alert on Redis memory at 80%")

    ivy.click("#close-gaps a")
    expect(ivy.locator("#key-moments")).to_contain_text("Redis **OOM** since 09:12")
    expect(ivy.locator("#key-moments")).not_to_contain_text("Trading halted")
    expect(ivy.locator("#postmortem-follow-ups")).to_contain_text("Alert on Redis memory at 80%")
    ivy.fill("#pm-root-cause", "maxmemory too low for the morning load")
    ivy.fill("#pm-prevention", "Memory alert; maxmemory sized from the peak")
    ivy.fill("#pm-comms", "Desk told within 5 minutes")
    ivy.click("#pm-save")
    ivy.wait_for_url(f"**/incidents/{incident.pk}/")
    expect(ivy.locator("#close-gaps")).to_have_text("")
    ivy.click("#status-closed")
    expect(ivy.locator("#status")).to_have_text("Closed")
    assert f"Close incident #{incident.pk}? A closed incident is final." in ivy_asked
    expect(ivy.locator("#read-only")).to_be_visible()
    expect(ivy.locator("#quick-add, #status-form, #severity-form, button.star")).to_have_count(0)
    expect(oscar.locator("#status")).to_have_text("Closed")  # live in the other browser too
    expect(oscar.locator("#status-actions")).to_have_text("Closed: final.")
    for page in (ivy, oscar):
        assert page.evaluate(OVERFLOW_JS), f"{size}: horizontal overflow"
