"""The PostgreSQL fast verifier hashes exactly the bytes of the generic canonical serialization."""

import datetime as dt

import pytest
from django.db import connection

from audit import fastpath
from audit.canonical import dumps, normalize
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
    events = list(Event.objects.filter(chain="audit").order_by("seq"))
    steps = fastpath.plan(Event)
    with connection.cursor() as cursor:  # the text the database hashes, for every row
        cursor.execute(f"SELECT {fastpath.text_sql(steps)} FROM audit_event WHERE chain = 'audit' ORDER BY seq")
        texts = [text for (text,) in cursor.fetchall()]
    assert [text is None for text in texts] == [False, False, True, False, False, False]  # nested: Python's
    assert [t.encode() for t in texts if t] == [e.canonical_bytes() for e, t in zip(events, texts, strict=True) if t]
    # The rows it returns (the first, the last, the one whose JSON it left): Python encodes them as the ORM does.
    fast_fetch, fast_encode = _reader(Event, "audit", 100)
    slow_fetch, slow_encode = _generic_reader(Event, "audit", 100)
    fast, slow = fast_fetch(0), {row[1]: row for row in slow_fetch(0)}
    assert [row[1] for row in fast] == [1, 3, 6]
    for row in fast:
        assert fast_encode(row) == slow_encode(slow[row[1]]) == events[row[1] - 1].canonical_bytes()
    assert verify_chain(Event, "audit").ok


def test_every_event_field_has_a_fast_form():
    assert fastpath.plan(Event) is not None


def test_sqlite_uses_the_generic_path(db, people):
    event_record(actor=people["pam"], action="audit.chains.verified", payload=AWKWARD[1])
    report = verify_chain(Event, "audit")
    assert (report.ok, report.rows) == (True, 1)
    assert connection.vendor in ("postgresql", "sqlite")


# Objects the database canonicalizes itself (keys of different lengths, non-ASCII, escapes, a separator
# inside a value, integers of any size), and those it leaves to Python (nested values, non-integers).
IN_SQL = [
    {},
    {"n": 7},
    {"k": 'a": b, "c'},
    {"k\\": 'x"\n'},
    {"k": None, "é": True, "bb": False, "a": -(10**30), "Z": "", "ab": "日本\u2028\x01\x7f"},
    {"zz": 1, "a": 2, "": "empty key"},
]
IN_PYTHON = [{"nested": {"b": 1, "a": 2}}, {"list": [1, 2]}, {"x": 1, "y": [{}]}, [1], "text", 1]


@pytest.mark.postgres
@pytest.mark.parametrize("payload", IN_SQL + IN_PYTHON)
def test_the_database_renders_json_as_python_does_or_leaves_it(db, payload):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {fastpath.json_sql('p')} FROM (SELECT %s::jsonb AS p) AS t", [dumps(payload).decode()])
        (text,) = cursor.fetchone()
    if payload in IN_SQL:
        assert text == dumps(normalize(payload)).decode()
    else:
        assert text is None


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("seq", "change"),
    [
        (4, "payload = '{\"n\": 99}'"),  # a payload the database renders
        (5, 'payload = \'{"deep": {"n": 99}}\''),  # one it leaves to Python
        (6, 'payload = \'{"b": 1, "aa": 2}\''),  # two keys: jsonb orders them by length, the hash by code point
        (7, "occurred_at = occurred_at + interval '1 microsecond'"),
    ],
)
def test_a_rewritten_row_inside_a_batch_is_named(superuser_sql, seq, change):
    """The database returns only the rows Python must see: a rewritten one among them, wherever it is."""
    payloads = [{"n": 1}, {"deep": {"n": 1}}, {"b": 1, "aa": 2}, {}]
    events = [event_record(actor=None, action="audit.chains.verified", payload=payloads[n % 4]) for n in range(12)]
    assert verify_chain(Event, "audit", batch=10).ok
    superuser_sql(f"UPDATE audit_event SET {change} WHERE id = %s", [events[seq - 1].pk])
    report = verify_chain(Event, "audit", batch=10)
    assert (report.ok, report.broken["seq"], report.broken["field"], report.head_seq) == (False, seq, "hash", seq - 1)
