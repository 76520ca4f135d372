"""The book's write path: keyword-only, atomic, audited functions, and the approvable actions they propose."""

from .close_all import CloseAll, close_all_propose
from .corrections import Correction, correction_preview, correction_propose
from .marks import MtmApproval, PriceOverride, mtm_run, price_override_propose
from .positions import CloseOffMarket, instrument_create, position_close, position_open
from .prices import ManualPrice, manual_price_propose, prices_record

__all__ = [
    "CloseAll",
    "CloseOffMarket",
    "Correction",
    "ManualPrice",
    "MtmApproval",
    "PriceOverride",
    "close_all_propose",
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
