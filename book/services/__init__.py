"""The book's write path: keyword-only, atomic, audited functions, and the approvable actions they propose."""

from .corrections import Correction, correction_preview, correction_propose
from .marks import MtmApproval, PriceOverride, mtm_run, price_override_propose
from .positions import CloseOffMarket, instrument_create, position_close, position_open
from .prices import ManualPrice, manual_price_propose, prices_record

__all__ = [
    "CloseOffMarket",
    "Correction",
    "ManualPrice",
    "MtmApproval",
    "PriceOverride",
    "correction_preview",
    "correction_propose",
    "instrument_create",
    "manual_price_propose",
    "mtm_run",
    "position_close",
    "position_open",
    "price_override_propose",
    "prices_record",
]
