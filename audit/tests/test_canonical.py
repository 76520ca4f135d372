"""The canonical form has one text per value: no signed zero, no exponent, the column's places.

And the property that keeps chains honest: whatever a payload holds, the event read back from
the database hashes to the hash stored when it was written (PostgreSQL and SQLite).
"""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit.canonical import dumps, normalize
from audit.chain import verify_chain
from audit.models import Event
from audit.services import event_record
from core import context


@pytest.mark.parametrize(
    ("value", "places", "text"),
    [
        (Decimal("-0.00"), 2, "0.00"),  # a short closed at its entry price
        (Decimal("-0"), None, "0"),
        (Decimal("-0E+3"), None, "0"),
        (Decimal("-0.001"), 2, "0.00"),  # rounds to zero: still unsigned
        (Decimal("-0.005"), 2, "-0.01"),  # half away from zero, as PostgreSQL's numeric
        (Decimal("1.005"), 2, "1.01"),
        (Decimal("2.5"), 0, "3"),
        (Decimal("1E+2"), None, "100"),  # never an exponent
        (Decimal("1E+2"), 2, "100.00"),
        (Decimal("1.50"), 6, "1.500000"),  # the column's places, whatever the trailing zeros
        (Decimal("1E-7"), None, "0.0000001"),
        (Decimal("-12.5"), None, "-12.5"),
    ],
)
def test_a_decimal_has_one_canonical_text(value, places, text):
    assert normalize(value, places) == text


@pytest.mark.parametrize(("value", "text"), [(-0.0, "0.0"), (0.0, "0.0"), (-1.5, "-1.5"), (1e16, "1e+16")])
def test_a_float_in_a_payload_has_one_canonical_text(value, text):
    assert normalize(value) == text
    assert dumps(normalize({"x": [value]})) == f'{{"x":["{text}"]}}'.encode()


def test_normalizing_twice_changes_nothing():
    payload = {"a": Decimal("-0.00"), "b": [-0.0, 1.25, Decimal("1E+2")], "c": {"d": None, "e": True}}
    once = normalize(payload)
    assert once == {"a": "0.00", "b": ["0.0", "1.25", "100"], "c": {"d": None, "e": True}}
    assert normalize(once) == once


def test_an_event_with_a_signed_zero_reads_back_unsigned(db):
    event = event_record(actor=None, action="audit.chains.verified", payload={"pnl": Decimal("-0.00"), "f": -0.0})
    stored = Event.objects.get(pk=event.pk)
    assert stored.payload == {"pnl": "0.00", "f": "0.0"}
    assert stored.compute_hash() == stored.hash == event.hash


@pytest.mark.parametrize(
    ("given", "stored"), [("2001:DB8:0:0::1", "2001:db8::1"), ("", None), ("10.0.0.7", "10.0.0.7")]
)
def test_a_client_address_is_hashed_as_the_column_stores_it(db, given, stored):
    token = context.current.set(context.RequestContext(request_id="r1", client_ip=given))
    try:
        event = event_record(actor=None, action="audit.chains.verified")
    finally:
        context.current.reset(token)
    read = Event.objects.get(pk=event.pk)
    assert read.client_ip == event.client_ip == stored
    assert read.compute_hash() == read.hash == event.hash


# NUL and lone surrogates are refused at the API's edge (PostgreSQL's jsonb cannot hold them).
TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=20)
SCALARS = st.one_of(
    st.decimals(allow_nan=True, allow_infinity=True),
    st.decimals(min_value=-(10**20), max_value=10**20, places=2),
    st.sampled_from([Decimal("-0.00"), Decimal("-0E+5"), Decimal("1E+2"), Decimal("100.000"), Decimal("-0E-9")]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.booleans(),
    st.none(),
    TEXT,
)
PAYLOADS = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(TEXT, children, max_size=4),
    max_leaves=12,
)
MOMENTS = st.datetimes(
    min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2200, 1, 1), timezones=st.timezones()
).filter(lambda moment: moment.utcoffset() is not None)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(payload=PAYLOADS, moment=MOMENTS)
def test_any_payload_read_back_hashes_to_what_was_stored(db, clock, payload, moment):
    clock.at(moment)
    event = event_record(actor="system:property", action="audit.chains.verified", payload={"value": payload})
    stored = Event.objects.get(pk=event.pk)
    assert dumps(normalize(stored.payload)) == dumps(event.payload)
    assert stored.canonical_bytes() == event.canonical_bytes()
    assert stored.compute_hash() == stored.hash == event.hash
    assert verify_chain(Event, "audit").ok  # the PostgreSQL fast path too
