"""Settings of the book app and of the approvals app's periodic task (from the environment)."""

from .env import env
from .tasks import CELERY_BEAT_SCHEDULE

# Closed equity before any realized P&L, in the book's currency.
BOOK_STARTING_EQUITY = env.str("BOOK_STARTING_EQUITY", default="10000000")
BOOK_CURRENCY = env.str("BOOK_CURRENCY", default="INR")
# Checks before a position opens (book.guards); each raises core.errors.Conflict to refuse.
BOOK_OPEN_GUARDS = ["ops.guards.refuse_when_halted"]

CELERY_BEAT_SCHEDULE["approvals-expire"] = {
    "task": "approvals.tasks.approvals_expire_task",
    "schedule": env.int("APPROVALS_EXPIRE_EVERY_SECONDS", default=60),
}

from .api import SPECTACULAR_SETTINGS  # noqa: E402 (extended in place, like the beat schedule)

SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {}).update(
    {
        "PositionStatusEnum": "book.models.PositionStatus.choices",
        "DirectionEnum": "book.models.Direction.choices",
        "ApprovalStatusEnum": "approvals.models.Status.choices",
    }
)
