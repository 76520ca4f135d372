"""Settings of broker reconciliation (from the environment): tolerances, limits, the watched directory."""

from .env import VAR_DIR, env

# A difference at or under a tolerance is no break: quantity in lots, price in % of the book's average.
RECON_QUANTITY_TOLERANCE = env.str("RECON_QUANTITY_TOLERANCE", default="0")
RECON_PRICE_TOLERANCE_PCT = env.str("RECON_PRICE_TOLERANCE_PCT", default="0.5")
# A statement file larger than this is refused whole (the API is also bounded by DATA_UPLOAD_MAX_MEMORY_SIZE).
RECON_STATEMENT_MAX_BYTES = env.int("RECON_STATEMENT_MAX_BYTES", default=2_000_000)
# Statements dropped here (*.csv) are reconciled by beat, then moved to done/ or rejected/.
RECON_INBOX_DIR = env.str("RECON_INBOX_DIR", default=str(VAR_DIR / "recon" / "inbox"))
RECON_INBOX_EVERY_SECONDS = env.int("RECON_INBOX_EVERY_SECONDS", default=60)
# An open break older than this declares an incident of this severity.
RECON_BREAK_AGE_LIMIT_HOURS = env.float("RECON_BREAK_AGE_LIMIT_HOURS", default=24.0)
RECON_BREAK_INCIDENT_SEVERITY = env.str("RECON_BREAK_INCIDENT_SEVERITY", default="P2")

beat = {
    "recon.inbox_sweep": {"task": "recon.inbox_sweep", "schedule": float(RECON_INBOX_EVERY_SECONDS)},
    "recon.breaks_escalate": {"task": "recon.breaks_escalate", "schedule": 600.0},
}
