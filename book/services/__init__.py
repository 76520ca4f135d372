"""The book's write path: every change is one of these keyword-only, atomic, audited functions."""

from .corrections import correction_execute, correction_preview, correction_propose
from .marks import mtm_run, price_override_execute, price_override_propose
from .positions import instrument_create, position_close, position_open
from .prices import manual_price_execute, manual_price_propose, prices_record

__all__ = [
    "correction_execute",
    "correction_preview",
    "correction_propose",
    "instrument_create",
    "manual_price_execute",
    "manual_price_propose",
    "mtm_run",
    "position_close",
    "position_open",
    "price_override_execute",
    "price_override_propose",
    "prices_record",
]
