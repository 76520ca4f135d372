"""A statement reconciled against the book as of its time: breaks of each kind, runs and audit recorded."""

import datetime as dt

import pytest
from django.utils import timezone

from audit.chain import verify_all
from audit.models import Event
from book import services as book_services
from recon.models import Break, BreakEvent, Run, Statement

from .conftest import BREAKS, csv_of


def test_a_statement_that_matches_the_book_has_no_break(post_statement, open_position):
    open_position()  # LONG 2 GOLD_MINI @ 71000
    open_position(instrument="BANK_NIFTY", direction="SHORT", size=1, entry_price=48000, stop_price=48500)
    response = post_statement(csv_of("GOLD_MINI,BUY,2,71000", "BANK_NIFTY,SELL,1,48000"), filename="angel.csv")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["compared"], body["matched"], body["breaks_found"], body["lines"]) == (2, 2, 0, 2)
    assert body["filename"] == "angel.csv" and body["source"] == "api" and body["ran_by"] == "pam"
    event = Event.objects.get(action="recon.statement.reconciled")
    assert event.actor == "pam" and event.payload["breaks"] == 0 and event.subject_id == str(body["id"])


def test_each_kind_of_difference_is_a_break_with_its_owner(post_statement, open_position, api):
    gold = open_position()
    open_position(instrument="BANK_NIFTY", direction="SHORT", size=1, entry_price=48000, stop_price=48500)
    response = post_statement(csv_of("GOLD_MINI,LONG,3,71000"), who="oscar")
    assert response.status_code == 201
    listed = api["audrey"].get(BREAKS).json()["results"]
    kinds = sorted((b["instrument"], b["kind"], b["owner"], b["status"]) for b in listed)
    assert kinds == [("BANK_NIFTY", "missing_at_broker", "oscar", "open"), ("GOLD_MINI", "quantity", "oscar", "open")]
    quantity = next(b for b in listed if b["kind"] == "quantity")
    assert quantity["book"]["positions"] == [gold.pk] and quantity["broker"]["line"] == 2
    assert quantity["age_seconds"] >= 0
    assert BreakEvent.objects.filter(kind="found").count() == 2
    only_open_quantity = api["pam"].get(BREAKS, {"kind": "quantity", "status": "open"}).json()["results"]
    assert [b["instrument"] for b in only_open_quantity] == ["GOLD_MINI"]
    detail = api["pam"].get(f"{BREAKS}/{quantity['id']}").json()
    assert [e["kind"] for e in detail["events"]] == ["found"]


def test_direction_and_missing_in_book(post_statement, open_position):
    open_position()
    post_statement(csv_of("GOLD_MINI,SHORT,2,71000", "BANK_NIFTY,LONG,1,48000"))
    assert sorted(Break.objects.values_list("instrument", "kind")) == [
        ("BANK_NIFTY", "missing_in_book"),
        ("GOLD_MINI", "direction"),
    ]


def test_the_book_is_taken_as_of_the_statement_time(post_statement, open_position, people):
    """A position closed after the statement's time was still held then; one opened after was not yet."""
    held = open_position()
    statement_time = timezone.now()
    book_services.position_close(actor=people["pam"], position_id=held.pk, exit_price=71200)
    open_position(instrument="BANK_NIFTY", direction="SHORT", size=1, entry_price=48000, stop_price=48500)
    response = post_statement(csv_of("GOLD_MINI,LONG,2,71000"), as_of=statement_time)
    assert response.json()["breaks_found"] == 0
    now = post_statement(csv_of("GOLD_MINI,LONG,2,71000"))
    assert sorted(Break.objects.filter(run_id=now.json()["id"]).values_list("instrument", "kind")) == [
        ("BANK_NIFTY", "missing_at_broker"),
        ("GOLD_MINI", "missing_in_book"),
    ]


def test_runs_and_statements_are_append_only_and_chained(post_statement, open_position):
    open_position()
    post_statement(csv_of("GOLD_MINI,LONG,5,71000"))
    statement = Statement.objects.get()
    assert statement.lines == [[2, "GOLD_MINI", "LONG", "5", "71000"]]
    with pytest.raises(Exception, match="append-only"):
        Run.objects.update(matched=9)
    with pytest.raises(Exception, match="append-only"):
        statement.delete()
    assert all(report.ok for report in verify_all())


def test_who_may_post_and_read(post_statement, api, gold):
    content = csv_of("GOLD_MINI,LONG,2,71000")
    assert post_statement(content, who="audrey").status_code == 403
    assert post_statement(content, who="alice").status_code == 403
    assert post_statement(content, who="feed").status_code == 403
    assert Statement.objects.count() == 0
    assert api["audrey"].get(BREAKS).status_code == 200
    assert api["feed"].get(BREAKS).status_code == 403


def test_an_empty_statement_against_an_empty_book_is_a_clean_run(post_statement, gold):
    response = post_statement(csv_of(), as_of=timezone.now() - dt.timedelta(hours=1))
    assert response.status_code == 201 and response.json()["compared"] == 0
