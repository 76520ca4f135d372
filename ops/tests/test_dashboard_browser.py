"""Through headless Chromium: a late heartbeat turns its probe red and opens an incident; a halt shows at once."""

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from ops import tasks
from ops.models import Heartbeat


@pytest.mark.browser
def test_a_late_heartbeat_turns_red_and_an_incident_appears(transactional_db, people, login, heartbeat):
    beat = heartbeat("morning-pack", period=60, grace=30, seen_ago=5)
    tasks.probe_run("heartbeats")
    page = login(people["oscar"])
    page.goto(reverse("ops:dashboard"))
    card = page.locator('[data-probe="heartbeats"]')
    assert card.get_attribute("data-status") == "ok"

    Heartbeat.objects.filter(pk=beat.pk).update(last_seen_at=timezone.now() - timezone.timedelta(minutes=10))
    tasks.probe_run("heartbeats")
    tasks.probe_run("heartbeats")  # the second failure within the hour is CRITICAL
    # no reload: the htmx panel refreshes itself
    page.wait_for_selector('[data-probe="heartbeats"][data-status="fail"]', timeout=15_000)
    assert "morning-pack" in page.locator('[data-probe="heartbeats"]').inner_text()
    assert "rgb(207, 34, 46)" in page.locator('[data-probe="heartbeats"] .pms-badge').evaluate(
        "el => getComputedStyle(el).color"
    )
    # the dashboard's open incidents, the incident list page, and the incidents API agree
    page.wait_for_selector('#open-incidents li:has-text("Probe heartbeats failing")', timeout=15_000)
    listed = json.loads(page.request.get("/api/v1/incidents/").text())["results"]
    assert [(i["severity"], i["detected_by"]) for i in listed] == [("P2", "probe:heartbeats")]
    page.goto(reverse("incidents:list"))
    row = page.locator("tr", has_text="Probe heartbeats failing")
    assert row.count() == 1 and "P2" in row.inner_text()


@pytest.mark.browser
def test_halting_trading_shows_at_once_and_trading_enabled_says_false(transactional_db, people, login):
    page = login(people["pam"])
    page.goto(reverse("ops:dashboard"))
    assert "Trading ENABLED" in page.locator("#trading-state").inner_text()
    page.fill("#halt-reason", "Exchange reports a stuck order book")
    page.once("dialog", lambda dialog: dialog.dismiss())  # a second thought: nothing happens
    page.click("#halt-button")
    assert "Trading ENABLED" in page.locator("#trading-state").inner_text()
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.click("#halt-button")
    page.wait_for_selector("#trading-state.pms-fail")
    assert asked and "Halt trading for the whole desk now?" in asked[0]
    assert "Trading HALTED" in page.locator("#trading-state").inner_text()
    assert "Exchange reports a stuck order book" in page.locator("#trading-state").inner_text()
    answer = page.request.get("/api/v1/ops/trading-enabled")
    assert answer.status == 200
    body = json.loads(answer.text())
    assert body["trading_enabled"] is False
    assert body["reason"] == "Exchange reports a stuck order book"
    assert page.locator("#resume-button").is_visible()
