"""`pms-audit verify` hashes blocks of the export in worker processes: whatever the block size and
the number of workers, it accepts exactly what one sequential pass accepts and names the same failure."""

import datetime as dt
import hashlib
import io
import json
import re

import pytest

from pms_audit import canonical, merkle, verify

LOG = "audit_event/book"


def export(count: int, tamper=None) -> list[dict]:
    """`count` linked events as the server exports them; tamper(event) may change one before the next links."""
    events, prev = [], verify.GENESIS
    for seq in range(1, count + 1):
        moment = dt.datetime(2026, 1, 1, tzinfo=dt.UTC) + dt.timedelta(seconds=seq, microseconds=seq)
        event = {
            "id": 100 + seq,
            "chain": "book",
            "seq": seq,
            "prev_hash": prev,
            "occurred_at": moment.isoformat().replace("+00:00", "Z"),
            "actor": "pam" if seq % 2 else 'ünïcode "q" \\',
            "action": "book.position.opened",
            "subject_type": "position",
            "subject_id": str(seq),
            "payload": {"n": seq, "nested": {"b": [1.5, None], "a": "\u2028"}} if seq % 3 else {},
            "request_id": f"r{seq}",
            "client_ip": None if seq % 2 else "10.0.0.7",
        }
        content = {key: event[key] for key in ("chain", "seq", *canonical.EVENT_FIELDS)}
        content["occurred_at"] = canonical.moment(event["occurred_at"])
        event["hash"] = hashlib.sha256(prev.encode() + canonical.dumps(content)).hexdigest()
        if tamper:
            tamper(event)
        events.append(event)
        prev = event["hash"]
    return events


def ndjson(events: list[dict]) -> io.BytesIO:
    return io.BytesIO("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in events).encode())


def root(events: list[dict], size: int) -> bytes:
    return merkle.root_of(merkle.leaf_hash(bytes.fromhex(e["hash"])) for e in events[:size])


@pytest.fixture(params=[(1, 1 << 22), (1, 700), (2, 700), (2, 1 << 22)], ids=["1-big", "1-small", "2-small", "2-big"])
def run(request, monkeypatch):
    """verify_stream with (workers, block bytes): 700 bytes is a block of one or two events."""
    workers, block = request.param
    monkeypatch.setattr(verify, "BLOCK_BYTES", block)

    def run(events: list[dict], kept_size: int, kept_root: bytes) -> int:
        return verify.verify_stream(ndjson(events), LOG, kept_size, kept_root, workers)

    return run


def failure(run, events, kept_size: int, kept_root: bytes) -> str:
    with pytest.raises(verify.ChainFailed) as caught:
        run(events, kept_size, kept_root)
    return str(caught.value)


def test_a_sound_export_verifies(run):
    events = export(40)
    assert run(events, 25, root(events, 25)) == 40


def test_a_rewritten_event_is_named(run):
    events = export(40)
    events[16]["actor"] = "mallory"
    message = failure(run, events, 40, root(events, 40))
    assert message.startswith(f"{LOG} seq 17 (event 117): content hashes to ")


def test_a_missing_event_is_named(run):
    events = export(40)
    del events[20]
    assert failure(run, events, 40, root(events, 40)) == (
        f"{LOG} seq 21: the export has seq 22 here: rows missing or out of order"
    )


def test_a_relinked_event_is_named(run):
    def relink(event):
        if event["seq"] == 12:
            event["prev_hash"] = "f" * 64

    events = export(40, relink)
    assert failure(run, events, 40, root(events, 40)) == (
        f"{LOG} seq 12 (event 112): prev_hash does not link to the previous row"
    )


def test_a_rehashed_forgery_fails_the_kept_root(run):
    kept = root(export(40), 30)

    def forge(event):
        if event["seq"] == 5:
            event["actor"] = "mallory"
            content = {key: event[key] for key in ("chain", "seq", *canonical.EVENT_FIELDS)}
            content["occurred_at"] = canonical.moment(event["occurred_at"])
            event["hash"] = hashlib.sha256(event["prev_hash"].encode() + canonical.dumps(content)).hexdigest()

    forged = export(40, forge)
    assert "do not have the kept checkpoint's root" in failure(run, forged, 30, kept)


def test_a_line_that_is_not_an_event_is_named(run):
    text = ndjson(export(10)).getvalue().replace(b'"seq": 6,', b'"seq": 6', 1)
    with pytest.raises(verify.ChainFailed, match=f"{LOG}: a line .* is not an audit event as exported"):
        verify.verify_stream(io.BytesIO(text), LOG, 10, b"", 2)


def test_an_instant_in_another_form_is_read_as_the_same_instant():
    event = export(1)[0]
    other = dict(
        event,
        occurred_at=dt.datetime.fromisoformat(event["occurred_at"])
        .astimezone(dt.timezone(dt.timedelta(hours=2)))
        .isoformat(),
    )
    assert verify.event_hash(other) == verify.event_hash(event) == event["hash"]


def test_push_grows_the_tree_as_append_does():
    pushed, appended = merkle.Frontier(), merkle.Frontier()
    for n in range(70):
        leaf = merkle.leaf_hash(bytes([n]))
        pushed.push(leaf)
        appended.append(leaf)
        assert (pushed.size, pushed.stack, pushed.root()) == (appended.size, appended.stack, appended.root())


@pytest.mark.parametrize(
    "change",
    [
        {},
        {"actor": 'ünïcode "q" \\ \x01 \u2028 🙂', "payload": {"b": [1.5, None, True], "a": {"é": "\x7f"}}},
        {"client_ip": "2001:db8::1", "payload": []},
        {"subject_id": 17, "payload": "text"},  # not a string: the generic serialization
        {"client_ip": 7},
        {"seq": True},
        {"occurred_at": "2026-01-01T02:00:00+02:00"},
    ],
)
def test_the_direct_rendering_is_canonical_dumps(change):
    event = dict(export(1)[0], **change)
    content = {key: event[key] for key in ("chain", "seq", *canonical.EVENT_FIELDS)}
    content["occurred_at"] = canonical.moment(event["occurred_at"])
    assert verify._canonical(event) == canonical.dumps(content)


@pytest.mark.parametrize(
    "line", [b'{"a": 1}', b'{"a": 1}  ', b'{"a": "\xed\xa0\x80"}', b"\xef\xbb\xbf{}", b'{"a": 1} x', b"{", b'{"a" 1}']
)
def test_a_line_is_read_as_json_loads_reads_it(line):
    try:
        expected = json.loads(line)
    except ValueError as exc:
        with pytest.raises(type(exc), match="^" + re.escape(str(exc)) + "$"):
            verify._read(line)
    else:
        assert verify._read(line) == expected
