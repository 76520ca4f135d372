"""PostgreSQL fast path for verification: the database renders each hashed column as text.

Verifying millions of rows is dominated by per-row Python work (datetime objects,
`normalize`, `json.dumps` of a dict). Here PostgreSQL formats timestamps, decimals, dates
and UUIDs as their canonical text in C, and Python only concatenates JSON-escaped strings
in sorted key order. The bytes are identical to `canonical.dumps(row.canonical_content())`
(tested in audit/tests/test_fastpath.py); a model with a field type not listed here falls
back to the generic path in `chain.py`.
"""

import json
from collections.abc import Callable
from json.encoder import encode_basestring

from django.db import models

from .canonical import dumps, normalize

Encoder = Callable[[object], str]
# A plan: for each hashed key in sorted order, (key, SQL expression, encoder).
Plan = list[tuple[str, str, Encoder]]

UTC_TEXT = """to_char({col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')"""


def _text(value) -> str:
    return "null" if value is None else encode_basestring(value)


def _int(value) -> str:
    return "null" if value is None else str(value)


def _bool(value) -> str:
    return "null" if value is None else ("true" if value else "false")


def _json(value) -> str:
    if value is None:
        return "null"
    if value == "{}":
        return "{}"
    return dumps(normalize(json.loads(value))).decode()


def _column(field: models.Field) -> tuple[str, Encoder] | None:
    """The SQL expression and encoder of one concrete field, or None if it has no fast form."""
    col = f'"{field.column}"'
    if isinstance(field, models.ForeignKey):
        target = _column(field.target_field)
        return (col, target[1]) if target else None
    if isinstance(field, models.BooleanField):
        return col, _bool
    if isinstance(field, (models.IntegerField, models.AutoField)):
        return col, _int
    if isinstance(field, models.DateTimeField):
        return UTC_TEXT.format(col=col), _text
    if isinstance(field, (models.DecimalField, models.DateField, models.UUIDField)):
        return f"{col}::text", _text
    if isinstance(field, models.JSONField):
        return f"{col}::text", _json
    if isinstance(field, models.GenericIPAddressField):
        return f"host({col})", _text  # inet::text would append the prefix length ("/32")
    if isinstance(field, (models.CharField, models.TextField)):
        return col, _text
    return None


def plan(model) -> Plan | None:
    """How to fetch and encode a model's hashed content, or None if a field has no fast form."""
    result = []
    for key in sorted(("chain", "seq", *model.HASH_FIELDS)):
        column = _column(model._meta.get_field(key))
        if column is None:
            return None
        result.append((key, *column))
    return result


def select_sql(model, steps: Plan, batch: int) -> str:
    exprs = ", ".join(expr for _, expr, _ in steps)
    return (
        f'SELECT id, seq, prev_hash, hash, {exprs} FROM "{model._meta.db_table}" '
        f"WHERE chain = %s AND seq > %s ORDER BY seq LIMIT {int(batch)}"
    )


def row_encoder(steps: Plan) -> Callable[[tuple], bytes]:
    """A function from the selected hashed columns to the canonical bytes."""
    prefixes = [f'"{key}":' for key, _, _ in steps]
    prefixes[0] = "{" + prefixes[0]
    prefixes[1:] = ["," + p for p in prefixes[1:]]
    encoders = [encoder for _, _, encoder in steps]
    pairs = list(zip(prefixes, encoders, strict=True))

    def encode(values: tuple) -> bytes:
        return ("".join([p + e(v) for (p, e), v in zip(pairs, values, strict=True)]) + "}").encode()

    return encode
