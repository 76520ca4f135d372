"""PostgreSQL fast path for verification: the database renders the canonical text of each row.

Verifying millions of rows is dominated by per-row Python work (datetime objects,
`normalize`, `json.dumps` of a dict, one call per field). Here PostgreSQL renders every
hashed column but JSON ones as its canonical JSON value, in C, and joins them in sorted key
order into a few text segments: timestamps, decimals, dates, UUIDs and IP addresses as
quoted canonical text, strings through `to_json` (whose escaping is `json.dumps`'s with
`ensure_ascii=False`: `\\" \\\\ \\b \\f \\n \\r \\t`, other control characters as `\\u00xx`).
Python only canonicalizes JSON columns (sorted keys; jsonb's own text orders keys by length)
and joins. The bytes are identical to `canonical.dumps(row.canonical_content())` (tested in
audit/tests/test_fastpath.py); a model with a field type not listed here falls back to the
generic path in `chain.py`.
"""

import json
from collections.abc import Callable

from django.db import models

from .canonical import dumps

# A plan: the SELECT's expressions after (id, seq, prev_hash, hash), each either a rendered text
# segment (False) or a JSON column's text, which Python canonicalizes (True).
Plan = list[tuple[str, bool]]

UTC_TEXT = """to_char({col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')"""


def _float_text(text: str) -> str:
    """`canonical.normalize` of a JSON float: its repr, without a signed zero."""
    return repr(float(text) + 0.0)


def json_text(value: str | None) -> str:
    """A JSON column's canonical text: what `dumps(normalize(json.loads(value)))` gives, without walking it twice."""
    if value is None:
        return "null"
    if value == "{}":
        return "{}"
    return dumps(json.loads(value, parse_float=_float_text)).decode()


def _quoted(sql: str) -> str:
    return f"""'"' || {sql} || '"'"""


def _value(field: models.Field, col: str = "") -> str | None:
    """SQL rendering one concrete field's canonical JSON value (NULL for null), or None if it has no fast form."""
    col = col or f'"{field.column}"'
    if isinstance(field, models.ForeignKey):  # hashed as the key it holds, typed as the key it points at
        return _value(field.target_field, col)
    if isinstance(field, (models.BooleanField, models.CharField, models.TextField)):
        return f"to_json({col})::text"  # GenericIPAddressField is not a CharField; UUIDs are below
    if isinstance(field, (models.IntegerField, models.AutoField)):
        return f"{col}::text"
    if isinstance(field, models.DateTimeField):
        return _quoted(UTC_TEXT.format(col=col))
    if isinstance(field, (models.DecimalField, models.DateField, models.UUIDField)):
        return _quoted(f"{col}::text")
    if isinstance(field, models.GenericIPAddressField):
        return _quoted(f"host({col})")  # inet::text would append the prefix length ("/32")
    return None


def plan(model) -> Plan | None:
    """How to fetch and join a model's canonical text, or None if a field has no fast form."""
    result: Plan = []
    pieces: list[str] = []  # SQL of the text segment being built
    for n, key in enumerate(sorted(("chain", "seq", *model.HASH_FIELDS))):
        field = model._meta.get_field(key)
        pieces.append("'" + ("{" if n == 0 else ",") + f'"{key}":' + "'")
        if isinstance(field, models.JSONField):
            result += [(" || ".join(pieces), False), (f'"{field.column}"::text', True)]
            pieces = []
            continue
        value = _value(field)
        if value is None:
            return None
        pieces.append(f"COALESCE({value}, 'null')")
    pieces.append("'}'")
    return [*result, (" || ".join(pieces), False)]


def select_sql(model, steps: Plan, batch: int | None = None) -> str:
    """Rows of one chain with seq in (%s, %s], in seq order (at most `batch` of them)."""
    exprs = ", ".join(expr for expr, _ in steps)
    limit = f" LIMIT {int(batch)}" if batch else ""
    return (
        f'SELECT id, seq, prev_hash, hash, {exprs} FROM "{model._meta.db_table}" '
        f"WHERE chain = %s AND seq > %s AND seq <= %s ORDER BY seq{limit}"
    )


def row_encoder(steps: Plan) -> Callable[[tuple], bytes]:
    """A function from the selected segments to the canonical bytes."""
    json_at = [n for n, (_, is_json) in enumerate(steps) if is_json]
    if json_at == [1] and len(steps) == 3:  # one JSON column, as audit events have: the common case, inlined

        def encode_one(values: tuple) -> bytes:
            return (values[0] + json_text(values[1]) + values[2]).encode()

        return encode_one

    def encode(values: tuple) -> bytes:
        parts = list(values)
        for n in json_at:
            parts[n] = json_text(parts[n])
        return "".join(parts).encode()

    return encode
