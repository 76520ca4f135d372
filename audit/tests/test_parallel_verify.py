"""Verifying a chain's ranges in worker processes finds exactly what one sequential pass finds."""

import pytest

from audit import chain
from audit.chain import verify_chain
from audit.models import Event
from audit.services import event_record

pytestmark = pytest.mark.postgres


@pytest.fixture
def sixty(superuser_sql, monkeypatch) -> list[Event]:
    """Sixty committed events of chain `audit`; parallel verification from 10 rows on, ranges of 8."""
    monkeypatch.setattr(chain, "PARALLEL_MIN_ROWS", 10)
    return [event_record(actor=None, action="audit.chains.verified", payload={"n": n}) for n in range(60)]


def _both() -> tuple[dict, dict]:
    serial = verify_chain(Event, "audit", batch=5).as_dict()
    parallel = verify_chain(Event, "audit", batch=5, workers=2).as_dict()
    return serial, parallel


def test_a_sound_chain_verifies_in_parallel(sixty):
    serial, parallel = _both()
    assert parallel == serial
    assert (parallel["ok"], parallel["rows"], parallel["head_hash"]) == (True, 60, sixty[-1].hash)


def test_from_a_known_good_row(sixty):
    report = verify_chain(Event, "audit", after=(20, sixty[19].hash), batch=5, workers=2)
    assert (report.ok, report.rows, report.head_seq) == (True, 40, 60)


@pytest.mark.parametrize("seq", [17, 20, 41])  # the first row of a range, one inside it, one later
def test_a_rewritten_row_is_named_as_a_sequential_pass_names_it(sixty, superuser_sql, seq):
    superuser_sql("UPDATE audit_event SET actor = 'mallory' WHERE id = %s", [sixty[seq - 1].pk])
    serial, parallel = _both()
    assert parallel == serial
    assert (parallel["ok"], parallel["broken"]["seq"], parallel["broken"]["field"]) == (False, seq, "hash")
    assert parallel["head_seq"] == seq - 1


@pytest.mark.parametrize("seqs", [[24], [17, 18, 19, 20, 21, 22, 23, 24], [33]])  # a range's last row, a whole range
def test_deleted_rows_are_named_at_the_seam(sixty, superuser_sql, seqs):
    superuser_sql("DELETE FROM audit_event WHERE chain = 'audit' AND seq = ANY(%s)", [seqs])
    serial, parallel = _both()
    assert parallel == serial
    assert (parallel["ok"], parallel["broken"]["field"], parallel["broken"]["seq"]) == (False, "seq", seqs[-1] + 1)


def test_a_relinked_row_is_caught_at_the_seam(sixty, superuser_sql):
    superuser_sql("UPDATE audit_event SET prev_hash = %s WHERE id = %s", ["f" * 64, sixty[16].pk])
    serial, parallel = _both()
    assert parallel == serial
    assert (parallel["broken"]["seq"], parallel["broken"]["field"]) == (17, "prev_hash")


def test_inside_a_transaction_it_verifies_sequentially(db, monkeypatch):
    """Workers could not see uncommitted rows: in a transaction, no fork."""
    monkeypatch.setattr(chain, "PARALLEL_MIN_ROWS", 1)
    for n in range(3):
        event_record(actor=None, action="audit.chains.verified", payload={"n": n})
    assert chain.can_fork(Event) is False
    report = verify_chain(Event, "audit", workers=2)
    assert (report.ok, report.rows) == (True, 3)
