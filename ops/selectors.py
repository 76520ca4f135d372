"""Reads of ops: trading state, probe states, what the dashboard shows."""

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from approvals.models import ApprovalRequest
from backups.selectors import recent_backups
from incidents.models import Incident

from . import cache as ops_cache
from .catalog import PROBES
from .models import Heartbeat, ProbeResult, ProbeState, TradingChange


def trading_state() -> dict:
    """Straight from the database: {"trading_enabled", "since", "reason"} (enabled when never halted)."""
    current = TradingChange.objects.filter(chain=TradingChange.DEFAULT_CHAIN).order_by("-seq").first()
    if current is None:
        return {"trading_enabled": True, "since": None, "reason": ""}
    return {
        "trading_enabled": current.enabled,
        "since": current.changed_at.isoformat(),
        "reason": current.reason,
    }


def trading_enabled_cached() -> tuple[dict, bool]:
    """(state, cache hit). Halt and resume drop the key on commit, so a hit is never stale."""
    return ops_cache.read_through(ops_cache.TRADING_KEY, trading_state, settings.OPS_TRADING_CACHE_SECONDS)


def trading_enabled() -> dict:
    return trading_enabled_cached()[0]


def trading_history(limit: int = 20) -> list[TradingChange]:
    return list(TradingChange.objects.filter(chain=TradingChange.DEFAULT_CHAIN).order_by("-seq")[:limit])


def probe_states() -> dict[str, ProbeState]:
    return {s.probe: s for s in ProbeState.objects.all()}


def cached_probe(name: str) -> dict | None:
    """The newest outcome of a probe: the cache first, the database when the cache has nothing."""
    snapshot = cache.get(ops_cache.probe_key(name))
    if snapshot is not None:
        return snapshot
    state = ProbeState.objects.filter(probe=name).first()
    if state is None:
        return None
    return {
        "status": state.status,
        "latency_ms": state.latency_ms,
        "message": state.message,
        "at": state.last_run_at.isoformat(),
    }


def latency_series(hours: int = 24, buckets: int = 96) -> dict[str, list[float | None]]:
    """Per probe, the worst latency in each of `buckets` equal slices of the last `hours`."""
    now = timezone.now()
    start = now - timezone.timedelta(hours=hours)
    width = hours * 3600 / buckets
    series: dict[str, list[float | None]] = {name: [None] * buckets for name in PROBES}
    rows = ProbeResult.objects.since(start).values_list("probe", "created_at", "latency_ms").iterator()
    for probe, at, latency in rows:
        slot = min(buckets - 1, int((at - start).total_seconds() // width))
        values = series.setdefault(probe, [None] * buckets)
        values[slot] = latency if values[slot] is None else max(values[slot], latency)
    return series


def heartbeats():
    return Heartbeat.objects.order_by("name")


def open_incidents():
    return Incident.objects.open().order_by("severity", "-pk")


def pending_approvals(limit: int = 20):
    return ApprovalRequest.objects.pending().select_related("requested_by").order_by("-pk")[:limit]


def newest_backups(limit: int = 5) -> list:
    return list(recent_backups(limit=limit))
