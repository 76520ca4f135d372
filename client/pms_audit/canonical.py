"""The canonical serialization of docs/hash-chain.md, for audit events as the API returns them."""

import datetime as dt
import json

EVENT_FIELDS = ("occurred_at", "actor", "action", "subject_type", "subject_id", "payload", "request_id", "client_ip")


def dumps(content: dict) -> bytes:
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def moment(text: str) -> str:
    """Any ISO 8601 instant with its offset as UTC `YYYY-MM-DDTHH:MM:SS.ffffffZ` (isoformat pads the year)."""
    value = dt.datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {text!r}: the hashed form needs an offset")
    return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"
