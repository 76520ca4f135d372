"""Opening and closing a position from the browser's pages: the book's services, every error beside its field."""

from decimal import Decimal

import pytest
from django.test import Client

from audit.models import Event
from book.models import Position


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_pm_opens_a_position_from_the_page(people, gold):
    page = _client(people["pam"]).post(
        "/book/positions/open/",
        {"instrument": "GOLD_MINI", "direction": "LONG", "size": "2", "entry_price": "71000", "stop_price": ""},
    )
    position = Position.objects.get()
    assert page.status_code == 302 and page["Location"] == f"/book/positions/#position-{position.pk}"
    assert (position.size, position.entry_price, position.stop_price) == (Decimal("2"), Decimal("71000"), None)
    assert Event.objects.filter(action="book.position.opened", actor="pam", subject_id=str(position.pk)).exists()


def test_every_wrong_field_is_shown_at_once_and_nothing_is_opened(people, gold):
    page = _client(people["pam"]).post(
        "/book/positions/open/", {"instrument": "", "direction": "", "size": "-2", "entry_price": "abc"}
    )
    html = page.content.decode()
    assert page.status_code == 400
    for field in ("instrument", "direction", "size", "entry_price"):
        assert f'id="error-{field}"' in html, field
    assert 'id="error-stop_price"' not in html
    assert "Must be greater than 0." in html and "A valid number is required." in html
    assert not Position.objects.exists() and not Event.objects.filter(action="book.position.opened").exists()


def test_the_service_names_every_wrong_fact_in_one_refusal(people, gold):
    from book import services
    from core.errors import Invalid

    with pytest.raises(Invalid) as refused:
        services.position_open(actor=people["pam"], instrument="NOPE", direction="UP", size="0", entry_price="71000")
    assert set(refused.value.fields) == {"instrument", "direction", "size"}
    assert "Unknown instrument" in refused.value.detail and "greater than 0" in refused.value.detail


def test_a_pm_closes_a_position_at_the_suggested_latest_price(people, open_position):
    from book import services

    position = open_position()
    services.prices_record(actor=people["feed"], prices=[{"instrument": "GOLD_MINI", "price": 71450, "source": "feed"}])
    pm = _client(people["pam"])
    form = pm.get(f"/book/positions/{position.pk}/close/").content.decode()
    assert 'value="71450' in form and "9,000.00 INR" in form and "data-confirm" in form
    closed = pm.post(f"/book/positions/{position.pk}/close/", {"exit_price": "71450", "notes": "target"})
    assert closed.status_code == 302
    position.refresh_from_db()
    assert (position.status, position.realized_pnl) == ("CLOSED", Decimal("9000.00"))
    again = pm.post(f"/book/positions/{position.pk}/close/", {"exit_price": "71450"})
    html = again.content.decode()  # a second click (or another PM first) is told, and changes nothing
    assert again.status_code == 400 and 'id="already-closed"' in html and "is already closed" in html


def test_a_close_away_from_the_market_asks_a_reason_then_waits_for_a_second_person(people, open_position):
    from approvals.models import ApprovalRequest
    from book import services

    position = open_position()
    services.prices_record(actor=people["feed"], prices=[{"instrument": "GOLD_MINI", "price": 71450, "source": "feed"}])
    pm = _client(people["pam"])
    refused = pm.post(f"/book/positions/{position.pk}/close/", {"exit_price": "60000"})
    assert refused.status_code == 400 and 'id="error-reason"' in refused.content.decode()
    asked = pm.post(f"/book/positions/{position.pk}/close/", {"exit_price": "60000", "reason": "Broker fill at 60000"})
    request = ApprovalRequest.objects.get(action="book.close_off_market")
    assert asked.status_code == 302 and asked["Location"] == f"/approvals/{request.pk}/"
    position.refresh_from_db()
    assert position.status == "OPEN" and request.reason == "Broker fill at 60000"


def test_a_close_without_a_price_is_refused_beside_the_field(people, open_position):
    position = open_position()
    page = _client(people["pam"]).post(f"/book/positions/{position.pk}/close/", {"exit_price": "-1"})
    assert page.status_code == 400 and 'id="error-exit_price"' in page.content.decode()
    position.refresh_from_db()
    assert position.status == "OPEN"


def test_only_a_pm_may_open_or_close(people, open_position):
    position = open_position()
    for name in ("alice", "audrey", "oscar"):
        client = _client(people[name])
        assert client.get("/book/positions/open/").status_code == 403
        assert client.post(f"/book/positions/{position.pk}/close/", {"exit_price": "1"}).status_code == 403
        assert client.get("/book/positions/close-all/").status_code == 403
    assert _client(people["pam"]).get("/book/positions/999999/close/").status_code == 404
    book = _client(people["audrey"]).get("/book/positions/").content.decode()
    assert f'id="close-{position.pk}"' not in book and 'id="open-new"' not in book
    book = _client(people["pam"]).get("/book/positions/").content.decode()
    assert f'id="close-{position.pk}"' in book and 'id="open-new"' in book and 'id="close-all"' in book
