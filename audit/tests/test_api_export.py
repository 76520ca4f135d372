"""An auditor exports the trail: NDJSON streamed line by line, CSV for a spreadsheet; filters apply."""

import csv
import io
import json

import pytest
from django.db import connection

from audit import export
from audit.models import Event
from audit.services import event_record

URL = "/api/v1/audit/events"


def body(response) -> str:
    assert response.streaming, "exports are streamed"
    return b"".join(response.streaming_content).decode()


def test_ndjson_streams_every_event_oldest_first(api, trail):
    response = api["audrey"].get(URL, HTTP_ACCEPT="application/x-ndjson")
    assert response.status_code == 200 and response["Content-Type"] == "application/x-ndjson"
    lines = [json.loads(line) for line in body(response).splitlines()]
    assert [line["id"] for line in lines] == [e.pk for e in trail]
    assert lines[0]["payload"] == {"name": "Zürich €", "qty": 3}
    assert lines[0]["occurred_at"] == "2026-11-01T09:00:00.000000Z"
    assert lines[3]["actor"] == "system:probes" and lines[3]["hash"] == trail[3].hash


def test_ndjson_by_format_parameter_with_filters(api, trail):
    response = api["audrey"].get(URL, {"format": "ndjson", "actor": "audrey"})
    lines = [json.loads(line) for line in body(response).splitlines()]
    assert [line["id"] for line in lines] == [trail[2].pk, trail[5].pk]


def test_csv_with_header_and_json_payload(api, trail):
    response = api["audrey"].get(URL, {"format": "csv", "subject_type": "thing", "subject_id": "1"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(body(response))))
    assert [int(r["id"]) for r in rows] == [trail[0].pk, trail[1].pk]
    assert json.loads(rows[1]["payload"]) == {"reason": 'quote " and \\ backslash'}
    assert rows[0]["client_ip"] == "" and rows[0]["actor"] == "pam"


def test_a_bad_filter_on_an_export_is_a_json_400(api, trail):
    response = api["audrey"].get(URL, {"format": "csv", "since": "soon"})
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    assert "since" in response.json()["fields"]


@pytest.mark.django_db(transaction=True)
def test_a_client_dropping_mid_export_leaves_nothing_open(people, api, settings, monkeypatch):
    settings.AUDIT_EXPORT_CHUNK = 3
    monkeypatch.setattr(export, "ROWS_PER_WRITE", 2)
    for n in range(12):
        event_record(actor=people["audrey"], action="audit.chains.verified", payload={"n": n})
    response = api["audrey"].get(URL, HTTP_ACCEPT="application/x-ndjson")
    chunks = iter(response.streaming_content)
    first = next(chunks).decode().splitlines()
    assert len(first) == 2
    response.close()  # what the server does when the client goes away
    assert not connection.in_atomic_block
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_cursors")
            assert cursor.fetchone()[0] == 0
    event_record(actor=people["audrey"], action="audit.chains.verified", payload={"after": True})
    assert Event.objects.filter(chain="audit").count() == 13
