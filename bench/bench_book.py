"""Book benchmarks (PostgreSQL): the recovery state with 10,000 open positions, propose + approve a
correction through the API, and the positions list `as_of` over a 1,000,000-entry ledger.

The data is generated fast: positions by `generate_series`, the ledger with its hash chain
computed here and loaded by COPY (triggers paused for the load only, on this throw-away
database), then the chain's tail is verified so the generated links are real ones.
"""

import datetime as dt
import random
import time

from celery import current_app
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from audit import chain
from audit.canonical import GENESIS, dumps, link_hash
from bench.harness import percentiles, timed
from book import services
from book.models import LedgerEntry, Position

POSITIONS = 10_000
ENTRIES_PER_POSITION = 100  # 1 open + 99 marks: 1,000,000 ledger entries
BASE = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
COLUMNS = (
    "chain",
    "seq",
    "prev_hash",
    "hash",
    "kind",
    "position_id",
    "recorded_at",
    "actor",
    "status",
    "price",
    "unrealized_pnl",
    "realized_pnl",
    "related",
)


def _client(username: str, role: str) -> APIClient:
    user = get_user_model().objects.create_user(username=username, password="x")  # noqa: S106 (bench only)
    user.groups.add(Group.objects.get(name=role))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client, user


def _positions(instrument_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO book_position (instrument_id, direction, size, entry_price, stop_price, opened_at,
                 opened_by, status, notes)
               SELECT %s, CASE WHEN i %% 2 = 0 THEN 'LONG' ELSE 'SHORT' END, 1 + i %% 5, 70000 + i %% 1000,
                 CASE WHEN i %% 2 = 0 THEN 69500 ELSE 71500 END + i %% 1000, %s + i * interval '1 second',
                 'bench', 'OPEN', ''
               FROM generate_series(1, %s) AS i""",
            [instrument_id, BASE, POSITIONS],
        )


def _state_row() -> None:
    """The persisted state, recomputed once from the generated rows (risk per position to the cent)."""
    from book.models import PortfolioState, starting_equity
    from book.selectors import risk_recomputed

    margin = sum(p.margin() for p in Position.objects.open().select_related("instrument"))
    PortfolioState.objects.update_or_create(
        pk=1,
        defaults={
            "closed_equity": starting_equity(),
            "total_risk_amount": risk_recomputed(),
            "margin_used": margin,
            "open_positions": POSITIONS,
            "updated_at": BASE,
        },
    )


def _ledger_rows(position_rows):
    """Yield COPY rows in chain order: every position's open, then 99 daily marks of all of them."""
    seq, prev = 0, GENESIS
    for day in range(ENTRIES_PER_POSITION):
        for pk, direction, size, entry, opened_at in position_rows:
            seq += 1
            kind = "open" if day == 0 else "mark"
            at = opened_at if day == 0 else BASE + dt.timedelta(days=day, milliseconds=pk % 86_400_000)
            price = None if day == 0 else entry + (day % 40) - 20
            pnl = None if price is None else ((price - entry) * size * 10 * (1 if direction == "LONG" else -1))
            content = {
                "chain": "book",
                "seq": seq,
                "kind": kind,
                "position": pk,
                "recorded_at": at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                "actor": "bench",
                "status": "OPEN",
                "price": None if price is None else f"{price:.6f}",
                "unrealized_pnl": None if pnl is None else f"{pnl:.2f}",
                "realized_pnl": None,
                "related": {},
            }
            digest = link_hash(prev, dumps(content))
            yield (
                "book",
                seq,
                prev,
                digest,
                kind,
                pk,
                at.isoformat(),
                "bench",
                "OPEN",
                content["price"],
                content["unrealized_pnl"],
                None,
                "{}",
            )
            prev = digest


def _ledger() -> int:
    rows = list(Position.objects.order_by("pk").values_list("pk", "direction", "size", "entry_price", "opened_at"))
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")  # the load only; bench database only
        with cursor.copy(f"COPY book_ledgerentry ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            for row in _ledger_rows(rows):
                copy.write_row(row)
        cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute("ANALYZE book_ledgerentry")
        cursor.execute("ANALYZE book_position")
    return LedgerEntry.objects.count()


def _verify_tail() -> bool:
    head_seq, _ = chain.head(LedgerEntry, "book")
    anchor = LedgerEntry.objects.get(chain="book", seq=head_seq - 1000)
    return chain.verify_chain(LedgerEntry, "book", after=(anchor.seq, anchor.hash)).ok


def _correction_round(pm: APIClient, approver: APIClient, position_id: int, split: dict) -> None:
    """One proposal and its approval (which executes the correction); each half's time kept in `split`."""
    body = {
        "position_id": position_id,
        "reason": "bench: wrong direction",
        "correct": {"instrument": "GOLD_MINI", "direction": "LONG", "size": 9, "entry_price": 70001},
    }
    started = time.perf_counter()
    proposed = pm.post("/api/v1/pms/book/corrections", body, format="json")
    assert proposed.status_code == 202, proposed.content
    halfway = time.perf_counter()
    approved = approver.post(f"/api/v1/approvals/{proposed.json()['approval_id']}/approve", {}, format="json")
    assert approved.json()["status"] == "executed", approved.content
    split["propose"].append((halfway - started) * 1000)
    split["approve"].append((time.perf_counter() - halfway) * 1000)


def run() -> dict:
    assert connection.vendor == "postgresql", "the book benchmarks run on PostgreSQL"
    pm, _ = _client("bench-pm", "PM")
    approver, _ = _client("bench-approver", "Approver")
    ops, ops_user = _client("bench-ops", "Ops")
    gold = services.instrument_create(
        actor=ops_user, symbol="GOLD_MINI", name="Gold mini", currency="INR", point_value=10, margin_per_lot=105000
    )
    _positions(gold.pk)
    _state_row()

    state = ops.get("/api/v1/pms/book/state")
    assert state.status_code == 200 and len(state.json()["positions"]) == POSITIONS
    state_ms = percentiles(timed(lambda: ops.get("/api/v1/pms/book/state"), 30))

    ledger_rows = _ledger()
    chain_ok = _verify_tail()
    end = BASE + dt.timedelta(days=ENTRIES_PER_POSITION)
    rng = random.Random(4)

    def as_of_page():
        moment = BASE + dt.timedelta(seconds=rng.randint(POSITIONS, int((end - BASE).total_seconds())))
        response = ops.get("/api/v1/pms/book/positions", {"as_of": moment.isoformat()})
        assert response.status_code == 200 and len(response.json()["results"]) == 50

    def as_of_open_page():
        moment = BASE + dt.timedelta(days=rng.randint(2, ENTRIES_PER_POSITION - 1))
        response = ops.get("/api/v1/pms/book/positions", {"as_of": moment.isoformat(), "status": "OPEN"})
        assert response.status_code == 200

    as_of_ms = percentiles(timed(as_of_page, 50))
    as_of_open_ms = percentiles(timed(as_of_open_page, 30))

    ids = iter(Position.objects.open().order_by("pk").values_list("pk", flat=True)[:200])
    split = {"propose": [], "approve": []}
    # As in production, a request publishes its outbox messages (the approvers' mail) to the broker and a
    # worker sends them; the test settings' eager Celery would mail inside the request being timed.
    eager, current_app.conf.task_always_eager = current_app.conf.task_always_eager, False
    try:
        correction_ms = percentiles(timed(lambda: _correction_round(pm, approver, next(ids), split), 100))
    finally:
        current_app.conf.task_always_eager = eager
        current_app.control.purge()  # nobody runs them: the bench's rows are thrown away
    return {
        "open_positions": POSITIONS,
        "ledger_entries": ledger_rows,
        "ledger_tail_verified": chain_ok,
        "state_10k_open": state_ms,
        "positions_as_of_1m_ledger": as_of_ms,
        "positions_as_of_status_open_1m_ledger": as_of_open_ms,
        "correction_propose_plus_approve_api": correction_ms,
        "correction_propose_api": percentiles(split["propose"]),
        "correction_approve_and_execute_api": percentiles(split["approve"]),
        "goals_ms": {"state_p95": 100, "correction_p95": 50, "as_of_p95": 100},
    }
