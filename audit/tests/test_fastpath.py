"""The PostgreSQL fast verifier hashes exactly the bytes of the generic canonical serialization."""

import datetime as dt

import pytest
from django.db import connection

from audit import fastpath
from audit.chain import _generic_reader, _reader, verify_chain
from audit.models import Event
from audit.services import event_record
from core import context

AWKWARD = [
    {},
    {"text": 'Zürich € 日本 \u2028 \x01 \x1f "q" \\ /'},
    {"nested": {"z": [1, -2, None, True, False, {"y": "1.50"}], "a": ""}, "big": 10**30},
    {"float": 1.5, "decimal_like": "0.10", "emoji": "🙂"},
]


@pytest.mark.postgres
def test_fast_and_generic_readers_agree(people, clock):
    clock.at(dt.datetime(2026, 1, 1, 0, 0, 0, tzinfo=dt.UTC))  # microsecond 0 must still print .000000
    for payload, ip in zip(AWKWARD, ["10.0.0.7", "2001:db8::1", None, "::ffff:10.0.0.1"], strict=True):
        token = context.current.set(context.RequestContext(request_id="r1", client_ip=ip))
        event_record(actor=people["pam"], action="audit.chains.verified", subject_id=7, payload=payload)
        context.current.reset(token)
    clock.at(dt.datetime(2026, 6, 30, 23, 59, 59, 999999, tzinfo=dt.timezone(dt.timedelta(hours=-5))))
    event_record(actor="system:x", action="audit.chains.verified")
    # to_json escapes strings as json.dumps does: quotes, backslashes, control characters, not Unicode
    awkward = {"actor": "system:\x08\x0c\n\r\t\x7f", "subject_id": '"\\é\u2028🙂\x1f'}
    event_record(action="audit.chains.verified", **awkward)
    fast_fetch, fast_encode = _reader(Event, "audit", 100)
    slow_fetch, slow_encode = _generic_reader(Event, "audit", 100)
    fast, slow = fast_fetch(0), slow_fetch(0)
    assert len(fast) == len(slow) == 6
    for fast_row, slow_row, event in zip(fast, slow, Event.objects.filter(chain="audit").order_by("seq"), strict=True):
        assert fast_encode(fast_row) == slow_encode(slow_row) == event.canonical_bytes()
    assert verify_chain(Event, "audit").ok


def test_every_event_field_has_a_fast_form():
    assert fastpath.plan(Event) is not None


def test_sqlite_uses_the_generic_path(db, people):
    event_record(actor=people["pam"], action="audit.chains.verified", payload=AWKWARD[1])
    report = verify_chain(Event, "audit")
    assert (report.ok, report.rows) == (True, 1)
    assert connection.vendor in ("postgresql", "sqlite")
