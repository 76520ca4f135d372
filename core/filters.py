"""The default filter backend: django-filter, strict about unknown query parameters.

A typo in a filter name must not silently return the whole table: every query parameter
a list does not know is a 400 naming it. Malformed values are a 400 too (django-filter).
"""

import datetime as dt

import django_filters
from django import forms
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError

from .dates import parse_datetime_strict

# Parameters every view understands: pagination and the renderer choice.
ALWAYS_ALLOWED = frozenset({"cursor", "page_size", "format"})


def _filter_param_names(filterset) -> set[str]:
    """Names a filterset reads, including the suffixed ones of range widgets (`x_after`)."""
    names = set()
    for name, field in filterset.form.fields.items():
        suffixes = getattr(field.widget, "suffixes", None)
        names |= {f"{name}_{s}" if s else name for s in suffixes} if suffixes else {name}
    return names


class MomentField(forms.Field):
    """An ISO 8601 moment (a bare date: midnight) within the years `core.dates` accepts."""

    def to_python(self, value) -> dt.datetime | None:
        if value in (None, ""):
            return None
        try:
            return parse_datetime_strict(value)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc


class MomentFilter(django_filters.IsoDateTimeFilter):
    """Use instead of IsoDateTimeFilter: an impossible date, offset or year is a 400, never a 500."""

    field_class = MomentField


class StrictFilterBackend(DjangoFilterBackend):
    """Views may accept more parameters by listing them in `extra_query_params`."""

    def filter_queryset(self, request, queryset, view):
        allowed = set(ALWAYS_ALLOWED) | set(getattr(view, "extra_query_params", ()))
        filterset = self.get_filterset(request, queryset, view)
        if filterset is not None:
            allowed |= _filter_param_names(filterset)
        unknown = sorted(set(request.query_params) - allowed)
        if unknown:
            known = ", ".join(sorted(allowed - ALWAYS_ALLOWED)) or "none"
            error = ValidationError(
                {name: [f"Unknown query parameter; this list accepts: {known}."] for name in unknown}
            )
            error.pms_code = "unknown_parameter"
            raise error
        if filterset is not None:
            _refuse_non_ascii_numbers(filterset)
        return super().filter_queryset(request, queryset, view)


NUMERIC_FIELDS = (forms.IntegerField, forms.DecimalField, forms.FloatField, forms.ModelChoiceField)


def _refuse_non_ascii_numbers(filterset) -> None:
    """An Arabic-Indic five in `?backup=` would match backup 5 (int() reads any Unicode digit): ASCII only."""
    bad = {
        name: ["Use a number written with the ASCII digits 0-9."]
        for name, field in filterset.form.fields.items()
        if isinstance(field, NUMERIC_FIELDS) and not str(filterset.data.get(name, "")).isascii()
    }
    if bad:
        raise ValidationError(bad)
