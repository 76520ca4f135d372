"""The list: filters, newest first, cursor pages; `?format=csv` for a spreadsheet."""

import csv
import datetime as dt
import io

from django.utils import timezone

from journal import links

from .conftest import LIST


def test_filters(api, add, people, positions):
    now = timezone.now()
    a = add("about 17", entry_type="correction", links=[("position", "17")], tags=["usdbrl", "scenario-3"])
    b = add("about 18", entry_type="mtm", author=people["paul"], links=[("position", "18")])
    c = add("long ago", entry_type="note", occurred_at=now - dt.timedelta(days=10))
    cases = {
        "entry_type=correction": [a.pk],
        "author=paul": [b.pk],
        "tag=usdbrl": [a.pk],
        "tag=USDBRL": [a.pk],
        "tag=scenario": [],
        "related_position_id=18": [b.pk],
        "related_position_id=99": [],
        f"until={(now - dt.timedelta(days=5)).date().isoformat()}": [c.pk],
        f"since={(now - dt.timedelta(days=1)).date().isoformat()}": [b.pk, a.pk],
    }
    for query, expected in cases.items():
        rows = api["audrey"].get(f"{LIST}?{query}").json()["results"]
        assert [r["id"] for r in rows] == expected, query


def test_incident_and_approval_links_filter(api, add, monkeypatch):
    monkeypatch.setitem(links.KINDS, "incident", links.LinkKind("incident", lambda pk: pk == "5", "incident"))
    entry = add("declared P2", entry_type="incident", links=[("incident", "5")])
    add("other")
    rows = api["audrey"].get(LIST, {"related_incident_id": "5"}).json()["results"]
    assert [r["id"] for r in rows] == [entry.pk] and rows[0]["related_incident_id"] == "5"


def test_cursor_pages_newest_first(api, add):
    ids = [add(f"entry {i}").pk for i in range(7)]
    first = api["audrey"].get(LIST, {"page_size": 3}).json()
    assert [r["id"] for r in first["results"]] == ids[::-1][:3]
    second = api["audrey"].get(first["next"]).json()
    assert [r["id"] for r in second["results"]] == ids[::-1][3:6]


def test_csv_export_of_the_filtered_list(api, add, positions):
    add('=HYPERLINK("http://evil")', entry_type="note")
    entry = add("Closed 17, line one\nline two", entry_type="correction", links=[("position", "17")], tags=["fix"])
    response = api["audrey"].get(LIST, {"format": "csv", "entry_type": "correction"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 1
    assert rows[0]["id"] == str(entry.pk) and rows[0]["links"] == "position:17" and rows[0]["tags"] == "fix"
    assert rows[0]["content"] == "Closed 17, line one\nline two" and rows[0]["hash"] == entry.hash


def test_csv_defuses_spreadsheet_formulas(api, add):
    add('=HYPERLINK("http://evil")')
    response = api["audrey"].get(LIST, {"format": "csv"})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0]["content"].startswith("'=")


def test_csv_needs_a_reading_role(api, add):
    assert api["nobody"].get(LIST, {"format": "csv"}).status_code == 403


def test_a_time_window_lists_newest_occurrence_first_across_pages(api, add):
    now = timezone.now()
    late = add("recorded first, occurred last", occurred_at=now - dt.timedelta(hours=1))
    early = add("backfilled: occurred first", occurred_at=now - dt.timedelta(hours=5))
    middle = add("occurred in between", occurred_at=now - dt.timedelta(hours=3))
    add("before the window", occurred_at=now - dt.timedelta(days=3))
    since = (now - dt.timedelta(days=1)).isoformat()
    first = api["audrey"].get(LIST, {"since": since, "page_size": 2}).json()
    assert [r["id"] for r in first["results"]] == [late.pk, middle.pk]
    second = api["audrey"].get(first["next"]).json()
    assert [r["id"] for r in second["results"]] == [early.pk] and second["next"] is None
