"""Input checks shared by the incident services: each raises `core.errors.Invalid` naming the field."""

import datetime as dt
import re

from django.contrib.auth import get_user_model
from django.utils import timezone

from core.errors import Invalid

from .models import Kind, SeverityCode, Status

IMPACT_FLAGS = ("trading_halted", "positions_affected", "data_affected")
PROBE = re.compile(r"^probe:[a-z0-9_.-]{1,60}$")
ALERT = re.compile(r"^alert:[A-Za-z0-9_.:-]{1,100}$")
MAX_TEXT = 20_000
FUTURE_TOLERANCE = dt.timedelta(seconds=5)


def severity(value) -> str:
    if value not in SeverityCode.values:
        raise Invalid(
            f"Unknown severity {value!r}; use one of {', '.join(SeverityCode.values)}.",
            fields={"severity": ["Unknown severity."]},
        )
    return value


def status(value) -> str:
    if value not in Status.values:
        raise Invalid(
            f"Unknown status {value!r}; use one of {', '.join(Status.values)}.",
            fields={"status": ["Unknown status."]},
        )
    return value


def kind(value) -> str:
    if value not in Kind.values:
        raise Invalid(
            f"Unknown kind {value!r}; use one of {', '.join(Kind.values)}.", fields={"kind": ["Unknown kind."]}
        )
    return value


def text(value, field: str = "text", *, required: bool = True, limit: int = MAX_TEXT) -> str:
    if not isinstance(value, str):
        raise Invalid(f"{field} must be text.", fields={field: ["Must be a string."]})
    if required and not value.strip():
        raise Invalid(f"{field} is empty.", fields={field: ["Write something."]})
    if len(value) > limit:
        raise Invalid(f"{field} is longer than {limit} characters.", fields={field: [f"At most {limit} characters."]})
    return value.strip() if required else value


def title(value) -> str:
    return text(value, "title", limit=200)


def public_title(value) -> str:
    """The status page's words for the incident: never the internal title, so it may stay blank."""
    return text(value, "public_title", required=False, limit=200)


def detected_by(value) -> str:
    """A username, `probe:<name>` or `alert:<alertname>` (Alertmanager)."""
    if not isinstance(value, str):
        raise Invalid("detected_by must be text.", fields={"detected_by": ["Must be a string."]})
    if value == "" or PROBE.match(value) or ALERT.match(value):
        return value
    if get_user_model().objects.filter(username=value).exists():
        return value
    raise Invalid(
        f"detected_by {value!r} is neither a user, probe:<name> nor alert:<name>.",
        fields={"detected_by": ["Give a username or probe:<name>."]},
    )


def impact(value) -> dict:
    """{"trading_halted": bool, "positions_affected": bool, "data_affected": bool, "details": str}."""
    if value is None:
        return dict.fromkeys(IMPACT_FLAGS, False) | {"details": ""}
    if not isinstance(value, dict):
        raise Invalid("impact must be an object.", fields={"impact": ["Must be an object."]})
    unknown = set(value) - {*IMPACT_FLAGS, "details"}
    if unknown:
        raise Invalid(f"Unknown impact keys: {', '.join(sorted(unknown))}.", fields={"impact": ["Unknown keys."]})
    cleaned = {}
    for name in IMPACT_FLAGS:
        flag = value.get(name, False)
        if not isinstance(flag, bool):
            raise Invalid(f"impact.{name} must be true or false.", fields={"impact": [f"{name}: not a boolean."]})
        cleaned[name] = flag
    cleaned["details"] = text(value.get("details", ""), "impact", required=False, limit=2000)
    return cleaned


def occurred_at(value: dt.datetime | None) -> dt.datetime | None:
    """May be backfilled, never in the future."""
    if value is None:
        return None
    if not isinstance(value, dt.datetime) or timezone.is_naive(value):
        raise Invalid("occurred_at must be a timezone-aware datetime.", fields={"occurred_at": ["Not a datetime."]})
    if value > timezone.now() + FUTURE_TOLERANCE:
        raise Invalid("occurred_at is in the future.", fields={"occurred_at": ["Cannot be in the future."]})
    return value


def user(username, field: str = "user"):
    found = get_user_model().objects.filter(username=username, is_active=True).first() if username else None
    if found is None:
        raise Invalid(f"No active user {username!r}.", fields={field: ["Unknown user."]})
    return found


def action_items(items) -> list[dict]:
    """[{"description", "owner" (username), "due_date" (YYYY-MM-DD)}]."""
    if not isinstance(items, list):
        raise Invalid("action_items must be a list.", fields={"action_items": ["Must be a list."]})
    return [_action_item(index, item) for index, item in enumerate(items)]


def _action_item(index: int, item) -> dict:
    field = "action_items"
    if not isinstance(item, dict):
        raise Invalid(f"action item {index + 1} must be an object.", fields={field: [f"{index + 1}: not an object."]})
    description = text(item.get("description", ""), field, limit=2000)
    owner = user(item.get("owner"), field).get_username()
    try:
        due = dt.date.fromisoformat(str(item.get("due_date", "")))
    except ValueError as exc:
        raise Invalid(
            f"action item {index + 1}: due_date must be YYYY-MM-DD.", fields={field: [f"{index + 1}: bad due_date."]}
        ) from exc
    return {"description": description, "owner": owner, "due_date": due.isoformat()}


def boolean(value, field: str) -> bool:
    if not isinstance(value, bool):
        raise Invalid(f"{field} must be true or false.", fields={field: ["Not a boolean."]})
    return value


def duration(value, field: str) -> dt.timedelta | None:
    if value is not None and not isinstance(value, dt.timedelta):
        raise Invalid(f"{field} must be a duration.", fields={field: ["Not a duration (HH:MM:SS)."]})
    return value
