"""Settings of the incidents app (from the environment)."""

from .env import env

# Webhook targets paged at declaration and on every escalation: a generic JSON one and a
# Slack-compatible one (an escalation level may add its own JSON URL in the admin). Empty: none.
INCIDENTS_WEBHOOK_URL = env("INCIDENTS_WEBHOOK_URL", default="")
INCIDENTS_SLACK_WEBHOOK_URL = env("INCIDENTS_SLACK_WEBHOOK_URL", default="")
# Every webhook body is signed: header X-PMS-Signature: sha256=<hex HMAC-SHA256 of the body>.
INCIDENTS_WEBHOOK_SECRET = env("INCIDENTS_WEBHOOK_SECRET", default="")
# The public address of PMS Ops, for absolute links (war room, acknowledge) in messages.
INCIDENTS_SITE_URL = env("INCIDENTS_SITE_URL", default="http://127.0.0.1:8000")
# How long a page's acknowledge link works (seconds).
INCIDENTS_ACK_LINK_MAX_AGE = env.int("INCIDENTS_ACK_LINK_MAX_AGE", default=24 * 3600)
# A failed delivery is retried this many times, waiting the base times 2^n (seconds) in between.
INCIDENTS_DELIVERY_RETRIES = env.int("INCIDENTS_DELIVERY_RETRIES", default=5)
INCIDENTS_DELIVERY_BACKOFF_SECONDS = env.int("INCIDENTS_DELIVERY_BACKOFF_SECONDS", default=10)
# A delivery no worker started within this many seconds is sent again by the sweeper.
INCIDENTS_DELIVERY_SWEEP_AFTER_SECONDS = env.int("INCIDENTS_DELIVERY_SWEEP_AFTER_SECONDS", default=60)
# A delivery left `sending` this long after its latest attempt began lost its worker between two
# retries (no retry waits longer than the base times 2^RETRIES): the sweeper sends it again.
INCIDENTS_DELIVERY_STUCK_AFTER_SECONDS = env.int(
    "INCIDENTS_DELIVERY_STUCK_AFTER_SECONDS",
    default=INCIDENTS_DELIVERY_BACKOFF_SECONDS * 2**INCIDENTS_DELIVERY_RETRIES + 60,
)

beat = {
    "incidents-escalate-unacknowledged": {"task": "incidents.escalate_unacknowledged", "schedule": 60.0},
    "incidents-remind-status-updates": {"task": "incidents.remind_status_updates", "schedule": 60.0},
    "incidents-nudge-stakeholder-updates": {"task": "incidents.nudge_status_updates", "schedule": 60.0},
    "incidents-sweep-deliveries": {"task": "incidents.sweep_deliveries", "schedule": 60.0},
    # hourly: the service reminds each overdue follow-up's owner at most once a day
    "incidents-remind-overdue-follow-ups": {"task": "incidents.remind_overdue_follow_ups", "schedule": 3600.0},
}
