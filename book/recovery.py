"""Seed 002's recovery snapshot as JSON bytes: open positions plus the persisted portfolio state.

A trading process loads it on restart, so it must stay fast with many positions: on
PostgreSQL the database builds the positions' JSON itself (one query, no Python row
objects); elsewhere the same document is built in Python.
"""

import json
import time

from django.db import connection

from .models import Position
from .selectors import plain, portfolio_state

FIELDS = (
    "id",
    "instrument",
    "direction",
    "size",
    "entry_price",
    "stop_price",
    "opened_at",
    "current_price",
    "unrealized_pnl",
)

PG_POSITIONS = """
SELECT COALESCE(json_agg(json_build_object(
  'id', p.id, 'instrument', i.symbol, 'direction', p.direction, 'size', p.size::text,
  'entry_price', p.entry_price::text, 'stop_price', p.stop_price::text,
  'opened_at', to_char(p.opened_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
  'current_price', p.current_price::text, 'unrealized_pnl', p.unrealized_pnl::text) ORDER BY p.id), '[]')::text
FROM book_position p JOIN book_instrument i ON i.id = p.instrument_id
WHERE p.status = 'OPEN'
"""


def _positions_json() -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(PG_POSITIONS)
            return cursor.fetchone()[0]
    columns = ("id", "instrument__symbol", *FIELDS[2:])
    rows = Position.objects.open().order_by("pk").values_list(*columns)
    return json.dumps([dict(zip(FIELDS, map(plain, row), strict=True)) for row in rows.iterator(chunk_size=5000)])


def recovery_snapshot_json() -> bytes:
    """`{"positions": [...], "portfolio_state": {...}, "build_ms": N}` — build_ms measured here."""
    started = time.perf_counter()
    positions = _positions_json()
    state = json.dumps({key: plain(value) for key, value in portfolio_state().items()})
    build_ms = round((time.perf_counter() - started) * 1000, 3)
    return f'{{"positions":{positions},"portfolio_state":{state},"build_ms":{build_ms}}}'.encode()
