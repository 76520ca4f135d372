"""Demo rows of the book (`manage.py demo_data`): seed 000's instruments, a few positions, market
prices from the demo price feed, one mark-to-market run, and a pending correction for the approver
to review. Idempotent."""

from . import services
from .models import Instrument

INSTRUMENTS = [
    {
        "symbol": "GOLD_MINI",
        "name": "MCX Gold Mini",
        "asset_class": "commodity",
        "currency": "INR",
        "point_value": "10",
        "margin_per_lot": "105000",
    },
    {
        "symbol": "BANK_NIFTY",
        "name": "NSE Bank Nifty futures",
        "asset_class": "index",
        "currency": "INR",
        "point_value": "15",
        "margin_per_lot": "270000",
    },
]
POSITIONS = [
    {"instrument": "GOLD_MINI", "direction": "LONG", "size": 2, "entry_price": 71000, "stop_price": 70500},
    {"instrument": "BANK_NIFTY", "direction": "SHORT", "size": 1, "entry_price": 48250, "stop_price": 48600},
    {"instrument": "GOLD_MINI", "direction": "LONG", "size": 1, "entry_price": 70800, "stop_price": 70300},
]
PRICES = [
    {"instrument": "GOLD_MINI", "price": 71240, "source": "MCX close"},
    {"instrument": "BANK_NIFTY", "price": 48110, "source": "NSE close"},
]


def load(users: dict) -> None:
    if Instrument.objects.exists():
        return
    pm, ops, feed = users["pm"], users["ops"], users["feed"]
    for instrument in INSTRUMENTS:
        services.instrument_create(actor=ops, **instrument)
    opened = [services.position_open(actor=pm, **facts) for facts in POSITIONS]
    services.prices_record(actor=feed, prices=PRICES)
    services.mtm_run(actor=pm)
    # The third position was booked as a long; the broker statement says short: awaiting the approver.
    services.correction_propose(
        actor=pm,
        position_id=opened[2].pk,
        reason="Broker statement shows this GOLD_MINI trade as a SHORT.",
        correct={**POSITIONS[2], "direction": "SHORT", "stop_price": 71300},
    )
