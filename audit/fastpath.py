"""PostgreSQL fast path for verification: the database renders the canonical text of each row and hashes it.

Verifying millions of rows is dominated by per-row Python work (fetching, datetime objects,
`normalize`, `json.dumps` of a dict, one call per field). Here PostgreSQL renders every
hashed column as its canonical JSON value, in C, and joins them in sorted key order:
timestamps, decimals, dates, UUIDs and IP addresses as quoted canonical text, strings through
`to_json` (whose escaping is `json.dumps`'s with `ensure_ascii=False`: `\\" \\\\ \\b \\f \\n \\r
\\t`, other control characters as `\\u00xx`). A JSON column is canonicalized in SQL when it is
`{}` or an object of scalar members (keys re-sorted by code point: jsonb's own text orders
them by length; integers only, since a non-integer number is a float to `normalize`);
anything else (nested values) makes the row's SQL hash NULL and Python canonicalizes it.

The database then checks every row of a batch itself: sha256(prev_hash || text) against the
stored hash, and seq and prev_hash against the row before (window `lag`). Only the rows Python
must look at come back: the batch's first and last, a row whose JSON needed Python, and a row
that fails a check (`select_sql`). The bytes are identical to
`canonical.dumps(row.canonical_content())` (tested in audit/tests/test_fastpath.py); a model with
a field type not listed here falls back to the generic path in `chain.py`.
"""

import json
from collections.abc import Callable

from django.db import models

from .canonical import dumps

# A plan: the SELECT's text segments, each either rendered (None) or a JSON column's text, which
# Python canonicalizes when the database could not (the column's SQL name).
Plan = list[tuple[str, str | None]]

# Rows per query: the plan's estimated cost stays under PostgreSQL's jit_above_cost, whose compilation of
# these expressions costs more than it saves (measured: 50,000 rows a query, about 5% more CPU).
BATCH = 10_000

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
            result += [(" || ".join(pieces), None), (f'"{field.column}"::text', f'"{field.column}"')]
            pieces = []
            continue
        value = _value(field)
        if value is None:
            return None
        pieces.append(f"COALESCE({value}, 'null')")
    pieces.append("'}'")
    return [*result, (" || ".join(pieces), None)]


# jsonb's text of an object with one scalar member and a plain key: `{"key": value}`. Its canonical form
# drops the space after the key's closing quote, which is the first `": ` since the key has no quote.
ONE_MEMBER = r"""^\{"[^"\\]*": ("(?:[^"\\]|\\.)*"|-?\d+|true|false|null)\}$"""


def json_sql(col: str) -> str:
    """SQL of a jsonb column's canonical text when it is null, `{}` or an object of scalars; NULL otherwise.

    jsonb escapes strings as `to_json` does and prints integers as Python does; keys are re-sorted
    by code point (`COLLATE "C"` compares UTF-8 bytes). Nested values and non-integer numbers are left
    to Python (NULL), which reads them as `normalize` does.
    """
    return (
        f"CASE WHEN {col} IS NULL THEN 'null' WHEN {col} = '{{}}' THEN '{{}}'"
        f" WHEN {col}::text ~ '{ONE_MEMBER}'"
        f" THEN overlay({col}::text PLACING '\":' FROM strpos({col}::text, '\": ') FOR 3)"
        " ELSE (SELECT '{' || string_agg(to_json(e.key)::text || ':' || e.value::text, ','"
        ' ORDER BY e.key COLLATE "C")'
        f" || '}}' FROM jsonb_each(CASE WHEN jsonb_typeof({col}) = 'object' THEN {col} END) AS e"
        r" HAVING bool_and(e.value::text !~ '^(\[|\{|-?[0-9]+\.)')) END"
    )


def text_sql(steps: Plan) -> str:
    """SQL of a row's whole canonical text; NULL if a JSON column's is left to Python."""
    return " || ".join(expr if column is None else json_sql(column) for expr, column in steps)


def select_sql(model, steps: Plan, batch: int | None = None) -> str:
    """The rows Python must see among those of one chain with seq in (%s, %s] (at most `batch`), in seq order.

    Each is (id, seq, prev_hash, hash, lag_seq, lag_hash, computed, *segments): the previous row's seq and
    hash (NULL for the batch's first row) and the hash the database computed (NULL if Python must). A row
    not returned has the next seq after the row before, links to its hash, and hashes to its stored hash.
    """
    segments = ", ".join(expr for expr, _ in steps)
    limit = f" LIMIT {int(batch)}" if batch else ""
    return (
        f"SELECT id, seq, prev_hash, hash, lag_seq, lag_hash, computed, {segments} FROM ("
        "SELECT r.*, lag(seq) OVER w AS lag_seq, lag(hash) OVER w AS lag_hash, lead(seq) OVER w AS next_seq,"
        f" encode(sha256(convert_to(prev_hash || {text_sql(steps)}, 'UTF8')), 'hex') AS computed FROM ("
        f'SELECT * FROM "{model._meta.db_table}" WHERE chain = %s AND seq > %s AND seq <= %s ORDER BY seq{limit}'
        ") AS r WINDOW w AS (ORDER BY seq)) AS s WHERE lag_seq IS NULL OR next_seq IS NULL OR computed IS NULL"
        # IS DISTINCT FROM: a hash or prev_hash a superuser set to NULL is a failing row, not an unknown one
        " OR computed IS DISTINCT FROM hash OR seq IS DISTINCT FROM lag_seq + 1 OR prev_hash IS DISTINCT FROM lag_hash"
        " ORDER BY seq"
    )


def row_encoder(steps: Plan) -> Callable[[tuple], bytes]:
    """A function from the selected segments to the canonical bytes."""
    json_at = [n for n, (_, column) in enumerate(steps) if column]
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
