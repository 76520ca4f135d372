"""A bad statement is refused whole, naming the line and the field: nothing of it is stored."""

import pytest
from django.test import override_settings

from audit.models import Event
from recon.models import Break, BreakEvent, Run, Statement

from .conftest import HEADER, csv_of

pytestmark = pytest.mark.usefixtures("gold", "nifty")


def _refused(response, *where: str) -> dict:
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["error"] == "invalid"
    for key in where:
        assert key in body["fields"], body["fields"]
    assert (Statement.objects.count(), Run.objects.count(), Break.objects.count(), BreakEvent.objects.count()) == (
        0,
        0,
        0,
        0,
    )
    assert not Event.objects.filter(action__startswith="recon.").exists()
    return body


def test_an_unknown_instrument_is_named_with_its_line(post_statement):
    body = _refused(post_statement(csv_of("GOLD_MINI,LONG,2,71000", "SILVERX,LONG,1,90000")), "line 3.instrument")
    assert "Unknown instrument 'SILVERX'" in body["fields"]["line 3.instrument"][0]


def test_a_negative_quantity_is_refused_even_when_other_lines_are_good(post_statement):
    body = _refused(post_statement(csv_of("GOLD_MINI,LONG,2,71000", "BANK_NIFTY,SHORT,-1,22000")), "line 3.quantity")
    assert "Negative quantity -1" in body["fields"]["line 3.quantity"][0]


def test_a_duplicate_row_names_both_lines(post_statement):
    body = _refused(
        post_statement(csv_of("GOLD_MINI,LONG,2,71000", "BANK_NIFTY,SHORT,1,22000", "gold_mini,LONG,2,71000")),
        "line 4.instrument",
    )
    assert "already on line 2" in body["fields"]["line 4.instrument"][0]


def test_a_statement_not_in_utf8_names_the_line_and_column(post_statement):
    content = HEADER.encode() + b"GOLD_MINI,LONG,2,71000\nBANK_NIFTY,SHORT,1,22\xe9000\n"
    body = _refused(post_statement(content), "line 3.column 4")
    assert "0xe9 is not UTF-8" in body["detail"]


def test_every_problem_of_every_line_is_listed_at_once(post_statement):
    body = _refused(
        post_statement(csv_of("GOLD_MINI,SIDEWAYS,2,71000", "BANK_NIFTY,SHORT,0,abc")),
        "line 2.direction",
        "line 3.quantity",
        "line 3.average_price",
    )
    assert "3 problem(s)" in body["detail"]


def test_a_missing_column_is_refused_at_the_header(post_statement):
    body = _refused(post_statement(b"instrument,side,qty\nGOLD_MINI,LONG,2\n"), "line 1.header")
    assert "average_price" in body["detail"]


def test_a_100_mb_file_is_refused_before_it_is_read(api):
    """The API refuses the body by its length (413, nothing read); the service refuses it by size too."""
    response = api["pam"].post(
        "/api/v1/pms/recon/statements?as_of=2026-01-01T00:00:00Z",
        b"",
        content_type="text/csv",
        CONTENT_LENGTH=str(100 * 1024 * 1024),
    )
    assert response.status_code == 413 and response.json()["error"] == "too_large"
    assert Statement.objects.count() == 0


@override_settings(RECON_STATEMENT_MAX_BYTES=100)
def test_a_statement_over_the_size_setting_is_refused(post_statement):
    content = csv_of(*["GOLD_MINI,LONG,2,71000"] * 5)
    assert len(content) > 100
    body = _refused(post_statement(content), "file")
    assert "limit is 100" in body["detail"]


def test_a_nul_byte_is_refused_not_stored(post_statement):
    body = _refused(post_statement(HEADER.encode() + b"GOLD_MINI,LONG,2,710\x0000\n"), "line 2.file")
    assert not Statement.objects.exists() and "line 2.file" in body["fields"]


def test_the_statement_time_is_required_and_not_in_the_future(api):
    missing = api["pam"].post("/api/v1/pms/recon/statements", csv_of("GOLD_MINI,LONG,2,71000"), content_type="text/csv")
    assert missing.status_code == 400 and "as_of" in missing.json()["fields"]
    future = api["pam"].post(
        "/api/v1/pms/recon/statements?as_of=2999-01-01T00:00:00Z",
        csv_of("GOLD_MINI,LONG,2,71000"),
        content_type="text/csv",
    )
    assert future.status_code == 400 and "future" in future.json()["detail"]
    assert Statement.objects.count() == 0


def test_a_json_body_is_not_a_statement(api):
    response = api["pam"].post("/api/v1/pms/recon/statements?as_of=2026-01-01T00:00:00Z", {"a": 1}, format="json")
    assert response.status_code == 415
    assert Statement.objects.count() == 0
