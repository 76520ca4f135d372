"""The trading day in IST: checklists signed off item by item by a named person; a missed one fails the probe."""

import datetime as dt
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.test import Client, override_settings

from audit.models import Event
from core.errors import Conflict
from desk import day as trading_day
from desk import selectors, services
from desk.models import Holiday, SignOff
from ops import checks

IST = ZoneInfo("Asia/Kolkata")
MONDAY = dt.date(2026, 12, 7)


def at(hour: int, minute: int, second: int = 0, day: dt.date = MONDAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute, second), tzinfo=IST)


@pytest.fixture
def clock():
    """clock(moment): the desk's `now` for services, selectors and the probe."""
    with mock.patch("django.utils.timezone.now") as now:
        yield lambda moment: setattr(now, "return_value", moment.astimezone(dt.UTC))


def _sign_all(people, kind):
    for n in range(1, len(trading_day.CHECKLISTS[kind].items) + 1):
        services.item_sign(actor=people["oscar"], day=MONDAY, checklist=kind, item=n)


def test_the_pre_market_checklist_is_due_at_0845_ist(people, clock):
    clock(at(8, 45))
    assert checks.trading_day().status == "ok"  # exactly at the due time: not yet missed
    clock(at(8, 45, 1))
    outcome = checks.trading_day()
    assert outcome.status == "fail" and "Pre-market checklist (5 of 5 unsigned)" in outcome.message


def test_signing_every_item_by_name_keeps_the_probe_green(people, clock):
    clock(at(8, 30))
    _sign_all(people, trading_day.PRE_MARKET)
    clock(at(9, 0))
    assert checks.trading_day().status == "ok"
    [pre, _] = selectors.checklists(MONDAY)
    assert pre["complete"] and {i["signoff"].signed_by for i in pre["items"]} == {"oscar"}
    assert Event.objects.filter(action="desk.item.signed").count() == 5


def test_end_of_day_opens_at_1600_and_is_missed_an_hour_later(people, clock):
    clock(at(15, 59, 59))
    with pytest.raises(Conflict, match="opens at 16:00"):
        services.item_sign(actor=people["pam"], day=MONDAY, checklist=trading_day.END_OF_DAY, item=1)
    clock(at(8, 0))
    _sign_all(people, trading_day.PRE_MARKET)
    clock(at(16, 0))
    services.item_sign(actor=people["pam"], day=MONDAY, checklist=trading_day.END_OF_DAY, item=1)
    clock(at(17, 0))
    assert checks.trading_day().status == "ok"
    clock(at(17, 0, 1))
    assert "End-of-day checklist (3 of 4 unsigned)" in checks.trading_day().message


def test_an_item_is_signed_once_today_only(people, clock):
    clock(at(8, 0))
    services.item_sign(actor=people["pam"], day=MONDAY, checklist=trading_day.PRE_MARKET, item=2)
    with pytest.raises(Conflict, match="already signed off by pam"):
        services.item_sign(actor=people["oscar"], day=MONDAY, checklist=trading_day.PRE_MARKET, item=2)
    with pytest.raises(Conflict, match="Only today's"):
        services.item_sign(
            actor=people["pam"], day=MONDAY - dt.timedelta(days=1), checklist=trading_day.PRE_MARKET, item=1
        )
    with pytest.raises(Exception, match="items 1 to 5"):
        services.item_sign(actor=people["pam"], day=MONDAY, checklist=trading_day.PRE_MARKET, item=6)
    assert SignOff.objects.count() == 1


def test_holidays_and_weekends_have_no_checklist(people, clock):
    Holiday.objects.create(date=MONDAY, name="Guru Nanak Jayanti")
    clock(at(12, 0))
    assert checks.trading_day().status == "ok"
    with pytest.raises(Conflict, match="not a trading day"):
        services.item_sign(actor=people["pam"], day=MONDAY, checklist=trading_day.PRE_MARKET, item=1)
    saturday = MONDAY - dt.timedelta(days=2)
    clock(at(12, 0, day=saturday))
    assert checks.trading_day().status == "ok"


@override_settings(BOOK_TIMEZONE="Europe/London", DESK_PRE_MARKET_AT="07:30")
def test_the_desk_timezone_and_times_are_settings(people, clock):
    clock(dt.datetime(2026, 12, 7, 7, 30, 1, tzinfo=ZoneInfo("Europe/London")))
    assert checks.trading_day().status == "fail"


def test_the_page_signs_by_the_signed_in_person(people, clock):
    clock(at(8, 0))
    client = Client()
    client.force_login(people["ivy"])
    response = client.post("/desk/", {"checklist": "pre_market", "item": "1"})
    assert response.status_code == 302
    page = client.get("/desk/").content.decode()
    assert "signed off by <strong>ivy</strong>" in page and 'id="sign-pre_market-2"' in page
    auditor = Client()
    auditor.force_login(people["audrey"])
    assert auditor.post("/desk/", {"checklist": "pre_market", "item": "2"}).status_code == 403
    assert 'id="sign-pre_market-2"' not in auditor.get("/desk/").content.decode()
    assert SignOff.objects.count() == 1


def test_the_api_lists_today(api, people, clock):
    clock(at(8, 0))
    services.item_sign(actor=people["pam"], day=MONDAY, checklist=trading_day.PRE_MARKET, item=1)
    body = api["audrey"].get("/api/v1/desk/today").json()
    assert (body["date"], body["timezone"], body["trading_day"]) == ("2026-12-07", "Asia/Kolkata", True)
    items = body["checklists"][0]["items"]
    assert items[0]["signed_by"] == "pam" and items[1]["signed_by"] is None


def test_the_demo_signs_what_is_open_and_leaves_the_rest(people, clock):
    from desk import demo

    clock(at(10, 0))
    demo.load({"ops": people["oscar"]})
    demo.load({"ops": people["oscar"]})  # a second load adds nothing
    assert SignOff.objects.filter(checklist=trading_day.PRE_MARKET).count() == 5
    assert not SignOff.objects.filter(checklist=trading_day.END_OF_DAY).exists()
    assert checks.trading_day().status == "ok"


def test_the_api_signs_off_as_the_caller(api, people, clock):
    clock(at(8, 0))
    url = "/api/v1/desk/today/signoffs"
    first = api["ivy"].post(url, {"checklist": "pre_market", "item": 1, "note": "Margins checked"}, format="json")
    assert first.status_code == 201, first.json()
    body = first.json()
    assert (body["day"], body["checklist"], body["item"], body["signed_by"]) == ("2026-12-07", "pre_market", 1, "ivy")
    assert body["text"] == trading_day.CHECKLISTS["pre_market"].items[0] and body["note"] == "Margins checked"
    signed = SignOff.objects.get()
    assert (signed.signed_by, signed.hash) == ("ivy", body["hash"])
    event = Event.objects.get(action="desk.item.signed")
    assert (event.actor, event.subject_id) == ("ivy", "2026-12-07:pre_market")
    again = api["pam"].post(url, {"checklist": "pre_market", "item": 1}, format="json")
    assert again.status_code == 409 and "already signed off by ivy" in again.json()["detail"]
    page = api["audrey"].get("/api/v1/desk/today").json()
    assert page["checklists"][0]["items"][0]["signed_by"] == "ivy"
    assert api["audrey"].post(url, {"checklist": "pre_market", "item": 2}, format="json").status_code == 403
    clock(at(12, 0))
    early = api["oscar"].post(url, {"checklist": "end_of_day", "item": 1}, format="json")
    assert early.status_code == 409 and "opens at 16:00" in early.json()["detail"]
    assert SignOff.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"checklist": "lunch", "item": 1}, "checklist"),
        ({"checklist": "pre_market", "item": 0}, "item"),
        ({"checklist": "pre_market", "item": 6}, "item"),
        ({"checklist": "pre_market", "item": "\u0663"}, "item"),  # an Arabic-Indic three
        ({"checklist": "pre_market", "item": {"n": 1}}, "item"),
        ({"checklist": "pre_market", "item": 1, "note": "x" * 501}, "note"),
        ({"checklist": "pre_market", "item": 1, "note": "a\x00b"}, "note"),
        ({"checklist": "pre_market", "item": 1, "signed_by": "pam"}, "signed_by"),
        ({"item": 1}, "checklist"),
    ],
)
def test_a_bad_sign_off_is_a_400_naming_the_field_and_signs_nothing(api, people, clock, body, field):
    clock(at(8, 0))
    response = api["oscar"].post("/api/v1/desk/today/signoffs", body, format="json")
    assert response.status_code == 400, response.json()
    assert field in response.json()["fields"]
    assert not SignOff.objects.exists() and not Event.objects.filter(action="desk.item.signed").exists()


def test_a_replayed_sign_off_answers_the_first_time_and_signs_once(api, people, clock):
    clock(at(8, 0))
    url, body = "/api/v1/desk/today/signoffs", {"checklist": "pre_market", "item": 3}
    first = api["pam"].post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="pre-3")
    replay = api["pam"].post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="pre-3")
    assert first.status_code == replay.status_code == 201 and first.json() == replay.json()
    assert SignOff.objects.count() == 1
