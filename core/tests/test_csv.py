"""core.csv: the one CSV writer; text that a spreadsheet would run is defused, numbers stay numbers."""

import csv
import io
from decimal import Decimal

import pytest
from rest_framework import serializers

from core.csv import CSVRenderer, cell, csv_lines


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1+1", "@A1", "\t=1", "\r=1", "-120.50"])
def test_text_starting_like_a_formula_gets_a_quote(text):
    assert cell(text) == f"'{text}"


@pytest.mark.parametrize("value", [Decimal("-120.50"), -3, -0.5, True])
def test_numbers_are_written_as_they_are(value):
    assert cell(value) is value


def test_empty_plain_and_nested_values():
    assert (cell(None), cell("GOLD_MINI"), cell(["=x"]), cell({"a": 1})) == ("", "GOLD_MINI", '["=x"]', '{"a": 1}')


def test_streamed_lines_defuse_every_cell():
    lines = list(csv_lines(["name", "pnl"], [("=cmd", Decimal("-1.5")), (None, 2)]))
    assert lines == ["name,pnl\r\n", "'=cmd,-1.5\r\n", ",2\r\n"]


class Row(serializers.Serializer):
    name = serializers.CharField()
    pnl = serializers.DecimalField(max_digits=12, decimal_places=2)


def _read(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode(), newline="")))


def test_the_renderer_keeps_declared_numbers_and_defuses_text():
    data = Row([{"name": "-x", "pnl": Decimal("-120.50")}], many=True).data
    assert data[0]["pnl"] == "-120.50"  # DRF writes decimals as strings: the declaration says it is a number
    assert _read(CSVRenderer().render(data)) == [["name", "pnl"], ["'-x", "-120.50"]]


def test_an_empty_list_has_its_declared_header_and_an_error_is_one_row():
    assert _read(CSVRenderer().render(Row([], many=True).data)) == [["name", "pnl"]]
    assert CSVRenderer().render([]) == b""
    error = {"error": "invalid", "detail": "=bad", "fields": {}}
    assert _read(CSVRenderer().render(error)) == [["error", "detail", "fields"], ["invalid", "'=bad", "{}"]]


def test_a_view_declares_the_header_of_an_empty_export():
    class View:
        csv_columns = ("id", "title")

    assert _read(CSVRenderer().render([], renderer_context={"view": View()})) == [["id", "title"]]
