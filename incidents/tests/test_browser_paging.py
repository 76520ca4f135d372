"""A P1 declared in the browser reaches the SMTP server and the webhook receiver within seconds;
the page's acknowledge link, opened on a phone without logging in, works once."""

import json
import re
import time

import pytest
from playwright.sync_api import expect

from incidents.models import Incident

from .conftest import WEBHOOK_SECRET, ack_link

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def wait_for(condition, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "not delivered within seconds"
        time.sleep(0.05)


def test_a_p1_declared_in_the_browser_pages_and_is_acknowledged_from_the_mail(
    login, browser, live_server, people, rota, smtp, hooks, settings
):
    settings.INCIDENTS_SITE_URL = live_server.url
    ivy = login(people["ivy"])
    ivy.set_viewport_size({"width": 1440, "height": 900})
    ivy.goto("/incidents/")
    ivy.fill("#declare-title", "All services down")
    ivy.select_option("#declare-severity", "P1")
    started = time.monotonic()
    ivy.click("#declare-submit")
    ivy.wait_for_url(re.compile(r"/incidents/\d+/$"))
    wait_for(lambda: smtp and len(hooks.posts) == 2)
    assert time.monotonic() - started < 5
    incident = Incident.objects.get(title="All services down")
    [page] = smtp
    assert page["X-RcptTo"] == "oscar@example.com"
    assert f"{live_server.url}/incidents/{incident.pk}/" in page.get_content()
    assert all(hooks.signature_ok(i, WEBHOOK_SECRET) for i in range(2))
    assert {json.loads(p["body"]).get("event") for p in hooks.posts} == {"incident.paged", None}  # JSON, Slack
    expect(ivy.locator(".event-page")).to_contain_text("Paged the on-call: oscar@example.com")

    phone = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    try:
        oscar = phone.new_page()  # no session: the link is the credential
        oscar.goto(ack_link(page))
        oscar.click("#ack-button")
        expect(oscar.locator("#ack-outcome")).to_contain_text("Acknowledged.")
        expect(oscar.locator("#ack-status")).to_have_text("Acknowledged")
        assert oscar.evaluate("document.documentElement.scrollWidth") <= 390  # fits the phone
        response = oscar.goto(ack_link(page))
        assert response.status == 409
        expect(oscar.locator("#ack-problem")).to_contain_text("already used")
    finally:
        phone.close()
    incident.refresh_from_db()
    assert incident.status == "acknowledged"
    assert incident.events.get(kind="status_change", data__to="acknowledged").author == "oscar"
    expect(ivy.locator("#status")).to_have_text("Acknowledged")  # the war room's live tail
