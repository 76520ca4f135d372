"""The canonical serialization hashed into a chain (documented in docs/hash-chain.md).

UTF-8 JSON with sorted keys and no whitespace; datetimes as UTC ISO 8601 with
microseconds and a `Z`; decimals as fixed-point strings with the field's decimal
places (never an exponent, never a signed zero); foreign keys as their primary key;
UUIDs as strings. The same row gives the same bytes on any Python 3 version and on
PostgreSQL or SQLite.
"""

import datetime as dt
import decimal
import hashlib
import json
import uuid
from typing import Any

GENESIS = "0" * 64


def unsigned_zero(value: decimal.Decimal) -> decimal.Decimal:
    """0 for -0: closing a short at its entry price computes Decimal('-0.00'), which no database stores."""
    return value.copy_abs() if value.is_zero() else value


def decimal_text(value: decimal.Decimal, decimal_places: int | None = None) -> str:
    """Fixed point, rounded as PostgreSQL's numeric rounds (half away from zero), without a signed zero."""
    if decimal_places is not None and value.is_finite():
        value = value.quantize(decimal.Decimal(1).scaleb(-decimal_places), rounding=decimal.ROUND_HALF_UP)
    return format(unsigned_zero(value), "f")


def normalize(value: Any, decimal_places: int | None = None) -> Any:
    """A JSON-ready value whose text is the same on every Python and database."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetime cannot be hashed")
        # isoformat, not strftime: strftime's %Y does not zero-pad years below 1000 on every libc.
        return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return decimal_text(value, decimal_places)
    if isinstance(value, float):
        return repr(value + 0.0)  # -0.0 + 0.0 is 0.0: a JSON payload never carries a signed zero
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(k): normalize(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [normalize(v) for v in value]
    raise TypeError(f"cannot canonicalize {type(value).__name__}")


def dumps(content: dict) -> bytes:
    """The canonical bytes of normalized content (see docs/hash-chain.md)."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def link_hash(prev_hash: str, canonical: bytes) -> str:
    """hash = sha256(prev_hash as ASCII hex + canonical bytes), as hex."""
    return hashlib.sha256(prev_hash.encode("ascii") + canonical).hexdigest()
