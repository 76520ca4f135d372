"""Reads of incidents: list filters shared by the API and the list page, and the response-time chart."""

import datetime as dt

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, QuerySet
from django.utils import timezone

from core.dates import parse_moment
from core.errors import Invalid
from core.parsers import printable

from .models import Incident, Kind, SeverityCode, Status, TimelineEvent

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


def timeline_tail(incident: Incident, *, after: int = 0, limit: int = 200) -> list[TimelineEvent]:
    """Events after id `after` (the live part of the war room), oldest first, at most `limit`."""
    qs = incident.events.filter(pk__gt=after).order_by("-pk")[:limit]
    return list(reversed(qs))


def response_times(days: int = CHART_DAYS, now: dt.datetime | None = None) -> list[dict]:
    """Mean minutes to acknowledge and to resolve per severity, over incidents declared in the last `days`."""
    since = (now or timezone.now()) - dt.timedelta(days=days)
    rows = (
        Incident.objects.filter(declared_at__gte=since)
        .values("severity")
        .annotate(
            ack=Avg(ExpressionWrapper(F("acknowledged_at") - F("declared_at"), output_field=DurationField())),
            res=Avg(ExpressionWrapper(F("resolved_at") - F("declared_at"), output_field=DurationField())),
            resolved=Count("resolved_at"),
        )
        .order_by()
    )
    found = {row["severity"]: row for row in rows}
    return [_row(code, found.get(code, {})) for code in SeverityCode.values]


def _row(code: str, row: dict) -> dict:
    return {
        "severity": code,
        "ack_minutes": _minutes(row.get("ack")),
        "resolve_minutes": _minutes(row.get("res")),
        "count": row.get("resolved", 0),
    }


def _minutes(value) -> float | None:
    if value is None:
        return None
    seconds = value.total_seconds() if isinstance(value, dt.timedelta) else float(value) / 1_000_000
    return round(seconds / 60, 1)


def latest_status_update(incident: Incident) -> TimelineEvent | None:
    """The newest stakeholder status update (what the status page and subscribers last heard)."""
    return incident.events.filter(kind=Kind.STATUS_UPDATE).order_by("-seq").first()
