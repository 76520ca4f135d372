"""Demo rows of the trading day: today's checklist items already open are signed off by the demo's Ops person,
so that the demo starts as a desk that did its routine (a checklist that opens later is left to sign)."""

from django.utils import timezone

from . import day as trading_day
from . import services
from .models import SignOff


def load(users: dict) -> None:
    today = trading_day.today()
    if not trading_day.is_trading_day(today):
        return
    for kind, checklist in trading_day.CHECKLISTS.items():
        if trading_day.window(kind, today)[0] > timezone.now():
            continue
        for n in range(1, len(checklist.items) + 1):
            if not SignOff.objects.filter(day=today, checklist=kind, item=n).exists():
                services.item_sign(actor=users["ops"], day=today, checklist=kind, item=n)
