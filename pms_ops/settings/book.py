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
# The desk's timezone: the trading day, its checklists and the daily report run on its clock (seed 003: IST).
BOOK_TIMEZONE = env.str("BOOK_TIMEZONE", default="Asia/Kolkata")
