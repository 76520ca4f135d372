"""The base of every serializer that reads a request body: strict about what it accepts.

DRF silently drops keys a serializer does not know (a PUT of a post-mortem with misspelt
keys wiped its root cause), reads an Arabic-Indic five as 5 and lets an impossible moment through to a
timezone conversion that fails as a 500. Input serializers inherit `StrictSerializer` (or
`StrictModelSerializer`) so that each of these is a 400 naming the field. Read-only fields
are known: a body read from GET can be sent back.
"""

import re
from collections.abc import Mapping
from decimal import Decimal

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers

from .dates import parse_moment

ASCII_INTEGER = re.compile(r"\s*[+-]?\d+(\.0*)?\s*", re.ASCII)
ASCII_DECIMAL = re.compile(r"\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*", re.ASCII)
NUMBER_MESSAGE = "Use a number written with the ASCII digits 0-9, e.g. 1234.5."


def _raw_problem(field: serializers.Field, value) -> str | None:
    """What is wrong with a raw value that DRF would accept or crash on, or None."""
    if isinstance(field, serializers.ListField) and isinstance(value, list):
        return next(filter(None, (_raw_problem(field.child, item) for item in value)), None)
    if isinstance(field, serializers.DictField) and isinstance(value, Mapping):
        return next(filter(None, (_raw_problem(field.child, item) for item in value.values())), None)
    if not isinstance(value, str):
        return None
    if isinstance(field, serializers.IntegerField) and not ASCII_INTEGER.fullmatch(value):
        return NUMBER_MESSAGE
    if isinstance(field, (serializers.DecimalField, serializers.FloatField)) and not ASCII_DECIMAL.fullmatch(value):
        return NUMBER_MESSAGE
    if isinstance(field, serializers.DateTimeField) and value.strip():
        try:
            parse_moment(value)
        except ValueError as exc:
            return str(exc)
    return None


# Refuses unknown keys, non-ASCII numbers and impossible moments, each named, before DRF reads the body.
# (Comments, not docstrings: the OpenAPI schema would show them as every request body's description.)
class StrictInputMixin:
    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            fields = self.fields
            errors = {}
            unknown = sorted(set(data) - set(fields))
            if unknown:
                accepted = ", ".join(name for name, field in fields.items() if not field.read_only)
                errors = {name: [f"Unknown field; this body accepts: {accepted or 'nothing'}."] for name in unknown}
            for name, field in fields.items():
                problem = None if field.read_only or name not in data else _raw_problem(field, data[name])
                if problem:
                    errors[name] = [problem]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


class StrictSerializer(StrictInputMixin, serializers.Serializer):
    pass


class StrictModelSerializer(StrictInputMixin, serializers.ModelSerializer):
    pass


class PositiveDecimalField(serializers.DecimalField):
    """A price, size or value that must be above zero: refused here, named, and stated so in the schema."""

    def __init__(self, *, max_digits: int, decimal_places: int, **kwargs):
        kwargs.setdefault("min_value", Decimal(1).scaleb(-decimal_places))
        super().__init__(max_digits=max_digits, decimal_places=decimal_places, **kwargs)


class PositiveDecimalFieldSchema(OpenApiSerializerFieldExtension):
    """`1`, `0.5`, `71000.25`: a whole part without a sign, or a fraction ending in a non-zero digit."""

    target_class = PositiveDecimalField

    def map_serializer_field(self, auto_schema, direction) -> dict:
        whole, places = self.target.max_digits - self.target.decimal_places, self.target.decimal_places
        pattern = rf"^([1-9][0-9]{{0,{whole - 1}}}(\.[0-9]{{1,{places}}})?|0?\.[0-9]{{0,{places - 1}}}[1-9])$"
        return {"type": "string", "format": "decimal", "pattern": pattern}
