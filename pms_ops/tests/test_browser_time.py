"""One way of showing time: in Chromium with the browser in Asia/Kolkata, every page (and the admin)
shows moments in IST with the abbreviation, the UTC instant on hover: the zone travels through the
real timezone.js cookie to the server, and no page converts again in JavaScript."""

import datetime as dt
import zoneinfo

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KOLKATA = zoneinfo.ZoneInfo("Asia/Kolkata")


def _expected(utc_iso: str) -> tuple[str, str]:
    at = dt.datetime.fromisoformat(utc_iso)
    return at.astimezone(KOLKATA).strftime("%Y-%m-%d %H:%M:%S IST"), at.strftime("%Y-%m-%d %H:%M:%S UTC")


def test_every_page_shows_the_browsers_zone_with_utc_on_hover(desk, people, login):
    page = login(people["audrey"], timezone_id="Asia/Kolkata")
    cookie = next(c for c in page.context.cookies() if c["name"] == "pms_tz")
    assert cookie["value"] in ("Asia/Kolkata", "Asia/Calcutta")  # raw, as the server reads it (ICU's name)
    pages = [
        "/admin/",
        "/book/positions/",
        "/approvals/",
        f"/approvals/{desk['approval'].pk}/",
        "/incidents/",
        f"/incidents/{desk['incident'].pk}/",
        "/journal/",
        f"/journal/{desk['entry'].pk}/",
        "/ops/",
    ]
    for path in pages:
        page.goto(path)
        moments = page.locator("time[datetime]")
        assert moments.count() > 0, path
        for i in range(moments.count()):
            node = moments.nth(i)
            local, utc = _expected(node.get_attribute("datetime"))
            assert (node.text_content(), node.get_attribute("title")) == (local, utc), path


def test_the_admin_shows_moments_in_the_same_zone_and_format(desk, people, login):
    from audit.models import Event

    page = login(people["audrey"], timezone_id="Asia/Kolkata")
    page.goto("/admin/audit/event/")
    newest = Event.objects.order_by("-pk").first()
    local, _ = _expected(newest.occurred_at.astimezone(dt.UTC).isoformat())
    assert local in page.locator("#result_list tbody tr").first.inner_text()


def test_a_url_encoded_cookie_of_an_earlier_version_still_gives_the_zone(desk, people, login):
    page = login(people["audrey"], timezone_id="Asia/Kolkata")
    page.context.add_cookies([{"name": "pms_tz", "value": "Asia%2FCalcutta", "url": page.url}])
    page.route("**/timezone.js", lambda route: route.fulfill(body="", content_type="text/javascript"))
    page.goto("/journal/")
    assert page.locator("time[datetime]").first.inner_text().endswith(" IST")
