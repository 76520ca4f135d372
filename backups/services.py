"""The backups write path: start, make, verify, abandon, prune.

Each state change is one transaction with its audit event. Making the files happens
between those transactions (it takes minutes); only progress is written meanwhile.
"""

import errno
import json
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from audit.services import actor_name, event_record
from core import locks, outbox
from core.errors import Conflict, NotFound

from . import engine, heartbeat, pgtools, verification
from .actions import BackupsAction
from .errors import BackupError
from .models import Backup, BackupStatus, Restore, RestoreStatus
from .restore_job import RestoreJob

DISK_FULL_SIGNS = ("No space left on device", "database or disk is full")
RUNNING = (BackupStatus.QUEUED, BackupStatus.RUNNING, BackupStatus.VERIFYING)
STARTED = (BackupStatus.RUNNING, BackupStatus.VERIFYING)  # what a worker holds and heartbeats
FINISHED_FIELDS = ["file", "files", "size", "sha256", "row_counts", "chain_heads", "migrations"]


def _audit(actor, action: str, backup: Backup, **payload) -> None:
    event_record(
        actor=actor,
        action=action,
        subject_type="backups.backup",
        subject_id=backup.pk,
        payload={"stamp": backup.stamp, "status": backup.status, **payload},
    )


def _directory(now) -> Path:
    return Path(settings.BACKUP_DIR) / now.strftime("%Y-%m-%d")


def backup_start(*, actor, trigger: str) -> Backup:
    """Open the `queued` inventory row of a new backup; one may be active at a time (the database says so).

    Dead runs are swept first, so only a queued backup still to be sent or a run heard from lately
    (heartbeat_at) answers "already running"."""
    backups_mark_stale()
    now = timezone.now()
    try:
        with transaction.atomic():
            backup = Backup.objects.create(
                trigger=trigger,
                requested_by=actor_name(actor),
                vendor=connection.vendor,
                started_at=now,
                stamp=now.strftime("%Y%m%dT%H%M%S%fZ"),
                directory=str(_directory(now)),
                step="queued",
            )
            _audit(actor, BackupsAction.BACKUP_STARTED, backup, trigger=trigger)
    except IntegrityError as exc:
        running = Backup.objects.running().first()
        raise Conflict(
            f"Backup #{running.pk if running else '?'} is already running ({running.status if running else '?'}); "
            "wait for it to finish.",
            extra={"backup_id": running.pk if running else None},
        ) from exc
    return backup


@locks.exclusive("backups.scheduled")
def backup_scheduled(*, actor="system:beat") -> Backup | None:
    """Beat's daily backup, made in the calling task; a second delivery of the day's message touches nothing."""
    since = timezone.now() - timedelta(hours=12)
    if Backup.objects.filter(trigger="beat", started_at__gte=since).exclude(status=BackupStatus.FAILED).exists():
        return None
    backup = backup_start(actor=actor, trigger="beat")
    return backup_run(backup_id=backup.pk, actor=actor)


def backup_request(*, actor, trigger: str) -> Backup:
    """Start a backup and hand it to a worker once this transaction commits (API, admin).

    A broker that is down does not fail the request: the row stays queued and the sweeper re-sends it."""
    backup = backup_start(actor=actor, trigger=trigger)
    outbox.send_on_commit("backups.backup_run", backup.pk)
    return backup


def drop_scratch(backup_id: int) -> None:
    """Drop the scratch database a killed verification left behind (PostgreSQL; SQLite's is a temp dir)."""
    if connection.vendor == "postgresql":
        pgtools.drop_database(verification.scratch_name(backup_id))


def _progress(backup: Backup, percent: int, step: str) -> None:
    """Telemetry and heartbeat, not a fact: written in its own autocommit so the admin sees it live."""
    Backup.objects.filter(pk=backup.pk).update(progress=percent, step=step[:200], heartbeat_at=timezone.now())


def _stale_limit():
    return timezone.now() - timedelta(seconds=settings.BACKUP_STALE_AFTER_SECONDS)


def _claim(backup_id: int) -> str | None:
    """Win the backup for this run, or None: one conditional UPDATE, so of two deliveries only one wins.

    queued → running (make it); or a `verifying` one not heard from lately (its worker died) → verify again."""
    now = timezone.now()
    if Backup.objects.filter(pk=backup_id, status=BackupStatus.QUEUED).update(
        status=BackupStatus.RUNNING, heartbeat_at=now, step="starting"
    ):
        return BackupStatus.RUNNING
    dead = Q(heartbeat_at__lt=_stale_limit()) | Q(heartbeat_at__isnull=True)
    if Backup.objects.filter(dead, pk=backup_id, status=BackupStatus.VERIFYING).update(heartbeat_at=now):
        return BackupStatus.VERIFYING
    return None


def _error_text(exc: Exception) -> str:
    if isinstance(exc, BackupError):
        text = exc.detail
    elif isinstance(exc, OSError) and exc.strerror:
        text = f"{exc.strerror}: {exc.filename}" if exc.filename else exc.strerror
    else:
        text = f"{type(exc).__name__}: {exc}"
    full = any(sign in text for sign in DISK_FULL_SIGNS) or getattr(exc, "errno", None) == errno.ENOSPC
    return f"disk full: {text}" if full else text


def _write_manifest(backup: Backup) -> None:
    """The record beside the files, for whoever finds the directory without the database."""
    fields = ["stamp", "vendor", "trigger", "requested_by", *FINISHED_FIELDS]
    data = {"id": backup.pk, "started_at": backup.started_at.isoformat()}
    data |= {name: getattr(backup, name) for name in fields}
    (Path(backup.directory) / f"pms_ops_{backup.stamp}.json").write_text(json.dumps(data, indent=2))


def backup_run(*, backup_id: int, actor="system:backups") -> Backup:
    """Make the files of a started backup, record them, then verify them by restoring."""
    backup = Backup.objects.filter(pk=backup_id).first()
    if backup is None:
        raise NotFound(f"Backup {backup_id} does not exist.")
    claimed = _claim(backup.pk)
    if claimed is None:
        backup.refresh_from_db()
        return backup  # another delivery owns it, or it is finished: touch nothing
    with heartbeat.beating(backup.pk):
        if claimed == BackupStatus.VERIFYING:
            drop_scratch(backup.pk)
            return backup_verify(backup_id=backup.pk, actor=actor)  # redelivered after a worker died verifying
        backup.refresh_from_db()
        return _make_and_verify(backup, actor)


def _make_and_verify(backup: Backup, actor) -> Backup:
    started = time.monotonic()
    try:
        made = engine.make(Path(backup.directory), backup.stamp, lambda p, s: _progress(backup, p, s))
        for name in ("file", "files", "row_counts", "chain_heads", "migrations"):
            setattr(backup, name, made[name])
        backup.size = sum(f["size"] for f in made["files"])
        backup.sha256 = made["files"][0]["sha256"]
        _write_manifest(backup)
    except Exception as exc:  # every failure is recorded; nothing half-made survives
        return backup_fail(backup_id=backup.pk, actor=actor, error=_error_text(exc))
    backup_record_made(backup=backup, actor=actor, duration=time.monotonic() - started)
    return backup_verify(backup_id=backup.pk, actor=actor)


def backup_record_made(*, backup: Backup, actor, duration: float) -> None:
    with transaction.atomic():
        backup.status = BackupStatus.VERIFYING
        backup.finished_at = timezone.now()
        backup.duration_seconds = round(duration, 3)
        backup.progress, backup.step = 95, "verifying: restoring into a scratch database"
        backup.heartbeat_at = timezone.now()
        extra = ["status", "finished_at", "duration_seconds", "progress", "step", "heartbeat_at"]
        backup.save(update_fields=FINISHED_FIELDS + extra)
        _audit(actor, BackupsAction.BACKUP_COMPLETED, backup, size=backup.size, sha256=backup.sha256, file=backup.file)


def backup_fail(*, backup_id: int, actor, error: str) -> Backup:
    """Mark a backup failed and remove every file it wrote; older backups are not touched."""
    with transaction.atomic():
        backup = Backup.objects.select_for_update().get(pk=backup_id)
        removed = engine.remove_files(Path(backup.directory), backup.stamp)
        backup.status, backup.error, backup.step = BackupStatus.FAILED, error, "failed"
        backup.finished_at = timezone.now()
        backup.save(update_fields=["status", "error", "step", "finished_at"])
        _audit(actor, BackupsAction.BACKUP_FAILED, backup, error=error, removed_files=removed)
    return backup


def backup_verify(*, backup_id: int, actor="system:backups") -> Backup:
    """Restore the backup into a scratch database and compare; a failure marks it bad."""
    backup = Backup.objects.filter(pk=backup_id).first()
    if backup is None:
        raise NotFound(f"Backup {backup_id} does not exist.")
    if backup.status not in (BackupStatus.VERIFYING, BackupStatus.VERIFIED, BackupStatus.BAD):
        raise Conflict(f"Backup #{backup.pk} is {backup.status}: only a finished backup can be verified.")
    recorded = {"row_counts": backup.row_counts, "chain_heads": backup.chain_heads, "migrations": backup.migrations}
    with locks.try_lock(f"backups.verify:{backup.pk}") as mine:
        if not mine:
            return backup  # another run is restoring it into the same scratch database: touch nothing
        directory, files = Path(backup.directory), backup.files
        result = verification.verify(
            backup_id=backup.pk,
            directory=directory,
            file=backup.file,
            files=files,
            recorded=recorded,
            stamp=backup.stamp,
        )
        return backup_verification_record(backup_id=backup.pk, actor=actor, result=result)


def backup_verify_request(*, actor, backup_id: int) -> Backup:
    """Verify a finished backup again on a worker once this transaction commits (the admin's action)."""
    backup = Backup.objects.filter(pk=backup_id).first()
    if backup is None:
        raise NotFound(f"Backup {backup_id} does not exist.")
    if backup.status not in (BackupStatus.VERIFIED, BackupStatus.BAD):
        raise Conflict(f"Backup #{backup.pk} is {backup.status}: only a finished backup can be verified again.")
    outbox.send_on_commit("backups.backup_verify", backup.pk, actor.pk)
    return backup


def backup_verification_record(*, backup_id: int, actor, result: dict) -> Backup:
    """Record a verification's outcome; the CSV exports it wrote join the backup's files (and manifest)."""
    result = dict(result)
    exported = result.pop("exported", [])
    with transaction.atomic():
        backup = Backup.objects.select_for_update().get(pk=backup_id)
        if exported:
            backup.files = [*backup.files, *exported]
            backup.size = sum(f["size"] for f in backup.files)
            backup.save(update_fields=["files", "size"])
            _write_manifest(backup)
        backup.status = BackupStatus.VERIFIED if result["ok"] else BackupStatus.BAD
        backup.verification, backup.verified_at = result, timezone.now()
        backup.error = "" if result["ok"] else f"verification failed: {result['reason']}"
        backup.progress, backup.step = 100, "verified" if result["ok"] else "failed verification"
        backup.save(update_fields=["status", "verification", "verified_at", "error", "progress", "step"])
        action = BackupsAction.BACKUP_VERIFIED if result["ok"] else BackupsAction.BACKUP_VERIFICATION_FAILED
        _audit(actor, action, backup, reason=result["reason"], checks=[c["name"] for c in result["checks"]])
    return backup


def backups_mark_stale(*, actor="system:backups") -> int:
    """Declare dead the runs not heard from for BACKUP_STALE_AFTER_SECONDS (a killed worker, a lost run).

    Running: failed, partial files removed. Verifying: its files are whole, so they are kept, the
    scratch database dropped and the backup marked bad until verified again. A queued backup never
    started, so nothing of it died: the sweeper re-sends it, however long the broker was away, and
    only one no worker took within BACKUP_NEVER_STARTED_AFTER_SECONDS is failed. Nothing stays blocking."""
    seen = Coalesce("heartbeat_at", "started_at")
    stale = Backup.objects.filter(status__in=STARTED).alias(seen=seen).filter(seen__lt=_stale_limit())
    why = f"abandoned: not heard from for {settings.BACKUP_STALE_AFTER_SECONDS} s (worker killed?)"
    count = 0
    for pk, status in stale.values_list("pk", "status"):
        drop_scratch(pk)
        if status == BackupStatus.VERIFYING:
            result = {"ok": False, "reason": f"restore: {why}", "checks": []}
            backup_verification_record(backup_id=pk, actor=actor, result=result)
        else:
            backup_fail(backup_id=pk, actor=actor, error=why)
        count += 1
    limit = settings.BACKUP_NEVER_STARTED_AFTER_SECONDS
    never = Backup.objects.filter(status=BackupStatus.QUEUED, started_at__lt=timezone.now() - timedelta(seconds=limit))
    for pk in never.values_list("pk", flat=True):
        backup_fail(backup_id=pk, actor=actor, error=f"never started: no worker took it within {limit} s")
        count += 1
    return count


def restores_expire(*, actor="system:backups") -> int:
    """Fail the queued restores no worker took within RESTORE_NEVER_STARTED_AFTER_SECONDS.

    A restore replaces the live database: run hours after its approval (a broker away all that
    time), it would surprise a desk that has traded since. It must be asked for, and approved, again."""
    limit = settings.RESTORE_NEVER_STARTED_AFTER_SECONDS
    old = Restore.objects.filter(status=RestoreStatus.QUEUED, created_at__lt=timezone.now() - timedelta(seconds=limit))
    count = 0
    for pk in old.values_list("pk", flat=True):
        with transaction.atomic():
            restore = Restore.objects.select_for_update().filter(pk=pk, status=RestoreStatus.QUEUED).first()
            if restore is None:
                continue  # a worker took it meanwhile
            why = f"never started: no worker took it within {limit} s; the live database was not changed"
            RestoreJob(restore, actor).finish(RestoreStatus.FAILED, f"{why}; request it again")
        count += 1
    return count


@locks.exclusive("backups.sweep")
def backups_sweep(*, actor="system:backups") -> dict | None:
    """Beat, every minute: declare dead runs dead, and re-send queued work the broker never delivered.

    Re-sending is safe: a run claims its row first (`_claim`, `procedure.restore_run`), a duplicate exits."""
    dead = backups_mark_stale(actor=actor) + restores_expire(actor=actor)
    limit = timezone.now() - timedelta(seconds=settings.BACKUP_RESEND_AFTER_SECONDS)
    backups = list(Backup.objects.filter(status=BackupStatus.QUEUED, started_at__lt=limit).values_list("pk", flat=True))
    restores = list(
        Restore.objects.filter(status=RestoreStatus.QUEUED, created_at__lt=limit).values_list("pk", flat=True)
    )
    sent = [outbox.send("backups.backup_run", pk) for pk in backups]
    sent += [outbox.send("backups.restore_run", pk) for pk in restores]
    return {"dead": dead, "resent_backups": backups, "resent_restores": restores, "broker_down": not all(sent)}


@locks.exclusive("backups.prune")
def backups_prune(*, actor="system:backups", now=None) -> list[int] | None:
    """Retention: remove backups older than BACKUP_RETENTION_DAYS, never the newest verified."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.BACKUP_RETENTION_DAYS)
    keep = Backup.objects.verified().newest_first().values_list("pk", flat=True).first()
    old = Backup.objects.filter(started_at__lt=cutoff).exclude(status__in=[BackupStatus.REMOVED, *RUNNING])
    removed = []
    for pk in old.exclude(pk=keep).values_list("pk", flat=True):
        with transaction.atomic():
            backup = Backup.objects.select_for_update().get(pk=pk)
            files = engine.remove_files(Path(backup.directory), backup.stamp)
            was = backup.status
            backup.status, backup.removed_at = BackupStatus.REMOVED, timezone.now()
            backup.save(update_fields=["status", "removed_at"])
            _audit(
                actor,
                BackupsAction.BACKUP_REMOVED,
                backup,
                was=was,
                removed_files=files,
                retention_days=settings.BACKUP_RETENTION_DAYS,
            )
        removed.append(pk)
    return removed
