"""Demo rows: an on-call rota, one resolved incident with its post-mortem, and one open P2.

Written through the services, like everything else; a second run changes nothing.
"""

import datetime as dt

from django.utils import timezone

from . import services
from .models import EscalationLevel, Incident, OnCallShift
from .services import config, postmortems, runbooks


def load(users: dict) -> None:
    if Incident.objects.exists():
        return
    commander, ops, pm = users["commander"], users["ops"], users["pm"]
    _rota(commander, ops)
    _resolved(commander, ops, pm)
    _open(ops, pm)


def _rota(commander, ops) -> None:
    today = timezone.localdate()
    week = dt.timedelta(days=6)
    for offset, (role, primary, backup) in enumerate([("DevOps", ops, commander), ("Backend", commander, ops)]):
        start = today + dt.timedelta(days=7 * offset)
        config.config_save(
            actor=commander,
            obj=OnCallShift(role=role, primary=primary, backup=backup, starts_on=start - week, ends_on=start + week),
        )
    for level, email in ((2, "team-lead@example.com"), (3, "eng-manager@example.com"), (4, "cto@example.com")):
        row = EscalationLevel.objects.get(level=level)
        row.email = email
        config.config_save(actor=commander, obj=row)


def _resolved(commander, ops, pm) -> None:
    incident = services.incident_declare(
        actor=commander,
        title="Redis unavailable: API slow, no cache hits",
        severity="P2",
        detected_by="probe:redis",
        runbook="redis-unavailable",
        symptoms="No X-Cache: HIT; redis-cli ping times out",
        impact={"details": "Slower API; no data affected"},
    )
    services.incident_role_assign(actor=commander, incident=incident, role="commander", user=commander)
    services.incident_status_change(actor=ops, incident=incident, status="acknowledged", note="Looking at Redis")
    services.incident_event_add(actor=pm, incident=incident, kind="note", text="Position book pages take 3 s")
    services.incident_event_add(actor=ops, incident=incident, kind="action", text="Restarted Redis")
    for step in incident.checklist.all():
        runbooks.checklist_item_tick(actor=ops, incident=incident, position=step.position)
    services.incident_update(
        actor=commander,
        incident=incident,
        changes={"root_cause": "Redis ran out of memory (no eviction policy)", "prevention": "allkeys-lru"},
    )
    services.incident_status_change(actor=commander, incident=incident, status="resolved")
    postmortems.postmortem_save(
        actor=commander,
        incident=incident,
        root_cause_analysis="maxmemory reached without an eviction policy; Redis refused writes.",
        prevention_measures="Set maxmemory-policy allkeys-lru; alert at 80% memory.",
        communication_review="Status updates went out every 10 minutes; the PM desk heard first from the book.",
        action_items=[
            {"description": "Alert at 80% Redis memory", "owner": ops.username, "due_date": _in_days(14)},
        ],
    )


def _open(ops, pm) -> None:
    incident = services.incident_declare(
        actor=ops,
        title="MTM prices look stale for BANK_NIFTY",
        public_title="Valuations of one index future may lag the market",
        severity="P3",
        detected_by=pm.username,
        runbook="incorrect-mtm",
        symptoms="Unrealized P&L flat all morning",
        impact={"positions_affected": True},
    )
    services.incident_event_add(actor=pm, incident=incident, kind="note", text="Broker shows 48,210; we show 47,900")
    services.status_update_post(
        actor=ops, incident=incident, text="Positions and orders are unaffected; marks are being checked by hand."
    )


def _in_days(days: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()
