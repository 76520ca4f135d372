"""Reconciliation benchmark (PostgreSQL): a broker statement of 10,000 positions reconciled against a
book of 10,000 open positions, through the API, as of the statement's time. Target: under 5 s.

The book is generated fast: 10,000 instruments and one open position each, and each position's
`open` ledger entry (chained by the ordinary bulk_create path), so the as-of read is the real one.
1 % of the statement's lines differ in quantity and 1 % in price, so breaks are written too.
"""

import datetime as dt
import time
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from book.models import Instrument, LedgerEntry, LedgerKind, Position, PositionStatus
from recon.models import Break

POSITIONS = 10_000
OPENED = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
TARGET_SECONDS = 5.0


def _book() -> None:
    Instrument.objects.bulk_create(
        Instrument(symbol=f"SYM{i:05d}", name=f"Instrument {i}", currency="INR", point_value=1, margin_per_lot=1000)
        for i in range(POSITIONS)
    )
    instruments = Instrument.objects.order_by("pk").values_list("pk", flat=True)
    Position.objects.bulk_create(
        Position(
            instrument_id=pk,
            direction="LONG" if i % 2 == 0 else "SHORT",
            size=1 + i % 5,
            entry_price=1000 + i,
            opened_at=OPENED,
            opened_by="bench",
        )
        for i, pk in enumerate(instruments)
    )
    LedgerEntry.objects.bulk_create(
        LedgerEntry(kind=LedgerKind.OPEN, position_id=pk, recorded_at=OPENED, actor="bench", status=PositionStatus.OPEN)
        for pk in Position.objects.order_by("pk").values_list("pk", flat=True)
    )


def _statement() -> bytes:
    lines = ["instrument,direction,quantity,average_price"]
    for i in range(POSITIONS):
        size = 1 + i % 5 + (1 if i % 100 == 1 else 0)  # 1 % differ in quantity
        price = Decimal(1000 + i) * (Decimal("1.01") if i % 100 == 2 else 1)  # and 1 % in price, beyond 0.5 %
        lines.append(f"SYM{i:05d},{'LONG' if i % 2 == 0 else 'SHORT'},{size},{price}")
    return ("\n".join(lines) + "\n").encode()


def _client() -> APIClient:
    user = get_user_model().objects.create_user(username="bench-pm", password="x")  # noqa: S106 (bench only)
    user.groups.add(Group.objects.get(name="PM"))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def run() -> dict:
    _book()
    content, client = _statement(), _client()
    started = time.perf_counter()
    response = client.post("/api/v1/pms/recon/statements?as_of=2026-01-02T00:00:00Z", content, content_type="text/csv")
    seconds = time.perf_counter() - started
    assert response.status_code == 201, response.content[:500]
    body = response.json()
    assert (body["compared"], body["breaks_found"]) == (POSITIONS, 200), body
    assert Break.objects.count() == 200
    return {
        "book_positions": POSITIONS,
        "statement_lines": POSITIONS,
        "statement_bytes": len(content),
        "breaks": body["breaks_found"],
        "reconcile_seconds": round(seconds, 3),
        "target_seconds": TARGET_SECONDS,
        "within_target": seconds < TARGET_SECONDS,
    }
