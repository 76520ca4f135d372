"""The chains probe (audit's incremental verification) and backup freshness (the backups app)."""

import pytest

from audit.models import Event
from audit.services import event_record
from ops import probes
from ops.models import Status


def _events(count: int) -> list[Event]:
    return [event_record(actor="system:tests", action="audit.chains.verified", payload={"n": n}) for n in range(count)]


def test_intact_chains_verify(db):
    _events(3)
    outcome, _ = probes.execute("chains")
    assert outcome.status == Status.OK
    assert outcome.details["chains"] >= 1


@pytest.mark.postgres
def test_a_rewritten_row_fails_the_chains_probe_naming_it(superuser_sql):
    events = _events(3)
    probes.execute("chains")  # checkpoint at the head
    superuser_sql("UPDATE audit_event SET actor = 'mallory' WHERE id = %s", [events[2].pk])
    outcome, _ = probes.execute("chains")
    assert outcome.status == Status.FAIL
    assert f"(id {events[2].pk})" in outcome.message
    assert outcome.message.startswith("chain audit_event/audit broken at seq")
    assert outcome.details["broken"][0]["id"] == events[2].pk


@pytest.fixture
def backup_dir(settings, tmp_path):
    settings.BACKUP_DIR = tmp_path / "backups"
    settings.MAINTENANCE_FLAG_PATH = tmp_path / "maintenance.json"
    return settings.BACKUP_DIR


def test_no_verified_backup_fails(db, backup_dir):
    outcome, _ = probes.execute("backup_freshness")
    assert (outcome.status, outcome.message) == (Status.FAIL, "no verified backup exists")


@pytest.mark.django_db(transaction=True)  # SQLite's online backup needs no open transaction
def test_a_fresh_verified_backup_passes_and_an_old_one_fails(
    people, backup_dir, settings, django_capture_on_commit_callbacks
):
    from backups.selectors import newest_verified_backup
    from backups.services import backup_request

    with django_capture_on_commit_callbacks(execute=True):
        backup_request(actor=people["oscar"], trigger="api")
    assert newest_verified_backup() is not None, "the backup did not verify"
    outcome, _ = probes.execute("backup_freshness")
    assert outcome.status == Status.OK
    assert outcome.message.startswith("newest verified backup is 0.0 h old")
    settings.OPS_BACKUP_MAX_AGE_HOURS = 0
    outcome, _ = probes.execute("backup_freshness")
    assert outcome.status == Status.FAIL
    assert "(limit 0 h)" in outcome.message
