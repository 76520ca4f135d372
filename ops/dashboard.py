"""What the ops dashboard shows, gathered in one place for the page and its htmx panel.

Each panel whose source fails (an app not installed, a query error) shows as unavailable
instead of taking the whole dashboard down: this is the page people open during an outage.
"""

import logging
from collections.abc import Callable

from django.utils import timezone

from core import roles
from desk.day import today as desk_today

from . import selectors
from .catalog import PROBES
from .charts import sparkline
from .models import HealthReport

log = logging.getLogger(__name__)
UNAVAILABLE = object()


def _optional(source: Callable):
    try:
        return source()
    except Exception:
        log.exception("dashboard panel %s failed", getattr(source, "__name__", source))
        return UNAVAILABLE


def probe_rows() -> list[dict]:
    states = selectors.probe_states()
    series = selectors.latency_series()
    rows = []
    for name, probe in PROBES.items():
        state = states.get(name)
        rows.append(
            {
                "name": name,
                "label": probe.label,
                "state": state,
                "status": state.status if state else "unknown",
                "chart": sparkline(series.get(name, []), label=probe.label),
            }
        )
    return rows


def _last_probe_run():
    states = selectors.probe_states().values()
    return max((s.last_run_at for s in states), default=None)


def context(user) -> dict:
    return {
        "now": timezone.now(),
        "probes": probe_rows(),
        "last_probe_run": _last_probe_run(),
        "heartbeats": list(selectors.heartbeats()),
        "trading": selectors.trading_state(),
        "trading_history": selectors.trading_history(10),
        "can_halt": roles.has_role(user, roles.OPS, roles.PM),
        "incidents": _optional(lambda: list(selectors.open_incidents()[:20])),
        "approvals": _optional(lambda: list(selectors.pending_approvals())),
        "backups": _optional(selectors.newest_backups),
        "report": HealthReport.objects.filter(date=desk_today()).first(),  # the desk's date, as the report's
        "unavailable": UNAVAILABLE,
    }
