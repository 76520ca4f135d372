"""The public status page (`/status/`, `/status.json`): what the desk's users may know, nothing internal.

Components are derived from the probes; an incident shows only its public title, impact,
status and its latest stakeholder update (seed 001 Runbook 11), never its internal title,
notes or the people on it. The page needs no login, so one rendering is shared for
STATUS_PAGE_CACHE_SECONDS; when the database cannot be read (the outage people come here
about) the last rendering is served, or a minimal one saying so.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from core.maintenance import maintenance_state
from incidents.models import Incident
from incidents.selectors import latest_status_update

from .catalog import PROBES
from .models import Level, ProbeResult, ProbeState, Status, TradingChange

CACHE_KEY = "ops:statuspage"
STALE_KEY = "ops:statuspage:last"  # the last good rendering, kept a day for when the database is down
STALE_SECONDS = 86_400
GENERIC_TITLE = "We are investigating a problem with the service"

OPERATIONAL, DEGRADED, OUTAGE, UNKNOWN = "operational", "degraded", "outage", "unknown"
RANK = {OPERATIONAL: 0, UNKNOWN: 1, DEGRADED: 2, OUTAGE: 3}
FROM_PROBE = {Status.OK: OPERATIONAL, Status.WARN: DEGRADED, Status.FAIL: OUTAGE}
IMPACT = {"P1": "critical", "P2": "major", "P3": "minor", "P4": "minor"}
DESCRIPTION = {
    OPERATIONAL: "All systems operational",
    UNKNOWN: "Some systems have not reported recently",
    DEGRADED: "Some systems are degraded",
    OUTAGE: "Service outage",
}
STALE_AFTER = 3  # a probe not run for this many of its intervals tells nothing: "unknown"


@dataclass(frozen=True)
class Component:
    name: str
    label: str
    probes: tuple[str, ...]


COMPONENTS = (
    Component("database", "Database", ("database",)),
    Component("cache", "Cache", ("redis",)),
    Component("workers", "Background workers", ("celery",)),
    Component("backups", "Backups", ("backup_freshness", "disk")),
    Component("trading", "Trading", ("heartbeats",)),
)


def worst(states) -> str:
    return max(states, key=RANK.__getitem__, default=UNKNOWN)


def _probe_now(state: ProbeState | None, now: dt.datetime) -> str:
    if state is None:
        return UNKNOWN
    if (now - state.last_run_at).total_seconds() > STALE_AFTER * PROBES[state.probe].every:
        return UNKNOWN
    return FROM_PROBE.get(state.status, UNKNOWN)


def _trading_halted_at(moment: dt.datetime) -> bool:
    change = TradingChange.objects.filter(chain=TradingChange.DEFAULT_CHAIN, changed_at__lte=moment).order_by("-seq")
    last = change.values_list("enabled", flat=True).first()
    return last is False


def _components(now: dt.datetime) -> list[dict]:
    states = {s.probe: s for s in ProbeState.objects.filter(probe__in=PROBES)}
    rows = []
    for component in COMPONENTS:
        state = worst(_probe_now(states.get(name), now) for name in component.probes)
        note = ""
        if component.name == "trading" and _trading_halted_at(now):
            state, note = OUTAGE, "Trading is halted."
        rows.append({"name": component.name, "label": component.label, "state": state, "note": note})
    return rows


def _update(incident: Incident) -> dict | None:
    event = latest_status_update(incident)
    return {"text": event.text, "at": event.occurred_at} if event else None


def _public(incident: Incident, *, with_update: bool = True) -> dict:
    row = {
        "title": incident.public_title or GENERIC_TITLE,
        "impact": IMPACT.get(incident.severity, "minor"),
        "status": incident.status,
        "started_at": incident.declared_at,
        "resolved_at": incident.resolved_at,
    }
    if with_update:
        row["latest_update"] = _update(incident)
    return row


def _day_states(start: dt.datetime) -> dict[dt.date, dict[str, str]]:
    """Per UTC day and component: outage when a probe went CRITICAL, degraded when one failed."""
    per_probe = (
        ProbeResult.objects.filter(created_at__gte=start, probe__in=PROBES)
        .annotate(day=TruncDate("created_at", tzinfo=dt.UTC))
        .values("day", "probe")
        .annotate(
            critical=Count("id", filter=Q(level=Level.CRITICAL)),
            failed=Count("id", filter=Q(status=Status.FAIL)),
        )
    )
    probe_day: dict[tuple[dt.date, str], str] = {}
    for row in per_probe:
        state = OUTAGE if row["critical"] else DEGRADED if row["failed"] else OPERATIONAL
        probe_day[(row["day"], row["probe"])] = state
    days = {day for day, _probe in probe_day}
    return {
        day: {c.name: worst(probe_day[(day, p)] for p in c.probes if (day, p) in probe_day) for c in COMPONENTS}
        for day in days
    }


def _halted_days(start: dt.datetime, dates: list[dt.date]) -> set[dt.date]:
    """The days on which trading was halted at some moment."""
    halted = _trading_halted_at(start)
    changes = TradingChange.objects.filter(chain=TradingChange.DEFAULT_CHAIN, changed_at__gte=start).order_by("seq")
    moments = [(c.changed_at.astimezone(dt.UTC).date(), c.enabled) for c in changes]
    days = set()
    for day in dates:
        if halted:
            days.add(day)
        for _moment, enabled in (m for m in moments if m[0] == day):
            halted = not enabled
            if halted:
                days.add(day)
    return days


def _history(now: dt.datetime) -> list[dict]:
    today = now.astimezone(dt.UTC).date()
    dates = [today - dt.timedelta(days=n) for n in range(settings.STATUS_PAGE_DAYS)]
    start = dt.datetime.combine(dates[-1], dt.time(), tzinfo=dt.UTC)
    states = _day_states(start)
    halted = _halted_days(start, sorted(dates))
    incidents = Incident.objects.filter(declared_at__gte=start).order_by("declared_at", "id")
    by_day: dict[dt.date, list[dict]] = {}
    for incident in incidents:
        by_day.setdefault(incident.declared_at.astimezone(dt.UTC).date(), []).append(
            _public(incident, with_update=False)
        )
    history = []
    for day in dates:
        known = states.get(day, {})
        components = [
            {"name": c.name, "state": OUTAGE if c.name == "trading" and day in halted else known.get(c.name, UNKNOWN)}
            for c in COMPONENTS
        ]
        history.append({"date": day, "components": components, "incidents": by_day.get(day, [])})
    return history


def compute(now: dt.datetime | None = None) -> dict:
    """The whole page as data: the JSON body (moments as ISO 8601 UTC), and what the HTML page renders."""
    now = now or timezone.now()
    components = _components(now)
    incidents = [_public(i) for i in Incident.objects.open().order_by("declared_at", "id")]
    overall = worst(c["state"] for c in components)
    if incidents and RANK[overall] < RANK[DEGRADED]:
        overall = DEGRADED  # an open incident is never "all systems operational"
    maintenance = maintenance_state() is not None
    return {
        "status": {"indicator": overall, "description": DESCRIPTION[overall], "maintenance": maintenance},
        "updated_at": now,
        "components": components,
        "incidents": incidents,
        "history": _history(now),
    }


def unreadable(now: dt.datetime | None = None) -> dict:
    """What the page says when the database cannot be read and nothing was kept."""
    now = now or timezone.now()
    components = [
        {"name": c.name, "label": c.label, "state": OUTAGE if c.name == "database" else UNKNOWN, "note": ""}
        for c in COMPONENTS
    ]
    return {
        "status": {"indicator": OUTAGE, "description": DESCRIPTION[OUTAGE], "maintenance": False},
        "updated_at": now,
        "components": components,
        "incidents": [],
        "history": [],
    }


def status() -> dict:
    """The page's data: shared for STATUS_PAGE_CACHE_SECONDS; the last good one while the database is down."""
    page = cache.get(CACHE_KEY)
    if page is not None:
        return page
    try:
        page = compute()
    except DatabaseError:
        return cache.get(STALE_KEY) or unreadable()
    cache.set(CACHE_KEY, page, settings.STATUS_PAGE_CACHE_SECONDS)
    cache.set(STALE_KEY, page, STALE_SECONDS)
    return page
