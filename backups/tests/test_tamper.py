"""A dump whose content was rewritten — even with the inventory's sha256 rewritten to match —
is caught by the chains and chain heads of the scratch restore."""

import sqlite3
from pathlib import Path

import pytest
from django.db import connection

from backups import engine, pgtools, services
from backups.models import Backup, BackupStatus

pytestmark = pytest.mark.django_db(transaction=True)


def _rewrite_postgresql(dump: Path, backup_id: int) -> None:
    """What an attacker with superuser rights would do: restore, edit past the triggers, re-dump."""
    scratch = f"{connection.settings_dict['NAME']}_tamper_{backup_id}"
    pgtools.create_database(scratch)
    try:
        pgtools.restore_into(dump, scratch)
        sql = (
            "SET session_replication_role = replica; "
            "UPDATE audit_event SET actor = 'mallory' WHERE id = (SELECT MIN(id) FROM audit_event);"
        )
        pgtools.run("psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql, scratch])
        pgtools.run("pg_dump", ["-Fc", "-f", str(dump), scratch])
    finally:
        pgtools.drop_database(scratch)


def _rewrite_sqlite(dump: Path) -> None:
    db = sqlite3.connect(dump)
    db.execute("DROP TRIGGER audit_event_no_update")
    db.execute("UPDATE audit_event SET actor = 'mallory' WHERE id = (SELECT MIN(id) FROM audit_event)")
    db.commit()
    db.close()


def test_a_rewritten_dump_with_a_matching_sha256_is_still_caught(audited_rows):
    audited_rows(4)
    backup = services.backup_run(backup_id=services.backup_start(actor="system:tests", trigger="command").pk)
    assert backup.status == BackupStatus.VERIFIED, backup.error
    dump = Path(backup.directory) / backup.file
    if connection.vendor == "postgresql":
        _rewrite_postgresql(dump, backup.pk)
    else:
        _rewrite_sqlite(dump)
    files = [dict(backup.files[0], size=dump.stat().st_size, sha256=engine.sha256_of(dump)), *backup.files[1:]]
    Backup.objects.filter(pk=backup.pk).update(files=files)  # the attacker rewrites the inventory too

    backup = services.backup_verify(backup_id=backup.pk, actor="system:tests")

    assert backup.status == BackupStatus.BAD
    checks = {c["name"]: c for c in backup.verification["checks"]}
    assert checks["files"]["ok"] and checks["restore"]["ok"]
    assert checks["chains"]["ok"] is False
    assert "'table': 'audit_event'" in checks["chains"]["detail"] and "'field': 'hash'" in checks["chains"]["detail"]
    assert backup.error.startswith("verification failed: chains: broken link")
