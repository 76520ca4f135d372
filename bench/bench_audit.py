"""Audit benchmarks (PostgreSQL): chained appends vs plain inserts (1 and 8 writers; the goal's plain insert
is a Django transaction, and a single prepared autocommit INSERT is measured beside it), the event list
over 1,000,000 events (first page and 10,000 rows deep), verification speed, and the NDJSON export's
rows/s and peak memory.

The million events are generated fast: the hash chain computed here and loaded by COPY (triggers
paused for the load only, on this throw-away database); then full verification proves the links.
"""

import datetime as dt
import json
import os
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, connections, models, transaction
from rest_framework.test import APIRequestFactory, force_authenticate

from audit import registry
from audit.api import EventList
from audit.canonical import GENESIS, dumps, link_hash, normalize
from audit.chain import verify_chain
from audit.models import Event
from audit.services import event_record
from bench.harness import percentiles, timed

EVENTS = int(os.environ.get("BENCH_AUDIT_EVENTS", 1_000_000))
APPENDS = int(os.environ.get("BENCH_AUDIT_APPENDS", 1600))
NAMESPACES = ("benchbook", "benchops", "benchinc", "benchjournal", "benchapprove")
ACTORS = [f"user{n:02d}" for n in range(20)]
VERBS = ("created", "changed", "closed", "noted")
BASE = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
COLUMNS = ("chain", "seq", "prev_hash", "hash", *Event.HASH_FIELDS)
PLAIN = "bench_plain_event"

for ns in NAMESPACES:  # one class of audit actions per namespace, as an app declares them
    registry.register(models.TextChoices(f"{ns}Action", [(v.upper(), (f"{ns}.thing.{v}", "bench")) for v in VERBS]))


def _plain_insert(cursor, n: int) -> None:
    cursor.execute(
        f"INSERT INTO {PLAIN} (chain, seq, prev_hash, hash, occurred_at, actor, action, subject_type, subject_id,"
        " payload, request_id, client_ip) VALUES (%s, %s, %s, %s, now(), %s, %s, 'thing', %s, %s, '', NULL)",
        ["benchbook", n, f"{n:064d}", GENESIS, "user01", "benchbook.thing.created", str(n), json.dumps({"n": n})],
    )


def _plain_writer(count: int, offset: int) -> None:
    for n in range(offset, offset + count):
        with transaction.atomic(), connection.cursor() as cursor:
            _plain_insert(cursor, n)


def _plain_statement_writer(count: int, offset: int) -> None:
    """The strictest baseline: each insert one prepared statement that commits on its own, as an append is."""
    connection.ensure_connection()
    raw = connection.connection
    raw.prepare_threshold = 0
    with psycopg.Cursor(raw) as cursor:
        for n in range(offset, offset + count):
            _plain_insert(cursor, n)


def _chained_writer(count: int, namespace: str) -> None:
    for n in range(count):
        event_record(
            actor="bench", action=f"{namespace}.thing.created", subject_type="thing", subject_id=n, payload={"n": n}
        )


def _rate(writers: int, target, args_of) -> float:
    """Rows per second of `writers` threads, each on its own connection, APPENDS rows in all."""
    per, errors = APPENDS // writers, []

    def run(i: int) -> None:
        try:
            target(per, *args_of(i))
        except Exception as exc:  # a failed writer must fail the benchmark, not shrink its figure
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(writers)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return round(per * writers / (time.perf_counter() - started))


def _appends() -> dict:
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE {PLAIN} (LIKE audit_event INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING INDEXES)"
        )
    figures = {}
    for writers in (1, 8):
        plain = _rate(writers, _plain_writer, lambda i, w=writers: (w * 10_000_000 + i * 1_000_000,))
        statement = _rate(
            writers, _plain_statement_writer, lambda i, w=writers: (w * 10_000_000 + i * 1_000_000 + 500_000,)
        )
        same = _rate(writers, _chained_writer, lambda i: ("benchbook",))
        spread = _rate(writers, _chained_writer, lambda i: (NAMESPACES[i % len(NAMESPACES)],))
        figures[f"{writers}_writers"] = {
            "plain_inserts_per_s": plain,
            "chained_one_chain_per_s": same,
            "chained_ratio_one_chain": round(same / plain, 2),
            "chained_five_chains_per_s": spread,
            "chained_ratio_five_chains": round(spread / plain, 2),
            # Not the goal's baseline (a Django transaction: BEGIN, INSERT, COMMIT), shown beside it.
            "plain_one_statement_per_s": statement,
            "chained_ratio_one_chain_vs_one_statement": round(same / statement, 2),
        }
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {PLAIN}")
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("DELETE FROM audit_event")  # a clean table for the million rows below
        cursor.execute("SET session_replication_role = DEFAULT")
    return figures


def _rows():
    """EVENTS rows with their real hash chains, round-robin over NAMESPACES."""
    heads = dict.fromkeys(NAMESPACES, (0, GENESIS))
    for i in range(EVENTS):
        ns = NAMESPACES[i % len(NAMESPACES)]
        seq, prev = heads[ns]
        seq += 1
        values = {
            "occurred_at": BASE + dt.timedelta(seconds=i),
            "actor": ACTORS[i % 20 if i % 3 else (i // 3) % 20],
            "action": f"{ns}.thing.{VERBS[(i // 5) % 4]}",
            "subject_type": "thing",
            "subject_id": str(i // 10),
            "payload": {"n": i} if i % 4 else {},
            "request_id": f"req{i:08d}",
            "client_ip": None if i % 2 else "10.0.0.7",
        }
        content = {"chain": ns, "seq": seq, **{k: normalize(v) for k, v in values.items()}}
        hash_ = link_hash(prev, dumps(content))
        heads[ns] = (seq, hash_)
        values["payload"] = json.dumps(values["payload"])
        yield (ns, seq, prev, hash_, *values.values())


def load_events() -> float:
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")  # bench database, load only
        with cursor.cursor.copy(f"COPY audit_event ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            for row in _rows():
                copy.write_row(row)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE audit_event")
    return round(time.perf_counter() - started, 1)


def _page(auditor, params: dict):
    view = EventList.as_view()
    factory = APIRequestFactory()

    def call():
        request = factory.get("/api/v1/audit/events", params)
        force_authenticate(request, user=auditor)
        response = view(request)
        response.render()
        assert response.status_code == 200 and len(json.loads(response.content)["results"]) == 50, response.content

    return call


def _cursor_at(qs, depth: int) -> str:
    import base64

    position = qs.order_by("-id").values_list("id", flat=True)[depth - 1]
    return base64.b64encode(f"p={position}".encode()).decode()


def _list(auditor) -> dict:
    cases = {
        "actor": ({"actor": "user07"}, Event.objects.filter(actor="user07")),
        "action_prefix": ({"action": "benchops.thing."}, Event.objects.filter(chain="benchops")),
        "actor_and_since": (
            {"actor": "user07", "since": "2026-01-02T00:00:00Z"},
            Event.objects.filter(actor="user07", occurred_at__gte="2026-01-02T00:00:00Z"),
        ),
    }
    figures = {}
    for name, (params, qs) in cases.items():
        first = _page(auditor, {**params, "page_size": 50})
        deep = _page(auditor, {**params, "page_size": 50, "cursor": _cursor_at(qs, 10_000)})
        timed(first, 5)
        figures[name] = {"first_page": percentiles(timed(first, 60)), "10000_deep": percentiles(timed(deep, 60))}
    return figures


def _verify(workers: int) -> dict:
    """verify_chains' work over the million events, with `workers` processes per chain (1: sequential)."""
    started = time.perf_counter()
    cpu = time.process_time(), resource.getrusage(resource.RUSAGE_CHILDREN)
    reports = [verify_chain(Event, ns, workers=workers) for ns in NAMESPACES]
    seconds = time.perf_counter() - started
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = time.process_time() - cpu[0] + children.ru_utime + children.ru_stime - cpu[1].ru_utime - cpu[1].ru_stime
    rows = sum(r.rows for r in reports)
    assert rows == EVENTS and all(r.ok for r in reports), reports
    # The machine is shared: CPU seconds of the verifying processes show the rate without other processes' load.
    # They are Python's only: on PostgreSQL the database renders, hashes and links the rows (audit/fastpath.py),
    # about 5 µs of its backends' CPU per row, which this figure does not count.
    return {
        "workers": workers,
        "events": rows,
        "seconds": round(seconds, 2),
        "events_per_s": round(rows / seconds),
        "python_cpu_seconds": round(cpu, 2),
        "events_per_python_cpu_s": round(rows / cpu),
    }


def _export() -> dict:
    db = connection.settings_dict
    env = dict(os.environ, DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}")
    child = Path(__file__).with_name("audit_export_child.py")
    out = subprocess.run([sys.executable, str(child)], env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def run() -> dict:
    if connection.vendor != "postgresql":
        raise SystemExit("bench_audit needs PostgreSQL (DATABASE_URL)")
    figures = {"appends": _appends()}
    figures["load_1m_seconds"] = load_events()
    auditor = get_user_model().objects.create_user(username="bench-auditor", password="x")  # noqa: S106
    auditor.groups.add(Group.objects.get(name="Auditor"))
    figures["list_1m"] = _list(auditor)
    figures["verify_1m"] = _verify(os.cpu_count() or 1)  # as `manage.py verify_chains` runs
    figures["verify_1m_one_process"] = _verify(1)
    figures["export_ndjson_1m"] = _export()
    return figures
