"""The trading day's write path: sign off one checklist item; keep the holiday calendar."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from audit import chain
from audit.services import actor_name, event_record
from core.errors import Conflict, Invalid
from core.roles import INCIDENT_COMMANDER, OPS, PM

from . import day as trading_day
from .actions import DeskAction
from .models import Holiday, SignOff

# Who may sign an item off, on the page and through the API; every role may read the day.
SIGNERS = (PM, OPS, INCIDENT_COMMANDER)


def _item_text(checklist: str, item) -> str:
    found = trading_day.CHECKLISTS.get(checklist)
    if found is None:
        raise Invalid(f"Unknown checklist {checklist!r}.", fields={"checklist": ["Not a checklist."]})
    if not isinstance(item, int) or not 1 <= item <= len(found.items):
        raise Invalid(f"{found.title} has items 1 to {len(found.items)}.", fields={"item": ["No such item."]})
    return found.items[item - 1]


def item_sign(*, actor, day: dt.date, checklist: str, item: int, note: str = "") -> SignOff:
    """Sign one item of a trading day's checklist: once, by a named person, not before it opens, not for another day."""
    text = _item_text(checklist, item)
    now = timezone.now()
    if day != trading_day.today(now):
        raise Conflict(f"Only today's checklist can be signed ({trading_day.today(now)}), not {day}'s.")
    if not trading_day.is_trading_day(day):
        raise Conflict(f"{day} is not a trading day: no checklist is due.")
    opens, _ = trading_day.window(checklist, day)
    if now < opens:
        raise Conflict(f"The {trading_day.CHECKLISTS[checklist].title.lower()} opens at {opens:%H:%M %Z}.")
    try:
        with transaction.atomic():
            signoff = chain.append(
                SignOff,
                day=day,
                checklist=checklist,
                item=item,
                text=text,
                signed_by=actor_name(actor),
                signed_at=now,
                note=(note or "").strip()[:500],
            )
            event_record(
                actor=actor,
                action=DeskAction.ITEM_SIGNED,
                subject_type="desk.checklist",
                subject_id=f"{day.isoformat()}:{checklist}",
                payload={"item": item, "text": text},
            )
    except IntegrityError:
        done = SignOff.objects.get(day=day, checklist=checklist, item=item)
        raise Conflict(f"Item {item} was already signed off by {done.signed_by}.") from None
    return signoff


def holiday_save(*, actor, holiday: Holiday) -> Holiday:
    """Add or rename a market holiday (the admin), audited."""
    with transaction.atomic():
        holiday.save()
        event_record(
            actor=actor,
            action=DeskAction.HOLIDAY_SAVED,
            subject_type="desk.holiday",
            subject_id=holiday.pk,
            payload={"date": holiday.date.isoformat(), "name": holiday.name},
        )
    return holiday
