"""Reading a broker statement: a CSV file checked whole before anything is stored.

The column mapping (docs/recon.md): a header row naming, in any order, `instrument` (or
`symbol`), `direction` (or `side`; LONG/SHORT, BUY/SELL), `quantity` (or `qty`, `lots`) and
`average_price` (or `avg_price`, `price`); other columns are ignored. Every problem of every
line is collected and the statement is refused with each line and field named: a statement
is taken whole or not at all.
"""

import csv
import hashlib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings

from book.models import Instrument
from core.errors import Invalid

COLUMNS = {
    "instrument": ("instrument", "symbol"),
    "direction": ("direction", "side"),
    "quantity": ("quantity", "qty", "lots"),
    "average_price": ("average_price", "avg_price", "price"),
}
SIDES = {"LONG": "LONG", "BUY": "LONG", "SHORT": "SHORT", "SELL": "SHORT"}
# (decimal places, digits before the point) of the book's columns: size and entry price.
PRECISION = {"quantity": (4, 12), "average_price": (6, 14)}
MAX_PROBLEMS = 50  # enough to fix a file in one go; a wholly wrong file says so in its first lines


@dataclass(frozen=True)
class Line:
    number: int
    instrument: str
    direction: str
    quantity: Decimal
    average_price: Decimal

    def as_json(self) -> list:
        return [self.number, self.instrument, self.direction, str(self.quantity), str(self.average_price)]


def digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def check_size(size: int) -> None:
    """Refuse a file over RECON_STATEMENT_MAX_BYTES: callers that can, ask before reading it."""
    limit = settings.RECON_STATEMENT_MAX_BYTES
    if size > limit:
        raise Invalid(
            f"The statement is {size:,} bytes; the limit is {limit:,} (RECON_STATEMENT_MAX_BYTES). "
            "Split it or ask Ops to raise the limit.",
            fields={"file": [f"Larger than {limit:,} bytes."]},
        )


def parse(content: bytes) -> list[Line]:
    """The statement's lines, or `Invalid` naming every bad line and field (nothing is stored either way)."""
    check_size(len(content))
    rows = csv.reader(_text(content).splitlines())
    problems: dict[str, list[str]] = {}
    try:
        header = _header(next(rows, None))
        lines = _lines(rows, header, problems)
    except csv.Error as exc:
        raise Invalid(f"Line {rows.line_num}: {exc}.", fields={f"line {rows.line_num}.file": [str(exc)]}) from None
    if problems:
        first = "; ".join(f"{where}: {message[0]}" for where, message in list(problems.items())[:5])
        raise Invalid(
            f"The statement was refused whole ({len(problems)} problem(s); nothing was imported). {first}",
            fields=problems,
        )
    return lines


def _text(content: bytes) -> str:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        start = content.rfind(b"\n", 0, exc.start) + 1
        column = content[start : exc.start].count(b",") + 1
        where = f"line {line}.column {column}"
        raise Invalid(
            f"Line {line}, column {column}: byte 0x{content[exc.start]:02x} is not UTF-8. "
            "Export the statement as UTF-8 CSV.",
            fields={where: ["Not UTF-8 text."]},
        ) from None
    if "\x00" in text:  # no database column can hold it, and csv refuses it mid-file
        line = text[: text.index("\x00")].count("\n") + 1
        raise Invalid(
            f"Line {line} contains a NUL byte: not a CSV text file.", fields={f"line {line}.file": ["NUL byte."]}
        )
    return text


def _header(row: list[str] | None) -> dict[str, int]:
    names = [name.strip().lower() for name in row or []]
    found, missing = {}, []
    for column, aliases in COLUMNS.items():
        index = next((names.index(a) for a in aliases if a in names), None)
        if index is None:
            missing.append(f"{column} (or {', '.join(aliases[1:])})")
        else:
            found[column] = index
    if missing:
        raise Invalid(
            f"Line 1 must be a header naming the columns; missing: {'; '.join(missing)}.",
            fields={"line 1.header": [f"Missing: {', '.join(m.split()[0] for m in missing)}."]},
        )
    return found


def _lines(rows, header: dict[str, int], problems: dict) -> list[Line]:
    known = set(Instrument.objects.values_list("symbol", flat=True))
    seen: dict[str, int] = {}
    lines = []
    for row in rows:
        number = rows.line_num
        if not any(cell.strip() for cell in row):
            continue  # a blank line says nothing
        if len(problems) >= MAX_PROBLEMS:
            break
        line = _line(number, row, header, known, problems)
        if line is None:
            continue
        if line.instrument in seen:
            where = f"line {number}.instrument"
            problems[where] = [f"Duplicate row: {line.instrument} is already on line {seen[line.instrument]}."]
            continue
        seen[line.instrument] = number
        lines.append(line)
    return lines


def _line(number: int, row: list[str], header: dict[str, int], known: set, problems: dict) -> Line | None:
    def cell(column: str) -> str:
        index = header[column]
        return row[index].strip() if index < len(row) else ""

    def problem(column: str, message: str) -> None:
        problems[f"line {number}.{column}"] = [message]

    instrument = cell("instrument").upper()
    if instrument not in known:
        problem("instrument", f"Unknown instrument {instrument[:40]!r}." if instrument else "Missing instrument.")
    direction = SIDES.get(cell("direction").upper())
    if direction is None:
        problem("direction", f"Unknown direction {cell('direction')[:20]!r}; use LONG/SHORT or BUY/SELL.")
    quantity = _number(cell("quantity"), "quantity", problem)
    price = _number(cell("average_price"), "average_price", problem)
    if f"line {number}.instrument" in problems or None in (direction, quantity, price):
        return None
    return Line(number, instrument, direction, quantity, price)


def _number(text: str, column: str, problem) -> Decimal | None:
    try:
        value = Decimal(text)
    except InvalidOperation:
        problem(column, f"{text[:40]!r} is not a number." if text else "Missing value.")
        return None
    places, before = PRECISION[column]
    if not value.is_finite():
        problem(column, "Must be a finite number.")
    elif value < 0:
        problem(
            column, f"Negative {column.replace('_', ' ')} {value}: the statement gives sizes, the side gives the sign."
        )
    elif value == 0:
        problem(column, f"A {column.replace('_', ' ')} of 0: leave a flat position out of the statement.")
    elif value.adjusted() >= before or value != value.quantize(Decimal(1).scaleb(-places)):
        problem(column, f"{value} has too many digits: at most {before} before and {places} after the point.")
    else:
        return value
    return None
