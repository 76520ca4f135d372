"""Recording probe results: store, judge against the probe's alert rule, keep the cached state fresh."""

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from audit.services import event_record

from .. import cache as ops_cache
from ..actions import OpsAction
from ..checks import Outcome
from ..models import AlertRule, Level, ProbeResult, ProbeState, Status
from . import alerting


def _judge(outcome: Outcome, latency_ms: float, rule: AlertRule) -> tuple[str, str]:
    """(status, level) from the outcome and the rule's latency thresholds (CRITICAL is decided later)."""
    status = outcome.status
    if status == Status.OK and latency_ms > rule.warning_latency_ms:
        status = Status.WARN
    if status == Status.FAIL:
        return status, Level.WARNING
    if status == Status.WARN:
        return status, Level.WARNING
    return status, Level.INFO if latency_ms > rule.info_latency_ms else Level.NONE


def _locked_state(name: str, now) -> ProbeState:
    ProbeState.objects.get_or_create(probe=name, defaults={"status": Status.OK, "last_run_at": now})
    return ProbeState.objects.select_for_update().get(probe=name)


def _is_critical(name: str, rule: AlertRule, now) -> bool:
    window = now - timezone.timedelta(minutes=rule.critical_window_minutes)
    return ProbeResult.objects.for_probe(name).failures().since(window).count() >= rule.critical_failures


def probe_result_record(*, name: str, outcome: Outcome, latency_ms: float) -> ProbeResult:
    """Store one result; a CRITICAL failure declares an incident, a recovery says so on its timeline."""
    rule = alerting.rule_for(name)
    status, level = _judge(outcome, latency_ms, rule)
    now = timezone.now()
    with transaction.atomic():
        state = _locked_state(name, now)
        result = ProbeResult.objects.create(
            probe=name,
            status=status,
            level=level,
            latency_ms=latency_ms,
            message=outcome.message[:2000],
            details=outcome.details,
            created_at=now,
        )
        if status == Status.FAIL and _is_critical(name, rule, now):
            result.level = Level.CRITICAL
            result.save(update_fields=["level"])
            if rule.enabled:
                alerting.on_critical(state, rule, result)
        elif status != Status.FAIL and state.incident_id:
            alerting.on_recovery(state, result)
        _update_state(state, result)
        transaction.on_commit(lambda: cache_state(result))
    return result


def _update_state(state: ProbeState, result: ProbeResult) -> None:
    state.status, state.latency_ms, state.message = result.status, result.latency_ms, result.message
    state.last_run_at = result.created_at
    if result.status != Status.FAIL:
        state.last_ok_at = result.created_at
    state.save()


def state_snapshot(result: ProbeResult) -> dict:
    return {
        "status": result.status,
        "latency_ms": result.latency_ms,
        "message": result.message,
        "at": result.created_at.isoformat(),
    }


def cache_state(result: ProbeResult) -> None:
    """The readiness endpoint reads this; it outlives a few missed runs, then the DB is asked."""
    cache.set(ops_cache.probe_key(result.probe), state_snapshot(result), settings.OPS_PROBE_STATE_TTL)


def probe_results_prune(*, actor, days: int | None = None) -> int:
    """Delete results older than the retention period (seed 001 Runbook 13: 90 days); returns how many."""
    days = settings.OPS_PROBE_RETENTION_DAYS if days is None else days
    cutoff = timezone.now() - timezone.timedelta(days=days)
    with transaction.atomic():
        deleted, _ = ProbeResult.objects.filter(created_at__lt=cutoff).delete()
        event_record(
            actor=actor,
            action=OpsAction.PROBE_RESULTS_PRUNED,
            subject_type="ops.probe_result",
            payload={"deleted": deleted, "older_than": cutoff.isoformat(), "days": days},
        )
    return deleted
