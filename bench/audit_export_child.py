"""Child process of bench_audit: stream the NDJSON export of every event through the DRF view,
counting rows, and report rows/s and this process's peak RSS (its memory only, not the bench's)."""

import json
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pms_ops.settings.test")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from rest_framework.test import APIRequestFactory, force_authenticate  # noqa: E402

from audit.api import EventList  # noqa: E402


def main() -> None:
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    request = APIRequestFactory().get("/api/v1/audit/events", HTTP_ACCEPT="application/x-ndjson")
    force_authenticate(request, user=get_user_model().objects.get(username="bench-auditor"))
    started, cpu = time.perf_counter(), time.process_time()
    response = EventList.as_view()(request)
    rows = size = 0
    for chunk in response.streaming_content:
        rows += chunk.count(b"\n")
        size += len(chunk)
    response.close()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "rows": rows,
                "seconds": round(seconds, 2),
                "rows_per_s": round(rows / seconds),
                "rows_per_cpu_s": round(rows / cpu),
                "mb_streamed": round(size / 2**20),
                "peak_rss_mb": round(peak / 1024, 1),
                "rss_before_export_mb": round(baseline / 1024, 1),
            }
        )
    )


main()
