"""The probe catalog: each probe once, with its schedule and the incident a CRITICAL run declares.

Everything else is derived from it: the runner (`probes.py`: the check is the function of
the same name in `checks.py`), the default alert rules and their seeded rows (`seed.py`),
the beat schedule (`beat_schedule`, read by settings/ops.py). It imports nothing from
Django, so that settings can read it.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Probe:
    name: str
    label: str
    every: int  # seconds between scheduled runs (OPS_PROBE_INTERVAL_SECONDS overrides them all)
    severity: str  # seed 000's severity of the incident a CRITICAL run declares
    runbook: str  # the slug of the runbook that incident follows
    data: bool = False  # a failure means recorded data may be affected
    positions: bool = False  # ... and positions in particular


PROBES: dict[str, Probe] = {
    p.name: p
    for p in (
        Probe("database", "Database", 60, "P1", "db-unavailable"),
        Probe("redis", "Redis", 60, "P2", "redis-unavailable"),
        Probe("celery", "Celery worker", 60, "P2", "trading-not-processing"),
        Probe("disk", "Backup volume", 300, "P2", "database-troubleshooting"),
        Probe("backup_freshness", "Backup freshness", 600, "P3", "general-restore"),
        Probe("chains", "Hash chains", 60, "P1", "data-corrupt", data=True),
        Probe("data_integrity", "Data integrity", 300, "P1", "data-corrupt", data=True, positions=True),
        Probe("risk_validation", "Risk validation", 60, "P1", "validation-failed", data=True, positions=True),
        Probe("heartbeats", "Heartbeats", 30, "P2", "pipeline-failure"),
        Probe("trading_day", "Trading-day checklists", 300, "P3", ""),
    )
}


def beat_schedule(every: float = 0) -> dict[str, dict]:
    """One beat entry per probe at its own interval, or at `every` seconds for all when given."""
    return {
        f"ops.probe.{name}": {
            "task": "ops.probe_run",
            "schedule": float(every or probe.every),
            "args": [name],
            "options": {"expires": float(every or probe.every)},  # a late run is skipped, not queued up
        }
        for name, probe in PROBES.items()
    }
