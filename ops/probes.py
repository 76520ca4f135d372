"""The probe runner: run a catalogued probe's check under a time limit, time it, hand the outcome back.

A hanging check must not hang the probe: the runner arms a SIGALRM deadline when it runs
in a main thread (Celery's prefork and solo pools, eager tests) and Celery's soft time
limit backs it up. Either way the hang is recorded as `fail` naming the timeout, and the
next scheduled run happens as usual.
"""

import contextlib
import signal
import threading
import time

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings

from . import checks
from .catalog import PROBES
from .checks import Outcome

__all__ = ["PROBES", "execute"]  # PROBES re-exported: the tasks and the benchmark run `probes.PROBES`


class ProbeTimeout(Exception):
    pass


@contextlib.contextmanager
def deadline(seconds: float):
    """Raise ProbeTimeout in this thread after `seconds` (main thread only; elsewhere a no-op)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum, frame):
        raise ProbeTimeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def execute(name: str) -> tuple[Outcome, float]:
    """Run one probe's check; return its outcome and latency in ms. Never raises for the check's sake."""
    check = getattr(checks, PROBES[name].name)
    limit = settings.OPS_PROBE_TIME_LIMIT
    started = time.perf_counter()
    try:
        with deadline(limit):
            outcome = check()
    except (ProbeTimeout, SoftTimeLimitExceeded):
        outcome = checks.fail(f"timed out after {limit:g} s", timeout_seconds=limit)
    except Exception as exc:  # a check that raises is a failing component, reported with the error
        outcome = checks.fail(f"{type(exc).__name__}: {exc}".strip(), error=type(exc).__name__)
    return outcome, round((time.perf_counter() - started) * 1000, 3)
