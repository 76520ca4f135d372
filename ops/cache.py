"""Cache keys of ops and the read-through helper that reports HIT or MISS (seed 004 scenario 2).

The cache is Redis in production with IGNORE_EXCEPTIONS: when Redis is down every read
is a MISS served from the database, and writes to the cache are silently skipped.
"""

from collections.abc import Callable

from django.core.cache import cache

TRADING_KEY = "ops:trading"
READY_KEY = "ops:ready"


def probe_key(name: str) -> str:
    return f"ops:probe:{name}"


def read_through(key: str, compute: Callable[[], object], timeout: float) -> tuple[object, bool]:
    """(value, hit): the cached value, or compute it and cache it for `timeout` seconds."""
    value = cache.get(key)
    if value is not None:
        return value, True
    value = compute()
    cache.set(key, value, timeout)
    return value, False


def with_cache_header(response, hit: bool):
    """`X-Cache: HIT|MISS` on a response served through read_through (seed 004 scenario 2)."""
    response["X-Cache"] = "HIT" if hit else "MISS"
    return response


def forget(*keys: str) -> None:
    cache.delete_many(list(keys))
