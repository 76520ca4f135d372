"""The checks of seed 001 Runbook 3 ("Daily Health Check"), computed from the probe history."""

from dataclasses import asdict, dataclass

from django.conf import settings
from django.utils import timezone

from .checks import redis_client
from .models import ProbeResult, ProbeState, Status


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


def _response_time(results: list[tuple[str, str, float]]) -> Check:
    latencies = sorted(latency for probe, _, latency in results if probe == "database")
    if not latencies:
        return Check("Response Time", "no data", False, "slow-database")
    p95 = latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))]
    return Check("Response Time", f"{p95:.0f}ms", p95 < settings.OPS_REPORT_RESPONSE_MS, "slow-database")


def _error_rate(results: list[tuple[str, str, float]]) -> Check:
    if not results:
        return Check("Error Rate", "no data", False, "high-error-rate")
    rate = 100 * sum(1 for _, status, _ in results if status == Status.FAIL) / len(results)
    return Check("Error Rate", f"{rate:.1f}%", rate < settings.OPS_REPORT_ERROR_RATE_PCT, "high-error-rate")


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
    results = list(
        ProbeResult.objects.since(now - timezone.timedelta(hours=24))
        .filter(created_at__lte=now)
        .values_list("probe", "status", "latency_ms")
    )
    states = list(ProbeState.objects.all())
    return [_services(states), _response_time(results), _error_rate(results), _cache_hit_rate(), _database(states)]


def render(day, checks: list[Check]) -> str:
    lines = [f"[{day.isoformat()}] Daily Health Check"]
    lines += [f"{'✅' if c.ok else '❌'} {c.name}: {c.value}" for c in checks]
    lines.append(f"Status: {'PASS' if all(c.ok for c in checks) else 'FAIL'}")
    return "\n".join(lines)


def as_rows(checks: list[Check]) -> list[dict]:
    return [asdict(c) for c in checks]
