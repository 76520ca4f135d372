"""Settings of the approvals app: how often overdue requests are expired."""

from .env import env

beat = {
    "approvals-expire": {
        "task": "approvals.tasks.approvals_expire_task",
        "schedule": env.int("APPROVALS_EXPIRE_EVERY_SECONDS", default=60),
    },
}
