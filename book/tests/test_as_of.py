"""The book at a past moment, rebuilt from the hash-chained ledger (`?as_of=`)."""

import datetime as dt

from django.utils import timezone

from audit import chain
from book import services
from book.models import LedgerEntry

URL = "/api/v1/pms/book/positions"


def _at(moment: dt.datetime) -> str:
    return moment.isoformat()


def test_the_book_as_it_was(api, people, open_position, monkeypatch):
    first = open_position()
    t_open = timezone.now()
    services.prices_record(actor=people["feed"], prices=[{"instrument": "GOLD_MINI", "price": 71200, "source": "x"}])
    services.mtm_run(actor=people["pam"])
    t_marked = timezone.now()
    services.position_close(actor=people["pam"], position_id=first.pk, exit_price=71500)
    second = open_position(instrument="BANK_NIFTY", size=1, entry_price=48000)
    t_now = timezone.now()

    at_open = api["audrey"].get(URL, {"as_of": _at(t_open)}).json()["results"]
    assert [(r["id"], r["status"], r["current_price"]) for r in at_open] == [(first.pk, "OPEN", None)]
    at_mark = api["audrey"].get(URL, {"as_of": _at(t_marked)}).json()["results"]
    assert at_mark[0]["current_price"] == "71200.000000" and at_mark[0]["unrealized_pnl"] == "4000.00"
    assert at_mark[0]["exit_price"] is None and at_mark[0]["realized_pnl"] is None
    now = api["audrey"].get(URL, {"as_of": _at(t_now)}).json()["results"]
    assert [(r["id"], r["status"]) for r in now] == [(second.pk, "OPEN"), (first.pk, "CLOSED")]
    assert now[1]["realized_pnl"] == "10000.00"
    open_then = api["audrey"].get(URL, {"as_of": _at(t_marked), "status": "OPEN"}).json()["results"]
    assert [r["id"] for r in open_then] == [first.pk]
    closed_now = api["audrey"].get(URL, {"as_of": _at(t_now), "status": "CLOSED"}).json()["results"]
    assert [r["id"] for r in closed_now] == [first.pk]


def test_before_anything_the_book_is_empty(api, open_position):
    before = timezone.now() - dt.timedelta(hours=1)
    open_position()
    assert api["audrey"].get(URL, {"as_of": _at(before)}).json()["results"] == []


def test_the_ledger_chain_verifies(open_position, people):
    position = open_position()
    services.position_close(actor=people["pam"], position_id=position.pk, exit_price=71000)
    report = chain.verify_chain(LedgerEntry, "book")
    assert report.ok and report.rows == 2
