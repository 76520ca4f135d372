"""The one CSV export: `?format=csv` lists and streamed exports, every cell safe to open in a spreadsheet.

A text cell starting with `=`, `+`, `-`, `@`, tab or CR would be run as a formula by Excel or
LibreOffice (`=cmd|' /C calc'!A0`, `=HYPERLINK(…)`); it is written with a leading `'`, as OWASP
advises for CSV injection. A value typed as a number (int, float, Decimal, or a field its
serializer declares numeric) cannot be a formula and is written as it is, so `-120.50` stays a number.
"""

import csv
import json
from collections.abc import Iterable, Iterator
from decimal import Decimal, InvalidOperation

from rest_framework import serializers
from rest_framework.renderers import BaseRenderer

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
NUMERIC_FIELDS = (serializers.IntegerField, serializers.FloatField, serializers.DecimalField)


def cell(value: object) -> object:
    """One value as a CSV cell: numbers as they are, None empty, containers as JSON, formulas defused."""
    if value is None:
        return ""
    if isinstance(value, (int, float, Decimal)):  # bool is an int: True/False, never a formula
        return value
    text = json.dumps(value, ensure_ascii=False, default=str) if isinstance(value, (dict, list)) else str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


def _number(text: object) -> object:
    """A numeric field DRF wrote as a string (COERCE_DECIMAL_TO_STRING) back to its Decimal."""
    if not isinstance(text, str):
        return text
    try:
        return Decimal(text)
    except InvalidOperation:
        return text


class _Echo:
    """A file whose write() hands the line back, so csv.writer produces lines instead of storing them."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: Iterable[str], rows: Iterable[Iterable]) -> Iterator[str]:
    """The header, then one CSV line per row, every cell through `cell()`: for streamed exports."""
    writer = csv.writer(_Echo())
    yield writer.writerow(list(header))
    for row in rows:
        yield writer.writerow([cell(value) for value in row])


def _rows(data) -> list:
    """The rows of a list, of a page ({"results": [...]}), or of one object (an error body is one row)."""
    if isinstance(data, dict):
        return data.get("results", [data])
    return [] if data is None else data


def _declared_columns(rows) -> tuple[list[str], frozenset[str]]:
    """(every column, the numeric ones) as the serializer behind `rows` declares them; empty when none."""
    serializer = getattr(rows, "serializer", None)
    fields = getattr(getattr(serializer, "child", serializer), "fields", None) or {}
    numeric = frozenset(name for name, field in fields.items() if isinstance(field, NUMERIC_FIELDS))
    return list(fields), numeric


class CSVRenderer(BaseRenderer):
    """`?format=csv` for a list view: rows of flat dicts (or a serializer's data), one header line.

    An empty list still has its header when the serializer or the view (`csv_columns`) declares one.
    Streaming views negotiate with it too and return their own StreamingHttpResponse (`csv_lines`).
    """

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        rows = _rows(data)
        declared, numeric = _declared_columns(rows)
        view = (renderer_context or {}).get("view")
        columns = list(rows[0]) if rows else declared or list(getattr(view, "csv_columns", ()))
        if not columns:
            return b""
        body = ([_number(row.get(name)) if name in numeric else row.get(name) for name in columns] for row in rows)
        return "".join(csv_lines(columns, body)).encode(self.charset)
