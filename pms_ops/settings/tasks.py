"""Celery settings: Redis when REDIS_URL is set, else the filesystem transport under var/."""

from .base import REDIS_URL
from .env import VAR_DIR, env

# The longest task (a backup, or a restore with its fresh backup). Redis redelivers an unacked
# task after visibility_timeout, so that stays above it: no second delivery while a run may live.
BACKUP_TASK_TIME_LIMIT = env.int("BACKUP_TASK_TIME_LIMIT", default=3 * 3600)

if REDIS_URL:
    CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": BACKUP_TASK_TIME_LIMIT + 600,
        "socket_connect_timeout": 2,  # a request that publishes must not hang on a broker that is down
    }
    CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=REDIS_URL)
else:
    _queue = VAR_DIR / "celery"
    for _sub in ("out", "control"):
        (_queue / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue / "out"),
        "data_folder_out": str(_queue / "out"),
        "control_folder": str(_queue / "control"),
        # The worker takes about one message per poll (kombu's default: once a second), so the
        # celery probe's round trip, queued behind beat's other probes, took seconds (a WARN).
        "polling_interval": 0.05,
    }
    CELERY_RESULT_BACKEND = f"file://{_queue / 'results'}"
    (_queue / "results").mkdir(exist_ok=True)

CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
# A killed worker loses nothing: the message is acked after the task ran, and re-queued if it died.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=300)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=360)
# Publishing gives up fast; what was not sent stays queued in the database and the sweeper re-sends it.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY = False
# The worker, unlike a request, waits for the broker for ever: at start (Redis not up yet) and after
# losing it (Redis restarted), retrying with backoff instead of exiting after Celery's default 100
# tries. A run in flight when the connection drops is left to finish: every task claims its row
# first, so the redelivered message finds the work done or owned and touches nothing.
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = "UTC"
# CELERY_BEAT_SCHEDULE is assembled in settings/__init__.py from each app's `beat` dict.

# The outbox (core/outbox.py): work recorded in the database, published after commit, re-sent by
# `core.outbox_sweep`. Pending work is sent again this long after it fell due (not before: its
# first publish may be on its way); a failed run is retried after OUTBOX_RETRY_SECONDS, doubling
# each time (capped at an hour), and marked failed, with its error, after OUTBOX_MAX_ATTEMPTS.
OUTBOX_RESEND_AFTER_SECONDS = env.int("OUTBOX_RESEND_AFTER_SECONDS", default=30)
OUTBOX_RETRY_SECONDS = env.int("OUTBOX_RETRY_SECONDS", default=60)
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=8)
# A run not finished this long after it started was lost with its worker: retried. Above the
# hard time limit of outbox tasks, so that a run still alive is never run twice.
OUTBOX_STALE_AFTER_SECONDS = env.int("OUTBOX_STALE_AFTER_SECONDS", default=CELERY_TASK_TIME_LIMIT + 60)
OUTBOX_KEEP_DAYS = env.int("OUTBOX_KEEP_DAYS", default=7)

beat = {"outbox-sweep": {"task": "core.outbox_sweep", "schedule": 60}}
