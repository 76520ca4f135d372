"""Merkle log benchmarks (PostgreSQL): building the tree of a 1,000,000-event chain, extending it by
1,000 rows, inclusion and consistency proofs p95 through the API views, and the rate at which the
`pms-audit` client's `verify` recomputes hashes and the root from an NDJSON export.

Appends are not measured here: the tree is extended when a checkpoint is published, not on the
append path, so bench_audit's append figures are unchanged by it.
"""

import datetime as dt
import json
import os
import random
import tempfile
import time

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, transaction
from rest_framework.test import APIRequestFactory, force_authenticate

from audit import tree
from audit.api import EventList
from audit.canonical import GENESIS, dumps, link_hash, normalize
from audit.models import Event
from audit.proofs import ConsistencyProof, InclusionProof
from bench.harness import percentiles, timed
from pms_audit import verify

EVENTS = int(os.environ.get("BENCH_MERKLE_EVENTS", 1_000_000))
PROOFS = int(os.environ.get("BENCH_MERKLE_PROOFS", 500))
CHAIN, LOG = "benchmerkle", "audit_event/benchmerkle"
BASE = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
COLUMNS = ("chain", "seq", "prev_hash", "hash", *Event.HASH_FIELDS)


def _rows(start: int, count: int, prev: str):
    for seq in range(start + 1, start + count + 1):
        values = {
            "occurred_at": BASE + dt.timedelta(seconds=seq),
            "actor": f"user{seq % 20:02d}",
            "action": f"{CHAIN}.thing.created",
            "subject_type": "thing",
            "subject_id": str(seq // 10),
            "payload": {"n": seq},
            "request_id": f"req{seq:08d}",
            "client_ip": None,
        }
        hash_ = link_hash(prev, dumps({"chain": CHAIN, "seq": seq, **{k: normalize(v) for k, v in values.items()}}))
        values["payload"] = json.dumps(values["payload"])
        yield (CHAIN, seq, prev, hash_, *values.values())
        prev = hash_


def _load(start: int, count: int, prev: str) -> str:
    """COPY `count` linked events after seq `start` (triggers paused: a throw-away bench database)."""
    last = prev
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        with cursor.cursor.copy(f"COPY audit_event ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            for row in _rows(start, count, prev):
                copy.write_row(row)
                last = row[3]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE audit_event")
    return last


def _call(view, user, params: dict):
    factory = APIRequestFactory()

    def call():
        request = factory.get("/api/v1/audit/proofs", params() if callable(params) else params)
        force_authenticate(request, user=user)
        response = view(request)
        response.render()
        assert response.status_code == 200, response.content

    return call


def _proofs(auditor) -> dict:
    ids = dict(Event.objects.filter(chain=CHAIN).values_list("seq", "id"))
    rng = random.Random(18)

    def inclusion():
        return {"chain": LOG, "event": ids[rng.randint(1, EVENTS)], "tree_size": EVENTS}

    def consistency():
        return {"chain": LOG, "first": rng.randint(1, EVENTS), "second": EVENTS}

    return {
        "inclusion": percentiles(timed(_call(InclusionProof.as_view(), auditor, inclusion), PROOFS)),
        "consistency": percentiles(timed(_call(ConsistencyProof.as_view(), auditor, consistency), PROOFS)),
    }


def _client_verify(auditor) -> dict:
    """`pms-audit verify`'s work (parse, canonical hash, link, leaf, root) over a local export, as the client
    runs it: with one process per CPU, and with one process."""
    factory = APIRequestFactory()
    request = factory.get("/api/v1/audit/events", {"action": f"{CHAIN}."}, HTTP_ACCEPT="application/x-ndjson")
    force_authenticate(request, user=auditor)
    figures = {}
    with tempfile.TemporaryFile() as export:
        for chunk in EventList.as_view()(request).streaming_content:
            export.write(chunk)
        size = EVENTS + 1000
        kept = (size, tree.root("audit_event", CHAIN, size))
        for name, workers in (("rows_per_second", os.cpu_count() or 1), ("one_process_rows_per_second", 1)):
            export.seek(0)
            started = time.perf_counter()
            assert verify.verify_stream(export, LOG, *kept, workers=workers) == size
            figures[name] = round(size / (time.perf_counter() - started))
    return {"rows": size, "workers": os.cpu_count() or 1, **figures}


def run() -> dict:
    if connection.vendor != "postgresql":
        raise SystemExit("bench_merkle needs PostgreSQL (DATABASE_URL)")
    head = _load(0, EVENTS, GENESIS)
    started = time.perf_counter()
    assert tree.tree_extend(Event, CHAIN) == EVENTS
    figures = {"events": EVENTS, "build_tree_seconds": round(time.perf_counter() - started, 1)}
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE audit_merklenode")  # as autovacuum would after two million inserts
    _load(EVENTS, 1000, head)
    started = time.perf_counter()
    assert tree.tree_extend(Event, CHAIN) == EVENTS + 1000
    figures["extend_by_1000_ms"] = round((time.perf_counter() - started) * 1000, 1)
    auditor = get_user_model().objects.create_user(username="bench-auditor", password="x")  # noqa: S106
    auditor.groups.add(Group.objects.get(name="Auditor"))
    figures["proofs"] = _proofs(auditor)
    figures["client_verify"] = _client_verify(auditor)
    return figures
