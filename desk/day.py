"""The trading day in the desk's timezone (BOOK_TIMEZONE): its two checklists, their times, and holidays.

The items are seed 003's "Morning Checklist (Before Market Open - 8:45 AM IST)" and "Evening
Checklist (After Market Close - 4:00 PM IST)", as PMS Ops does them. A pre-market checklist
is due at its time; the end-of-day checklist opens at its time and is due
DESK_END_OF_DAY_DUE_MINUTES later. Weekends and the holiday calendar have no checklists.
"""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from .models import Holiday

PRE_MARKET, END_OF_DAY = "pre_market", "end_of_day"


@dataclass(frozen=True)
class Checklist:
    kind: str
    title: str
    items: tuple[str, ...]


CHECKLISTS = {
    PRE_MARKET: Checklist(
        PRE_MARKET,
        "Pre-market checklist",
        (
            "Check system health: the ops dashboard's probes all pass (/ops/)",
            "Verify all services are running: web, Celery workers and beat, heartbeats on time",
            "Check for overnight alerts: incidents declared or updated since the last close (/incidents/)",
            "Verify broker connectivity and that the market data feed is active",
            "Review the previous day's trading activity: P&L and executed trades (/book/positions/)",
        ),
    ),
    END_OF_DAY: Checklist(
        END_OF_DAY,
        "End-of-day checklist",
        (
            "Review the day's trading performance: trades executed, realized P&L, active positions",
            "Check for errors or anomalies in the last 8 hours (probe failures, error rate)",
            "Backup daily reports: tonight's backup is verified (/ops/)",
            "Reconcile the book with the broker's end-of-day statement (/recon/)",
        ),
    ),
}


def zone() -> ZoneInfo:
    return ZoneInfo(settings.BOOK_TIMEZONE)


def today(now: dt.datetime | None = None) -> dt.date:
    return timezone.localtime(now or timezone.now(), zone()).date()


def _at(day: dt.date, hhmm: str) -> dt.datetime:
    hour, minute = (int(part) for part in hhmm.split(":"))
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zone())


def window(kind: str, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """(opens, due) of a checklist on a day, aware in BOOK_TIMEZONE."""
    if kind == PRE_MARKET:
        return _at(day, "00:00"), _at(day, settings.DESK_PRE_MARKET_AT)
    opens = _at(day, settings.DESK_END_OF_DAY_AT)
    return opens, opens + dt.timedelta(minutes=settings.DESK_END_OF_DAY_DUE_MINUTES)


def is_trading_day(day: dt.date) -> bool:
    return day.weekday() < 5 and not Holiday.objects.filter(date=day).exists()
