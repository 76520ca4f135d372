"""An auditor reaches the CSV exports and the API docs from the pages, with the page's own filters."""

import csv
import io
import re
from html import unescape

from django.test import Client

from journal.services import journal_entry_add


def _auditor(people) -> Client:
    client = Client()
    client.force_login(people["audrey"])
    return client


def _export(client: Client, path: str) -> tuple[str, list[dict]]:
    page = client.get(path)
    assert page.status_code == 200
    html = page.content.decode()
    href = unescape(re.search(r'id="export-csv" href="([^"]+)"', html).group(1))
    response = client.get(href)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv"), href
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return html, list(csv.DictReader(io.StringIO(body.decode(), newline="")))


def test_the_book_exports_the_positions_it_shows(people, open_position):
    open_position()
    open_position(instrument="BANK_NIFTY", entry_price=45000, stop_price=None)
    _, rows = _export(_auditor(people), "/book/positions/?instrument=BANK_NIFTY")
    assert [row["instrument"] for row in rows] == ["BANK_NIFTY"]


def test_the_journal_exports_its_filtered_entries(people):
    journal_entry_add(author=people["pam"], entry_type="decision", content="Held GOLD_MINI", tags=["gold"])
    journal_entry_add(author=people["pam"], entry_type="note", content="Lunch")
    _, rows = _export(_auditor(people), "/journal/?tag=gold")
    assert [row["content"] for row in rows] == ["Held GOLD_MINI"]


def test_the_audit_trail_exports_its_filtered_events_and_links_the_api_docs(people, open_position):
    open_position()
    html, rows = _export(_auditor(people), "/admin/audit/event/?actor=pam")
    assert rows and {row["actor"] for row in rows} == {"pam"}
    assert 'href="/api/docs/#/audit"' in html
    assert _auditor(people).get("/api/docs/").status_code == 200
