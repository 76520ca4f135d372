"""Benchmark helpers: a fresh migrated database, timing, and percentiles."""

import contextlib
import statistics
import time
from collections.abc import Callable

from django.db import connection


@contextlib.contextmanager
def bench_database():
    """Create a throw-away test database (like pytest-django does), migrate, drop it at the end."""
    from django.test.utils import setup_databases, teardown_databases

    config = setup_databases(verbosity=0, interactive=False, keepdb=False)
    try:
        yield connection
    finally:
        teardown_databases(config, verbosity=0)


def percentiles(samples_ms: list[float]) -> dict:
    ordered = sorted(samples_ms)

    def pick(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))], 3)

    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered), 3),
        "p95_ms": pick(0.95),
        "p99_ms": pick(0.99),
    }


def timed(fn: Callable, repeat: int) -> list[float]:
    """Call fn `repeat` times; return each call's duration in milliseconds."""
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples
