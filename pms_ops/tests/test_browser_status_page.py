"""The public status page in Chromium, signed out, on a desktop and a phone: it fits the screen,
axe-core finds no serious or critical violation, and it shows the desk's incident in public words only."""

import pytest

from pms_ops.tests.test_browser_roles import AXE, AXE_JS, OVERFLOW_JS, SIZES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("size", list(SIZES))
def test_the_status_page_signed_out(desk, browser, live_server, size):
    incident = desk["incident"]
    incident.public_title = "Slow position updates"
    incident.save(update_fields=["public_title"])
    context = browser.new_context(base_url=live_server.url, viewport=SIZES[size])
    try:
        page = context.new_page()
        response = page.goto("/status/")
        assert response.status == 200
        assert page.evaluate(OVERFLOW_JS), "horizontal overflow"
        assert page.locator("[data-incident] h3").all_inner_texts() == ["Slow position updates"]
        assert page.locator("#components [data-component='trading']").get_attribute("data-state") == "outage"
        text = page.inner_text("body")
        for internal in ("Database unavailable", "Broker link down", "ivy", "oscar"):
            assert internal not in text
        page.add_script_tag(path=str(AXE))
        assert page.evaluate(AXE_JS) == []
    finally:
        context.close()
