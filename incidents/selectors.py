"""Reads of incidents: list filters shared by the API and the list page, metrics, runbook suggestions, follow-ups."""

import datetime as dt
import re

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone

from core.dates import parse_moment
from core.errors import Invalid
from core.parsers import printable

from .models import (
    ChecklistItem,
    FollowUp,
    Incident,
    IncidentRole,
    Kind,
    Runbook,
    Severity,
    SeverityCode,
    Status,
    TimelineEvent,
)

CHART_DAYS = 90


def _moment(name: str, raw: str, *, end: bool = False) -> dt.datetime:
    """An ISO datetime, or a date (start of day; for `until`, the end of that day)."""
    try:
        value = parse_moment(raw)
    except ValueError as exc:
        raise Invalid(f"{name}={printable(raw)!r} is not a date or datetime. {exc}", fields={name: [str(exc)]}) from exc
    if isinstance(value, dt.datetime):
        return value
    return timezone.make_aware(dt.datetime.combine(value + dt.timedelta(days=1) if end else value, dt.time()))


def _choice(name: str, raw: str, choices: list[str]) -> list[str]:
    values = [v for v in raw.split(",") if v]
    bad = [v for v in values if v not in choices]
    if bad:
        raise Invalid(
            f"{name}={','.join(bad)} is unknown; use one of {', '.join(choices)} (comma-separated).",
            fields={name: [f"Unknown: {', '.join(bad)}."]},
        )
    return values


def incidents_filtered(params) -> QuerySet[Incident]:
    """Filters `status`, `severity` (comma-separated), `since`, `until` (declared_at); malformed → 400 naming it."""
    qs = Incident.objects.all()
    if params.get("status"):
        qs = qs.filter(status__in=_choice("status", params["status"], Status.values))
    if params.get("severity"):
        qs = qs.filter(severity__in=_choice("severity", params["severity"], SeverityCode.values))
    if params.get("since"):
        qs = qs.filter(declared_at__gte=_moment("since", params["since"]))
    if params.get("until"):
        qs = qs.filter(declared_at__lt=_moment("until", params["until"], end=True))
    return qs


def with_parts(incidents: list[Incident]) -> list[Incident]:
    """Give each incident `role_list` (with users) and `checklist_items`, two queries for a whole page
    (what IncidentSerializer reads): Django's prefetch cost more CPU than these rows on a list page."""
    by_id = {incident.pk: incident for incident in incidents}
    for incident in incidents:
        incident.role_list, incident.checklist_items = [], []
    if by_id:
        for role in IncidentRole.objects.filter(incident_id__in=by_id).select_related("user"):
            by_id[role.incident_id].role_list.append(role)
        for item in ChecklistItem.objects.filter(incident_id__in=by_id):  # in position order (Meta)
            by_id[item.incident_id].checklist_items.append(item)
    return incidents


def timeline_tail(incident: Incident, *, after: int = 0, limit: int = 200) -> list[TimelineEvent]:
    """Events after id `after` (the live part of the war room), oldest first, at most `limit`."""
    qs = incident.events.filter(pk__gt=after).select_related("star").order_by("-pk")[:limit]
    return list(reversed(qs))


PERIODS = {"week": TruncWeek, "month": TruncMonth}


def incident_metrics(params) -> dict:
    """MTTA, MTTR, counts and the share resolved within the response target, per severity and period.

    `since`/`until` bound declared_at (default: the last 90 days); `period` is week or month.
    """
    until = _moment("until", params["until"], end=True) if params.get("until") else timezone.now()
    since = _moment("since", params["since"]) if params.get("since") else until - dt.timedelta(days=CHART_DAYS)
    period = params.get("period") or "month"
    if period not in PERIODS:
        raise Invalid(
            f"period={printable(period)!r} is unknown; use week or month.", fields={"period": ["week or month."]}
        )
    if since >= until:
        raise Invalid("since must be before until.", fields={"since": ["Must be before until."]})
    qs = Incident.objects.filter(declared_at__gte=since, declared_at__lt=until).annotate(**_durations())
    periods = (
        qs.annotate(period=PERIODS[period]("declared_at"))
        .values("period", "severity")
        .annotate(**_aggregates())
        .order_by("period", "severity")
    )
    totals = {row["severity"]: row for row in qs.values("severity").annotate(**_aggregates()).order_by()}
    return {
        "since": since,
        "until": until,
        "period": period,
        "severities": [_metrics_row(code, totals.get(code, {})) for code in SeverityCode.values],
        "periods": [{"period_start": _day(row["period"]), **_metrics_row(row["severity"], row)} for row in periods],
    }


def _durations() -> dict:
    def span(field: str) -> ExpressionWrapper:
        return ExpressionWrapper(F(field) - F("declared_at"), output_field=DurationField())

    return {"to_ack": span("acknowledged_at"), "to_resolve": span("resolved_at")}


def _aggregates() -> dict:
    within = Q(pk__in=[])
    for severity in Severity.objects.all():
        within |= Q(severity=severity.code, to_resolve__lte=severity.response_target)
    return {
        "declared": Count("pk"),
        "acknowledged": Count("acknowledged_at"),
        "resolved": Count("resolved_at"),
        "within": Count("pk", filter=within),
        "mtta": Avg("to_ack"),
        "mttr": Avg("to_resolve"),
    }


def _metrics_row(code: str, row: dict) -> dict:
    resolved = row.get("resolved", 0)
    return {
        "severity": code,
        "declared": row.get("declared", 0),
        "acknowledged": row.get("acknowledged", 0),
        "resolved": resolved,
        "mtta_minutes": _minutes(row.get("mtta")),
        "mttr_minutes": _minutes(row.get("mttr")),
        "resolved_within_target": row.get("within", 0),
        "share_resolved_within_target": round(row.get("within", 0) / resolved, 3) if resolved else None,
    }


def _day(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _minutes(value) -> float | None:
    if value is None:
        return None
    seconds = value.total_seconds() if isinstance(value, dt.timedelta) else float(value) / 1_000_000
    return round(seconds / 60, 1)


def latest_status_update(incident: Incident) -> TimelineEvent | None:
    """The newest stakeholder status update (what the status page and subscribers last heard)."""
    return incident.events.filter(kind=Kind.STATUS_UPDATE).order_by("-seq").first()


def overdue_follow_ups(today: dt.date | None = None) -> QuerySet[FollowUp]:
    return FollowUp.objects.overdue(today).select_related("incident", "owner")


SUGGEST_MIN_WORD = 4


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if len(w) >= SUGGEST_MIN_WORD}


def runbook_suggest(title: str) -> Runbook | None:
    """The runbook whose title shares most words with the incident's title (ties: the shorter title)."""
    wanted = _words(title)
    if not wanted:
        return None
    scored = [(len(wanted & _words(rb.title)), -len(rb.title), rb) for rb in Runbook.objects.all()]
    best = max(scored, default=None, key=lambda item: item[:2])
    return best[2] if best and best[0] else None
