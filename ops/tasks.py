"""Celery tasks of ops: beat runs each probe, the daily report and the pruning.

Tasks are thin: they run the probe and hand the outcome to the service. Late acks and
reject-on-worker-lost come from the project's Celery settings; a rerun of any of these
is harmless (another result, the same day's report, nothing left to prune).
"""

import logging

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.utils import timezone

from . import cache as ops_cache
from . import probes, services

log = logging.getLogger(__name__)
ACTOR = "system:probes"


@shared_task(
    name="ops.probe_run",
    ignore_result=True,
    soft_time_limit=settings.OPS_PROBE_TIME_LIMIT + 5,
    time_limit=settings.OPS_PROBE_TIME_LIMIT + 15,
)
def probe_run(name: str) -> str | None:
    if name not in probes.PROBES:
        log.error("unknown probe %r (a stale beat entry?)", name)
        return None
    outcome, latency_ms = probes.execute(name)
    try:
        return services.probe_result_record(name=name, outcome=outcome, latency_ms=latency_ms).status
    except DatabaseError as exc:  # the database is down: nothing can be stored, the cache still tells
        log.error("probe %s: %s; result not stored (%s)", name, outcome.message, exc)
        snapshot = {
            "status": "fail",
            "latency_ms": latency_ms,
            "message": outcome.message,
            "at": timezone.now().isoformat(),
        }
        cache.set(ops_cache.probe_key(name), snapshot, settings.OPS_PROBE_STATE_TTL)
        return "fail"


@shared_task(name="ops.probe_cycle", ignore_result=True)
def probe_cycle() -> dict[str, str | None]:
    """Every probe once, in this process (the dashboard's "run now" and the benchmark)."""
    return {name: probe_run(name) for name in probes.PROBES}


@shared_task(name="ops.probe_results_prune", ignore_result=True)
def probe_results_prune() -> int:
    return services.probe_results_prune(actor=ACTOR)


@shared_task(name="ops.health_report", ignore_result=True)
def health_report() -> int:
    return services.health_report_create(actor="system:reports").pk
