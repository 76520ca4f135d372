"""The API's own request latency and errors, rolled up per hour into the database for the daily report.

Prometheus' counters live in each web process (and `/metrics` reads them there); the daily
report runs in a worker, so the metrics middleware also tallies each request here and flushes
the tally to `RequestTally` every OPS_REQUEST_STATS_FLUSH_SECONDS with one UPDATE per
(hour, bucket). A failed flush keeps the tally for the next one and never fails a request.
"""

import datetime as dt
import logging
import threading
import time
from collections import Counter

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone

from .models import RequestTally

log = logging.getLogger(__name__)
# Upper bounds of the latency buckets (the /metrics histogram's), in ms; a last bucket holds the slower.
BUCKETS_MS = (5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000)
_lock = threading.Lock()
_pending: Counter = Counter()  # (hour, bucket, "requests" | "server_errors") → count
_last_flush = time.monotonic()


def bucket_of(ms: float) -> int:
    return next((i for i, bound in enumerate(BUCKETS_MS) if ms <= bound), len(BUCKETS_MS))


def observe(seconds: float, status: int) -> None:
    """Tally one request (called by the metrics middleware); flush when the interval has passed."""
    global _last_flush
    hour = timezone.now().replace(minute=0, second=0, microsecond=0)
    key = (hour, bucket_of(seconds * 1000))
    with _lock:
        _pending[(*key, "requests")] += 1
        if status >= 500:
            _pending[(*key, "server_errors")] += 1
        due = time.monotonic() - _last_flush >= settings.OPS_REQUEST_STATS_FLUSH_SECONDS
        if due:
            _last_flush = time.monotonic()
    if due:
        flush()


def flush() -> None:
    """Add the pending tally to the database; on a database error, keep it for the next flush."""
    with _lock:
        pending = dict(_pending)
        _pending.clear()
    rows: dict[tuple, dict] = {}
    for (hour, bucket, field), count in pending.items():
        rows.setdefault((hour, bucket), {})[field] = count
    try:
        for (hour, bucket), counts in rows.items():
            _add(hour, bucket, counts)
    except DatabaseError:
        log.warning("request stats: flush failed; kept for the next one", exc_info=True)
        with _lock:
            _pending.update(pending)


def _add(hour: dt.datetime, bucket: int, counts: dict) -> None:
    increments = {field: F(field) + n for field, n in counts.items()}
    if RequestTally.objects.filter(hour=hour, bucket=bucket).update(**increments):
        return
    try:
        with transaction.atomic():
            RequestTally.objects.create(hour=hour, bucket=bucket, **counts)
    except IntegrityError:  # another process created the row first
        RequestTally.objects.filter(hour=hour, bucket=bucket).update(**increments)


def summary(since: dt.datetime, until: dt.datetime) -> dict:
    """Requests, 5xx responses and the p95 latency bucket's bound (ms; None past the last) over [since, until)."""
    rows = (
        RequestTally.objects.filter(hour__gte=since, hour__lt=until)
        .values("bucket")
        .annotate(n=Sum("requests"), errors=Sum("server_errors"))
    )
    per_bucket = {row["bucket"]: row["n"] for row in rows}
    total = sum(per_bucket.values())
    errors = sum(row["errors"] for row in rows)
    p95, seen = None, 0
    for bucket in sorted(per_bucket):
        seen += per_bucket[bucket]
        if seen >= 0.95 * total:
            p95 = BUCKETS_MS[bucket] if bucket < len(BUCKETS_MS) else None
            break
    return {"requests": total, "server_errors": errors, "p95_ms": p95}
