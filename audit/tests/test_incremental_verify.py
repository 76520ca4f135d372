"""chains_verify_incremental and chain_heads: the contract that ops probes and backups call."""

import pytest

from audit.models import Checkpoint, Event
from audit.services import chain_heads, chains_verify_incremental, event_record


def by_chain(reports) -> dict:
    return {r.chain: r for r in reports if r.table == "audit_event"}


def test_chain_heads(trail):
    heads = {h["chain"]: h for h in chain_heads() if h["table"] == "audit_event"}
    assert heads["audittest"] == {
        "table": "audit_event",
        "chain": "audittest",
        "head_seq": 6,
        "head_hash": trail[7].hash,
    }
    assert heads["audittestother"]["head_seq"] == 2


def test_first_run_verifies_everything_then_only_new_rows(trail):
    first = by_chain(chains_verify_incremental())
    assert (first["audittest"].ok, first["audittest"].rows, first["audittest"].head_seq) == (True, 6, 6)
    point = Checkpoint.objects.get(table="audit_event", chain="audittest")
    assert (point.seq, point.hash, point.ok) == (6, trail[7].hash, True)

    event_record(actor=None, action="audittest.thing.created", payload={})
    second = by_chain(chains_verify_incremental())
    # The checkpoint row itself is re-hashed, then the one new row.
    assert (second["audittest"].rows, second["audittest"].head_seq) == (2, 7)
    assert second["audittestother"].rows == 1
    assert Checkpoint.objects.get(chain="audittest").seq == 7


@pytest.mark.postgres
def test_a_rewrite_after_the_checkpoint_is_reported_and_recorded_once(trail, superuser_sql):
    chains_verify_incremental()
    event_record(actor=None, action="audittest.thing.created", payload={})
    new = Event.objects.get(chain="audittest", seq=7)
    superuser_sql("UPDATE audit_event SET subject_id = '999' WHERE id = %s", [new.pk])
    report = by_chain(chains_verify_incremental(actor="system:probes"))["audittest"]
    assert report.ok is False
    assert report.broken == {
        "table": "audit_event",
        "chain": "audittest",
        "seq": 7,
        "id": new.pk,
        "field": "hash",
        "expected": report.broken["expected"],
        "found": new.hash,
    }
    assert report.broken["expected"] != new.hash
    chains_verify_incremental()
    recorded = Event.objects.filter(action="audit.chain.broken")
    assert [(e.actor, e.subject_id, e.payload["seq"]) for e in recorded] == [("system:probes", "audittest", 7)]
    point = Checkpoint.objects.get(chain="audittest")
    assert (point.ok, point.seq) == (False, 6)


@pytest.mark.postgres
def test_a_rewritten_checkpoint_row_is_caught(trail, superuser_sql):
    chains_verify_incremental()
    superuser_sql("UPDATE audit_event SET hash = %s WHERE id = %s", ["f" * 64, trail[7].pk])
    report = by_chain(chains_verify_incremental())["audittest"]
    assert report.ok is False
    assert (report.broken["seq"], report.broken["id"], report.broken["field"]) == (6, trail[7].pk, "hash")
    assert (report.broken["expected"], report.broken["found"]) == (trail[7].hash, "f" * 64)
