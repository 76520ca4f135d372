"""A per-object lock for tasks that must not run twice at once (a redelivered or duplicated message).

PostgreSQL's session advisory lock, tried without waiting: the run that gets it proceeds, the other
exits touching nothing. It lives as long as the worker's connection, so a killed worker releases
it. SQLite serializes writers itself, and work there (a scratch copy) is private to each run.
"""

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps

from django.db import connection


def _key(name: str) -> int:
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


@contextmanager
def try_lock(name: str) -> Iterator[bool]:
    """`with try_lock("backups.verify:12") as mine:` — True when this run holds the lock."""
    if connection.vendor != "postgresql":
        yield True
        return
    key = _key(name)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        mine = cursor.fetchone()[0]
    try:
        yield mine
    finally:
        if mine:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])


def exclusive(name: str) -> Callable:
    """Decorate work that must not run twice at once (a beat task delivered twice): the second call
    returns None at once, touching nothing."""

    def decorate(func: Callable) -> Callable:
        @wraps(func)
        def run(*args, **kwargs):
            with try_lock(name) as mine:
                return func(*args, **kwargs) if mine else None

        return run

    return decorate
