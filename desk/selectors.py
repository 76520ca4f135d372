"""Reads of the trading day: a day's checklists with their sign-offs, and which are overdue (ops' probe)."""

import datetime as dt

from django.utils import timezone

from . import day as trading_day
from .models import SignOff


def checklists(day: dt.date, now: dt.datetime | None = None) -> list[dict]:
    """Both checklists of `day`: each item with its sign-off (or None), whether it is open, complete, missed."""
    now = now or timezone.now()
    signed = {(s.checklist, s.item): s for s in SignOff.objects.filter(day=day)}
    trading = trading_day.is_trading_day(day)
    result = []
    for kind, checklist in trading_day.CHECKLISTS.items():
        opens, due = trading_day.window(kind, day)
        items = [
            {"n": n, "text": text, "signoff": signed.get((kind, n))} for n, text in enumerate(checklist.items, start=1)
        ]
        complete = all(item["signoff"] for item in items)
        result.append(
            {
                "kind": kind,
                "title": checklist.title,
                "opens": opens,
                "due": due,
                "items": items,
                "open": trading and opens <= now,
                "complete": complete,
                "missed": trading and not complete and now > due,
            }
        )
    return result


def missed(now: dt.datetime | None = None) -> list[dict]:
    """Today's checklists past their due time with items unsigned: what the `trading_day` probe reports."""
    now = now or timezone.now()
    return [c for c in checklists(trading_day.today(now), now) if c["missed"]]
