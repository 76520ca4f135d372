"""Settings of the trading day (from the environment): the checklists' local times (in BOOK_TIMEZONE)."""

from .env import env

# Seed 003: the morning checklist before the market opens at 08:45, the evening one after 16:00.
DESK_PRE_MARKET_AT = env.str("DESK_PRE_MARKET_AT", default="08:45")
DESK_END_OF_DAY_AT = env.str("DESK_END_OF_DAY_AT", default="16:00")
# The end-of-day checklist is missed (the `trading_day` probe fails) this long after it opens.
DESK_END_OF_DAY_DUE_MINUTES = env.int("DESK_END_OF_DAY_DUE_MINUTES", default=60)
