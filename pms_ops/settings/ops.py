"""Settings of the ops app (from the environment): probe schedule, thresholds, caching, metrics access."""

from zoneinfo import ZoneInfo

from celery.schedules import crontab
from django_celery_beat.tzcrontab import TzAwareCrontab

from ops.catalog import beat_schedule

from .book import BOOK_TIMEZONE
from .env import env

# A probe that takes longer is recorded as `fail` with the timeout (seconds).
OPS_PROBE_TIME_LIMIT = env.float("OPS_PROBE_TIME_LIMIT", default=20.0)
OPS_CELERY_PROBE_TIMEOUT = env.float("OPS_CELERY_PROBE_TIMEOUT", default=5.0)
OPS_PROBE_RETENTION_DAYS = env.int("OPS_PROBE_RETENTION_DAYS", default=90)
# How long the cached state of a probe survives without a new run (readiness falls back to the DB).
OPS_PROBE_STATE_TTL = env.int("OPS_PROBE_STATE_TTL", default=600)
# /api/v1/ready reports celery "stale" when its probe has not run for this long (seconds).
OPS_CELERY_READY_MAX_AGE = env.int("OPS_CELERY_READY_MAX_AGE", default=300)
OPS_READY_CACHE_SECONDS = env.float("OPS_READY_CACHE_SECONDS", default=2.0)
# /api/v1/ready gives up on connecting to the Celery broker after this long (seconds).
OPS_BROKER_CHECK_TIMEOUT = env.float("OPS_BROKER_CHECK_TIMEOUT", default=2.0)
OPS_TRADING_CACHE_SECONDS = env.int("OPS_TRADING_CACHE_SECONDS", default=30)
# trading-enabled remembers a polling client's id and roles this long; a deleted token or a
# changed password, activity or role drops the entry at once (core/tokens.py).
OPS_TOKEN_CACHE_SECONDS = env.int("OPS_TOKEN_CACHE_SECONDS", default=30)
OPS_DISK_FAIL_FREE_PCT = env.float("OPS_DISK_FAIL_FREE_PCT", default=10.0)
OPS_DISK_WARN_FREE_PCT = env.float("OPS_DISK_WARN_FREE_PCT", default=20.0)
OPS_BACKUP_MAX_AGE_HOURS = env.float("OPS_BACKUP_MAX_AGE_HOURS", default=26.0)
OPS_RISK_TOLERANCE = env.float("OPS_RISK_TOLERANCE", default=0.01)
# Runbook 3's pass marks.
OPS_REPORT_RESPONSE_MS = env.float("OPS_REPORT_RESPONSE_MS", default=100.0)
OPS_REPORT_ERROR_RATE_PCT = env.float("OPS_REPORT_ERROR_RATE_PCT", default=1.0)
OPS_REPORT_CACHE_HIT_PCT = env.float("OPS_REPORT_CACHE_HIT_PCT", default=40.0)
# An Alertmanager alert whose `severity` label is missing or unknown declares at this severity.
ALERTMANAGER_DEFAULT_SEVERITY = env("ALERTMANAGER_DEFAULT_SEVERITY", default="P3")
# The public status page (/status/, /status.json): how long one rendering is reused (seconds),
# and how many days of history it shows.
STATUS_PAGE_CACHE_SECONDS = env.float("STATUS_PAGE_CACHE_SECONDS", default=15.0)
STATUS_PAGE_DAYS = env.int("STATUS_PAGE_DAYS", default=14)
# The daily report's local time (BOOK_TIMEZONE), before the pre-market checklist that reviews it.
OPS_REPORT_AT = env.str("OPS_REPORT_AT", default="08:30")
# The web processes add their request tally (the report's latency and error rate) to the database this often.
OPS_REQUEST_STATS_FLUSH_SECONDS = env.float("OPS_REQUEST_STATS_FLUSH_SECONDS", default=10.0)
# /metrics needs METRICS_TOKEN (settings/security.py) as a bearer token.

# Each probe's interval is in ops/catalog.py; OPS_PROBE_INTERVAL_SECONDS sets one for all (tests,
# demos). Ops changes them later in the admin (django-celery-beat).
beat = beat_schedule(every=env.int("OPS_PROBE_INTERVAL_SECONDS", default=0)) | {
    "ops.health_report": {
        "task": "ops.health_report",
        "schedule": TzAwareCrontab(
            hour=int(OPS_REPORT_AT.split(":")[0]), minute=int(OPS_REPORT_AT.split(":")[1]), tz=ZoneInfo(BOOK_TIMEZONE)
        ),
    },
    "ops.probe_results_prune": {"task": "ops.probe_results_prune", "schedule": crontab(hour=3, minute=30)},
}
