"""The checks of seed 001 Runbook 3 ("Daily Health Check"), computed from the probe history."""

from dataclasses import asdict, dataclass

from django.conf import settings
from django.utils import timezone

from . import request_stats
from .checks import redis_client
from .models import ProbeState, Status


@dataclass
class Check:
    name: str
    value: str
    ok: bool
    runbook: str  # the runbook to run when the check fails (Runbooks 8, 4, 6, 9, 10)


def _services(states: list[ProbeState]) -> Check:
    failing = sorted(s.probe for s in states if s.status == Status.FAIL)
    value = "All running" if not failing else f"Failing: {', '.join(failing)}"
    return Check("Services", value if states else "No probe has run", bool(states) and not failing, "emergency-restart")


def _response_time(stats: dict) -> Check:
    """The API's own p95 (its requests' latency buckets), not the probes'."""
    if not stats["requests"]:
        return Check("Response Time", "no data", False, "slow-database")
    p95, limit = stats["p95_ms"], settings.OPS_REPORT_RESPONSE_MS
    value = f"p95 ≤ {p95} ms" if p95 is not None else f"p95 > {request_stats.BUCKETS_MS[-1]} ms"
    return Check(
        "Response Time", f"{value} ({stats['requests']} requests)", p95 is not None and p95 <= limit, "slow-database"
    )


def _error_rate(stats: dict) -> Check:
    """5xx responses of the API's own requests, in %."""
    if not stats["requests"]:
        return Check("Error Rate", "no data", False, "high-error-rate")
    rate = 100 * stats["server_errors"] / stats["requests"]
    value = f"{rate:.2f}% ({stats['server_errors']} of {stats['requests']})"
    return Check("Error Rate", value, rate < settings.OPS_REPORT_ERROR_RATE_PCT, "high-error-rate")


def _cache_hit_rate() -> Check:
    try:
        client = redis_client()
        stats = client.info("stats") if client is not None else None
    except Exception as exc:
        return Check("Cache Hit Rate", f"Redis unreachable ({type(exc).__name__})", False, "cache-troubleshooting")
    if stats is None:
        return Check("Cache Hit Rate", "n/a (local-memory cache)", True, "cache-troubleshooting")
    hits, misses = stats.get("keyspace_hits", 0), stats.get("keyspace_misses", 0)
    rate = 100 * hits / (hits + misses) if hits + misses else 0.0
    return Check("Cache Hit Rate", f"{rate:.0f}%", rate > settings.OPS_REPORT_CACHE_HIT_PCT, "cache-troubleshooting")


def _database(states: list[ProbeState]) -> Check:
    state = next((s for s in states if s.probe == "database"), None)
    healthy = state is not None and state.status != Status.FAIL
    value = "Healthy" if healthy else (state.message if state else "not probed")
    return Check("Database", value, healthy, "database-troubleshooting")


def daily_checks(now=None) -> list[Check]:
    """The five Runbook 3 checks over the 24 hours before `now`."""
    now = now or timezone.now()
    stats = request_stats.summary(now - timezone.timedelta(hours=24), now)
    states = list(ProbeState.objects.all())
    return [_services(states), _response_time(stats), _error_rate(stats), _cache_hit_rate(), _database(states)]


def render(day, checks: list[Check]) -> str:
    lines = [f"[{day.isoformat()}] Daily Health Check"]
    lines += [f"{'✅' if c.ok else '❌'} {c.name}: {c.value}" for c in checks]
    lines.append(f"Status: {'PASS' if all(c.ok for c in checks) else 'FAIL'}")
    return "\n".join(lines)


def as_rows(checks: list[Check]) -> list[dict]:
    return [asdict(c) for c in checks]
