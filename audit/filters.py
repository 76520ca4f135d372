"""Query parameters of the audit event list: validated, unknown ones refused.

A typo in a filter (`?actr=audrey`) must not silently return the whole trail, so any
parameter not listed here is a 400 that names it.
"""

from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from core.serializers import StrictSerializer

# Parameters that are not filters but are understood by the list view.
CONTROL_PARAMS = {"cursor", "page_size", "format"}


class EventFilters(StrictSerializer):
    actor = serializers.CharField(required=False, max_length=150, help_text="Exact username, or system:<name>.")
    action = serializers.CharField(
        required=False, max_length=100, help_text="Prefix of the dotted action: `book` or `book.position.`."
    )
    subject_type = serializers.CharField(required=False, max_length=50)
    subject_id = serializers.CharField(required=False, max_length=64)
    since = serializers.DateTimeField(required=False, help_text="ISO 8601; events at or after this instant.")
    until = serializers.DateTimeField(required=False, help_text="ISO 8601; events before this instant.")

    def validate(self, attrs: dict) -> dict:
        if "since" in attrs and "until" in attrs and attrs["since"] > attrs["until"]:
            raise ValidationError({"until": ["`until` is before `since`."]})
        return attrs


def _check_page_size(value: str | None, maximum: int) -> None:
    if value is None:
        return
    if not value.isdigit() or not 1 <= int(value) <= maximum:
        raise ValidationError({"page_size": [f"A whole number from 1 to {maximum}."]})


def refuse_unknown(query_params, allowed: set[str]) -> None:
    unknown = sorted(set(query_params) - allowed)
    if unknown:
        raise ValidationError(
            {name: [f"Unknown parameter; use one of: {', '.join(sorted(allowed))}."] for name in unknown}
        )


def event_filters(query_params, max_page_size: int) -> dict:
    """The validated filters of a request, or a ValidationError naming every bad parameter."""
    refuse_unknown(query_params, set(EventFilters().fields) | CONTROL_PARAMS)
    _check_page_size(query_params.get("page_size"), max_page_size)
    serializer = EventFilters(data={key: query_params.get(key) for key in query_params if key not in CONTROL_PARAMS})
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
