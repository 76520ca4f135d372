"""Backups checked again after they were verified: files rot, disks lie, people edit.

Daily, every verified backup's files are checked against their recorded sha256; on a slower
rhythm, the one verified longest ago is restored into a scratch database again. A restore
request checks its backup's files before anyone is asked to approve it. A backup found bad is
marked so at once and an incident is declared: the next restore must not count on it.
"""

from pathlib import Path

from django.db import transaction

from core import locks
from core.errors import Conflict
from incidents.models import Incident
from incidents.services import incident_declare

from . import services, verification
from .models import Backup, BackupStatus

ACTOR = "system:backups"


def _incident(backup: Backup, *, actor, reason: str, when: str) -> Incident:
    return incident_declare(
        actor=actor,
        title=f"Backup #{backup.pk} found bad {when}",
        severity="P2",
        symptoms=f"Backup #{backup.pk} of {backup.started_at:%Y-%m-%d %H:%M} UTC: {reason}. "
        "It can no longer be restored; take a fresh backup and find out what altered it.",
    )


def _found_bad(backup: Backup, *, actor, result: dict, when: str) -> Incident:
    """Mark a backup that was verified bad, and declare an incident about it, in one transaction."""
    with transaction.atomic():
        services.backup_verification_record(backup_id=backup.pk, actor=actor, result=result)
        return _incident(backup, actor=actor, reason=result["reason"], when=when)


def _files_result(backup: Backup) -> dict:
    check = verification.check_files(Path(backup.directory), backup.files)
    return {"ok": check["ok"], "checks": [check], "reason": "" if check["ok"] else f"files: {check['detail']}"}


@locks.exclusive("backups.checksum")
def backups_checksum(*, actor=ACTOR) -> dict | None:
    """Beat, daily: every verified backup's files against their sha256; a mismatch marks it bad."""
    checked, bad = 0, []
    for backup in Backup.objects.verified().order_by("pk"):
        checked += 1
        result = _files_result(backup)
        if not result["ok"]:
            _found_bad(backup, actor=actor, result=result, when="by the daily checksum")
            bad.append(backup.pk)
    return {"checked": checked, "bad": bad}


def backups_reverify(*, actor=ACTOR) -> int | None:
    """Beat, weekly: restore the backup verified longest ago into a scratch database again."""
    backup = Backup.objects.verified().order_by("verified_at", "pk").first()
    if backup is None:
        return None
    backup = services.backup_verify(backup_id=backup.pk, actor=actor)
    if backup.status == BackupStatus.BAD:
        _incident(backup, actor=actor, reason=backup.error, when="by its scheduled restore verification")
    return backup.pk


def check_before_restore(backup: Backup, *, actor) -> None:
    """A restore request's first step: the files must still be what was verified, or nothing is asked."""
    result = _files_result(backup)
    if result["ok"]:
        return
    _found_bad(backup, actor=actor, result=result, when="when a restore was requested")
    raise Conflict(
        f"Backup #{backup.pk} failed its checksum ({result['reason']}); it is now marked bad and "
        "cannot be restored. Choose another verified backup.",
        code="backup_not_restorable",
        extra={"status": BackupStatus.BAD},
    )
