"""Settings of the incidents app (from the environment)."""

from .env import env

# Where escalations and P1 reminders are posted (chat webhook), unless a level has its own URL.
INCIDENTS_WEBHOOK_URL = env("INCIDENTS_WEBHOOK_URL", default="")
# The public address of PMS Ops, for links in escalation mail.
INCIDENTS_SITE_URL = env("INCIDENTS_SITE_URL", default="http://127.0.0.1:8000")

beat = {
    "incidents-escalate-unacknowledged": {"task": "incidents.escalate_unacknowledged", "schedule": 60.0},
    "incidents-remind-status-updates": {"task": "incidents.remind_status_updates", "schedule": 60.0},
    # hourly: the service reminds each overdue follow-up's owner at most once a day
    "incidents-remind-overdue-follow-ups": {"task": "incidents.remind_overdue_follow_ups", "schedule": 3600.0},
}
