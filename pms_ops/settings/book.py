"""Settings of the book app (from the environment)."""

from .env import env

# Closed equity before any realized P&L, in the book's currency.
BOOK_STARTING_EQUITY = env.str("BOOK_STARTING_EQUITY", default="10000000")
BOOK_CURRENCY = env.str("BOOK_CURRENCY", default="INR")
# Checks before a position opens (book.guards); each raises core.errors.Conflict to refuse.
BOOK_OPEN_GUARDS = ["ops.guards.refuse_when_halted"]
# Called inside the approving transaction after a correction executed (book.guards.correction_hooks):
# recon resolves the reconciliation break the correction was proposed from.
BOOK_CORRECTION_HOOKS = ["recon.services.break_correction_executed"]
# Their rows, locked when the correction is approved, before any chain (book.guards.correction_locks).
BOOK_CORRECTION_LOCKS = ["recon.services.break_correction_lock"]
# The desk's timezone: the trading day, its checklists and the daily report run on its clock (seed 003: IST).
BOOK_TIMEZONE = env.str("BOOK_TIMEZONE", default="Asia/Kolkata")
# Price checks (docs/book.md, "Price checks"): a market price further than this (%) from the previous
# one, or from another feed's, is held; an instrument may set its own (Instrument.price_tolerance_pct).
BOOK_PRICE_TOLERANCE_PCT = env.str("BOOK_PRICE_TOLERANCE_PCT", default="5")
# A price older than this (seconds) does not mark open positions (seed 005: data within 1 business day).
BOOK_PRICE_MAX_AGE = env.int("BOOK_PRICE_MAX_AGE", default=24 * 3600)
# A mark-to-market run moving unrealized P&L by more than this % of closed equity waits for approval (seed 004).
BOOK_MTM_PNL_THRESHOLD_PCT = env.str("BOOK_MTM_PNL_THRESHOLD_PCT", default="5")
