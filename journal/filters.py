"""The journal's list filters, one form for the REST list and the browser timeline.

A malformed value is a 400 naming the parameter (API) or a form error (browser).
"""

import datetime as dt

from django import forms

from core.dates import parse_datetime_strict
from core.errors import Invalid
from core.filters import ALWAYS_ALLOWED

from .models import EntryType
from .selectors import LINK_FILTERS


class DateOrDateTimeField(forms.Field):
    """ISO 8601 date or datetime; a bare date means the start (or, for `until`, the end) of that day."""

    def __init__(self, *, end_of_day: bool = False, **kwargs):
        self.end_of_day = end_of_day
        super().__init__(**kwargs)

    def to_python(self, value) -> dt.datetime | None:
        value = (value or "").strip()
        if not value:
            return None
        try:
            return parse_datetime_strict(value, end_of_day=self.end_of_day)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc


class JournalFilterForm(forms.Form):
    entry_type = forms.ChoiceField(choices=[("", "Any type"), *EntryType.choices], required=False)
    author = forms.CharField(max_length=150, required=False)
    tag = forms.CharField(max_length=50, required=False)
    related_position_id = forms.CharField(max_length=64, required=False)
    related_incident_id = forms.CharField(max_length=64, required=False)
    related_approval_id = forms.CharField(max_length=64, required=False)
    since = DateOrDateTimeField(required=False)
    until = DateOrDateTimeField(required=False, end_of_day=True)
    q = forms.CharField(max_length=200, required=False, label="Search")
    versions = forms.ChoiceField(
        choices=[("latest", "Newest versions"), ("all", "Every version")],
        required=False,
        help_text="latest (default): amended entries appear once, as their newest version.",
    )

    def clean_tag(self) -> str:
        return self.cleaned_data["tag"].strip().lower()

    def clean(self) -> dict:
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", "until is before since.")
        return data

    def selector_kwargs(self) -> dict:
        """Keyword arguments for `selectors.entry_list` (call after is_valid)."""
        data = self.cleaned_data
        links = {kind: data[field].strip() for kind, field in LINK_FILTERS.items() if data.get(field, "").strip()}
        return {
            "entry_type": data.get("entry_type") or None,
            "author": data.get("author", "").strip() or None,
            "tag": data.get("tag") or None,
            "links": links,
            "since": data.get("since"),
            "until": data.get("until"),
            "q": data.get("q", "").strip() or None,
            "all_versions": data.get("versions") == "all",
        }


def api_filters(params) -> dict:
    """Validate query parameters for the REST list; raise Invalid naming each bad one."""
    unknown = sorted(set(params) - set(JournalFilterForm.base_fields) - ALWAYS_ALLOWED)
    if unknown:
        known = ", ".join(JournalFilterForm.base_fields)
        raise Invalid(
            f"Unknown query parameter: {', '.join(unknown)}.",
            fields={name: [f"Unknown query parameter; this list accepts: {known}."] for name in unknown},
            code="unknown_parameter",
        )
    form = JournalFilterForm(params)
    if not form.is_valid():
        fields = {name: list(errors) for name, errors in form.errors.items()}
        names = ", ".join(fields)
        raise Invalid(f"Malformed filter parameter: {names}.", fields=fields, code="invalid_filter")
    return form.selector_kwargs()
