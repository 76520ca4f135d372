"""Appending to and verifying hash chains.

Appends to one chain are serialized: a transaction-level advisory lock on PostgreSQL,
the IMMEDIATE transaction's write lock on SQLite. Even without the lock, the unique
constraints on (chain, seq) and (chain, prev_hash) and the insert trigger make a fork
impossible.
"""

import decimal
import functools
import gc
import hashlib
import multiprocessing
import secrets
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import asdict, dataclass, field

import psycopg
from django.apps import apps
from django.db import connections, models, router, transaction

from . import fastpath
from .canonical import GENESIS, dumps, normalize, unsigned_zero
from .models import ChainedModel
from .triggers import lock_head_function


def _lock_key(table: str, chain: str) -> int:
    digest = hashlib.sha256(f"{table}:{chain}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def lock_chain(model: type[ChainedModel], chain: str) -> None:
    """Serialize writers of one chain until the end of the current transaction."""
    connection = connections[router.db_for_write(model)]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s)",
                [_lock_key(model._meta.db_table, chain)],
            )


def head(model: type[ChainedModel], chain: str) -> tuple[int, str]:
    """(seq, hash) of the newest row of a chain; (0, GENESIS) for an empty chain."""
    # Raw SQL: this runs on every append, under the chain's lock, so every microsecond is serialized.
    with connections[router.db_for_write(model)].cursor() as cursor:
        cursor.execute(
            f'SELECT seq, hash FROM "{model._meta.db_table}" WHERE chain = %s ORDER BY seq DESC LIMIT 1', [chain]
        )
        row = cursor.fetchone()
    return (row[0], row[1]) if row else (0, GENESIS)


def lock_and_head(model: type[ChainedModel], chain: str) -> tuple[int, str]:
    """Lock the chain, then read its head: one round trip on PostgreSQL (the table's `lock_head_function`)."""
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        lock_chain(model, chain)
        return head(model, chain)
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT seq, hash FROM {connection.ops.quote_name(lock_head_function(table))}(%s, %s)",
            [chain, _lock_key(table, chain)],
        )
        seq, hash_ = cursor.fetchone()
    return (seq, hash_) if seq is not None else (0, GENESIS)


# Django's SQLite backend reads a decimal column back through a float rounded to 15 digits.
SQLITE_DIGITS = decimal.Context(prec=15)


def stored_decimal(model_field: models.DecimalField, value, vendor: str) -> decimal.Decimal:
    """The value a decimal column hands back after storing `value`: its places, its rounding, no -0."""
    value = model_field.to_python(value)
    places = decimal.Decimal(1).scaleb(-model_field.decimal_places)
    if vendor == "sqlite":  # NUMERIC affinity keeps 15 significant digits; the converter rounds half-even
        value = SQLITE_DIGITS.create_decimal_from_float(float(value)).quantize(places, context=model_field.context)
    else:  # PostgreSQL's numeric(p, s) rounds half away from zero
        value = value.quantize(places, rounding=decimal.ROUND_HALF_UP)
    return unsigned_zero(value)


def _stored(model_field: models.Field, value, vendor: str):
    """One hashed value as its column returns it; other field types come back as they were given."""
    if value is None:
        return None
    if isinstance(model_field, models.JSONField):
        return normalize(value)
    if isinstance(model_field, models.DecimalField):
        return stored_decimal(model_field, value, vendor)
    if isinstance(model_field, models.GenericIPAddressField):
        return model_field.get_prep_value(value) or None  # IPv6 compressed and lowercased, as stored
    return value


def seal(row: ChainedModel) -> ChainedModel:
    """Give every hashed field the value the database will hand back, then hash: a read-back verifies."""
    vendor = connections[router.db_for_write(type(row))].vendor
    for name in row.HASH_FIELDS:
        model_field = row._meta.get_field(name)
        if not model_field.is_relation:
            setattr(row, model_field.attname, _stored(model_field, getattr(row, model_field.attname), vendor))
    row.hash = row.compute_hash()
    return row


def link(rows: list[ChainedModel]) -> None:
    """Give unsaved rows of one model and chain their seq, prev_hash and hash, in order, after the
    chain's head. Call it inside the transaction that inserts them: the chain stays locked until then."""
    model, chain = type(rows[0]), rows[0].chain
    seq, prev_hash = lock_and_head(model, chain)
    for row in rows:
        seq += 1
        row.seq, row.prev_hash = seq, prev_hash
        prev_hash = seal(row).hash


def append(model: type[ChainedModel], *, chain: str | None = None, **values) -> ChainedModel:
    """Add one row at the head of its chain and return it (inside the caller's transaction)."""
    using = router.db_for_write(model)
    row = model(chain=chain or model.DEFAULT_CHAIN, **values)
    if connections[using].vendor == "postgresql":
        return _insert_at_head(row, using)
    with transaction.atomic(using=using):
        link([row])
        row.save(force_insert=True)
    return row


# The head is read and the hash computed by the INSERT itself: hash = sha256(prev_hash || canonical text),
# the text rendered here with a marker where the seq goes. Nothing waits on Python or on a second round
# trip while the chain is locked; outside a transaction the statement commits, and unlocks, on its own.
INSERT_AT_HEAD = """INSERT INTO {table} ({columns})
SELECT %s, h.seq, h.prev, encode(sha256(convert_to(h.prev || %s || h.seq::text || %s, 'UTF8')), 'hex'), {values}
FROM (SELECT COALESCE(seq, 0) + 1 AS seq, COALESCE(hash, '{genesis}') AS prev FROM {lock_head}(%s, %s)) AS h
RETURNING {pk}, seq, prev_hash, hash"""


@functools.cache
def _insert_at_head_sql(model: type[ChainedModel]) -> tuple[str, list[models.Field]]:
    """INSERT_AT_HEAD for a model (PostgreSQL), and the fields whose values follow the link's parameters."""
    opts = model._meta
    link_names = {"chain", "seq", "prev_hash", "hash"}
    fields = [f for f in opts.concrete_fields if f.name not in link_names and not (f.primary_key and f.db_returning)]
    quote = connections[router.db_for_write(model)].ops.quote_name
    sql = INSERT_AT_HEAD.format(
        table=quote(opts.db_table),
        columns=", ".join(quote(c) for c in ("chain", "seq", "prev_hash", "hash", *(f.column for f in fields))),
        values=", ".join(["%s"] * len(fields)),
        genesis=GENESIS,
        lock_head=quote(lock_head_function(opts.db_table)),
        pk=quote(opts.pk.column),
    )
    return sql, fields


def _prepared_cursor(connection):
    """A Django cursor (errors translated, queries logged) that binds parameters on the server, so that
    psycopg prepares each statement on its first run: INSERT_AT_HEAD is parsed and planned once per
    connection instead of on every append. Django leaves preparing off for connection poolers; only
    this cursor prepares (Django's own cursors bind on the client, which psycopg never prepares)."""
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:
        raw.prepare_threshold = 0
    return connection._prepare_cursor(psycopg.Cursor(raw))


def _canonical_around_seq(row: ChainedModel) -> tuple[str, str]:
    """The row's canonical text before and after its seq's digits (docs/hash-chain.md)."""
    marker = secrets.token_hex(16)
    row.seq = marker
    try:
        before, *after = row.canonical_bytes().decode().split(f'"{marker}"')
    finally:
        row.seq = None
    if len(after) != 1:  # the random marker cannot occur in the content; refuse rather than hash it wrong
        raise ValueError("canonical text of the row contains the seq marker")
    return before, after[0]


def _insert_at_head(row: ChainedModel, using: str) -> ChainedModel:
    """PostgreSQL: lock the chain, read its head, link, hash and insert the row in one statement."""
    connection = connections[using]
    opts = row._meta
    vendor = connection.vendor
    for name in row.HASH_FIELDS:  # the values the database will hand back, as `seal` gives them
        model_field = opts.get_field(name)
        if not model_field.is_relation:
            setattr(row, model_field.attname, _stored(model_field, getattr(row, model_field.attname), vendor))
    sql, fields = _insert_at_head_sql(type(row))
    values = [f.get_db_prep_save(f.pre_save(row, True), connection) for f in fields]
    before, after = _canonical_around_seq(row)
    params = [row.chain, before, after, *values, row.chain, _lock_key(opts.db_table, row.chain)]
    # In the caller's transaction: no savepoint (two more round trips while locked); a failure still
    # marks that transaction for rollback. Outside one: the statement is its own transaction.
    atomic = transaction.atomic(using=using, savepoint=False) if connection.in_atomic_block else nullcontext()
    with atomic, _prepared_cursor(connection) as cursor:
        cursor.execute(sql, params)
        row.pk, row.seq, row.prev_hash, row.hash = cursor.fetchone()
    row._state.adding, row._state.db = False, using
    return row


def chained_models() -> list[type[ChainedModel]]:
    return [m for m in apps.get_models() if issubclass(m, ChainedModel)]


@dataclass
class ChainReport:
    table: str
    chain: str
    rows: int = 0
    head_seq: int = 0
    head_hash: str = GENESIS
    ok: bool = True
    broken: dict | None = field(default=None)

    def as_dict(self) -> dict:
        return asdict(self)


Fetch = Callable[[int, int | None], list[tuple]]


def _generic_reader(model: type[ChainedModel], chain: str, batch: int) -> tuple[Fetch, Callable]:
    """Any database, any field type: the ORM fetches, `normalize` + `dumps` encode."""
    fields = [model._meta.get_field(name) for name in model.HASH_FIELDS]
    names = [f.attname for f in fields]
    places = [getattr(f, "decimal_places", None) for f in fields]
    keys = list(model.HASH_FIELDS)
    qs = model.objects.filter(chain=chain).order_by("seq").values_list("id", "seq", "prev_hash", "hash", *names)

    def fetch(after_seq: int, upto: int | None = None) -> list[tuple]:
        rows = qs.filter(seq__gt=after_seq) if upto is None else qs.filter(seq__gt=after_seq, seq__lte=upto)
        return [(*row[:4], None, None, None, *row[4:]) for row in rows[:batch]]  # Python checks every row

    def encode(row: tuple) -> bytes:
        content = {"chain": chain, "seq": row[1]}
        for key, value, place in zip(keys, row[7:], places, strict=True):
            content[key] = normalize(value, place)
        return dumps(content)

    return fetch, encode


def _reader(model: type[ChainedModel], chain: str, batch: int) -> tuple[Fetch, Callable]:
    """(fetch(after_seq, upto_seq) -> rows, encode(row) -> canonical bytes).

    A row is (id, seq, prev_hash, hash, lag_seq, lag_hash, computed, …): on PostgreSQL the database checks
    the rows (`fastpath.select_sql`) and returns only those Python must see, with the seq and hash of the
    row before (NULL for a batch's first) and the hash it computed (NULL if Python must); the generic
    reader returns every row, with those three NULL."""
    connection = connections[router.db_for_read(model)]
    steps = fastpath.plan(model) if connection.vendor == "postgresql" else None
    if steps is None:
        return _generic_reader(model, chain, batch)
    sql = fastpath.select_sql(model, steps, min(batch, fastpath.BATCH))
    encode_values = fastpath.row_encoder(steps)

    def fetch(after_seq: int, upto: int | None = None) -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(sql, [chain, after_seq, MAX_SEQ if upto is None else upto])
            return cursor.fetchall()

    return fetch, lambda row: encode_values(row[7:])


MAX_SEQ = 2**63 - 1


def mark_broken(report: ChainReport, row: tuple, problem: str, expected, found) -> ChainReport:
    report.ok = False
    report.broken = {
        "table": report.table,
        "chain": report.chain,
        "seq": row[1],
        "id": row[0],
        "field": problem,
        "expected": str(expected),
        "found": str(found),
    }
    return report


@dataclass
class Walk:
    """What verifying the rows after (seq, prev) found: the last good row, the first bad one and why."""

    seq: int
    prev: str | None  # None: take the first row's prev_hash as given (a range; the caller checks the seam)
    first: tuple | None = None  # (id, seq, prev_hash) of the first row read
    problem: tuple | None = None  # (row, field, expected, found)


def _walk(fetch: Fetch, encode: Callable, walk: Walk, upto: int | None) -> Walk:
    """Check every row after walk.seq (up to `upto`): consecutive seq, prev_hash linked, hash recomputed."""
    sha256, seq, prev = hashlib.sha256, walk.seq, walk.prev
    while rows := fetch(seq, upto):
        if walk.first is None:
            walk.first = rows[0][:3]
            prev = rows[0][2] if prev is None else prev
        for row in rows:
            if row[4] is not None:  # the rows between the last one seen and this one verified in the database
                seq, prev = row[4], row[5]
            problem = None
            if row[1] != seq + 1:
                problem = ("seq", seq + 1, row[1])
            elif row[2] != prev:
                problem = ("prev_hash", prev, row[2])
            elif row[6] != row[3] and (computed := sha256(prev.encode("ascii") + encode(row)).hexdigest()) != row[3]:
                # Python is the judge of a hash the database did not match: a difference in its rendering
                # can raise no false alarm, and a mismatch it found is confirmed from the row's content.
                problem = ("hash", computed, row[3])
            if problem:
                walk.seq, walk.prev, walk.problem = seq, prev, (row, *problem)
                return walk
            seq, prev = row[1], row[3]
    walk.seq, walk.prev = seq, prev
    return walk


def _forget_inherited_connections() -> None:
    """In a forked worker: drop, without closing, every database connection the parent held in any
    thread or context (a live server's, a test's). Closing one would end the parent's session on the
    shared socket, and using one would interleave two processes' queries on it."""
    for alias in connections:
        connections[alias].connection = None
    gc.freeze()  # and never let the collector finalize an inherited psycopg connection here


def _walk_range(label: str, chain: str, after: int, upto: int, batch: int) -> Walk:
    """One range of a chain, in a worker process with its own database connection."""
    try:
        fetch, encode = _reader(apps.get_model(label), chain, batch)
        return _walk(fetch, encode, Walk(seq=after, prev=None), upto)
    finally:
        connections.close_all()


def can_fork(model: type[ChainedModel]) -> bool:
    """Worker processes see only committed rows, on PostgreSQL, and a daemon (a Celery worker) may not fork."""
    connection = connections[router.db_for_read(model)]
    return (
        connection.vendor == "postgresql"
        and not connection.in_atomic_block
        and not multiprocessing.current_process().daemon
    )


def _walk_parallel(model: type[ChainedModel], chain: str, walk: Walk, workers: int, batch: int) -> Walk:
    """Verify the rows up to the current head in `workers` processes, range by range, then join the ranges:
    each range's first row must follow the previous range's last (the seam), as in one sequential pass."""
    top = head(model, chain)[0]
    if top - walk.seq < PARALLEL_MIN_ROWS:
        return walk
    step = max(batch, -(-(top - walk.seq) // (workers * 4)))
    bounds = [(lo, min(lo + step, top)) for lo in range(walk.seq, top, step)]
    connections.close_all()  # forked workers must not share this process's connections
    context = multiprocessing.get_context("fork")
    with context.Pool(workers, initializer=_forget_inherited_connections) as pool:
        parts = pool.starmap(_walk_range, [(model._meta.label, chain, lo, hi, batch) for lo, hi in bounds])
    for part in parts:
        if part.first is None:  # an empty range: the next range's seam names the gap
            continue
        row_id, first_seq, first_prev = part.first
        if first_seq != walk.seq + 1 or first_prev != walk.prev:
            field, expected, found = (
                ("seq", walk.seq + 1, first_seq) if first_seq != walk.seq + 1 else ("prev_hash", walk.prev, first_prev)
            )
            walk.problem = ((row_id, first_seq), field, expected, found)
            return walk
        walk.seq, walk.prev, walk.problem = part.seq, part.prev, part.problem
        if part.problem:
            return walk
    return walk


PARALLEL_MIN_ROWS = 100_000


def verify_chain(
    model: type[ChainedModel],
    chain: str,
    *,
    after: tuple[int, str] | None = None,
    batch: int = 20000,
    workers: int = 1,
) -> ChainReport:
    """Recompute every link of one chain (or those after a known-good (seq, hash)).

    The report's head is the last row that verified; `broken` names the first bad link. Every row's
    hash depends only on its own stored prev_hash, so with `workers` > 1 (PostgreSQL, outside a
    transaction) ranges are verified in parallel processes and joined; rows appended meanwhile are
    verified after them.
    """
    report = ChainReport(table=model._meta.db_table, chain=chain)
    start, prev = after if after else (0, GENESIS)
    walk = Walk(seq=start, prev=prev)
    if workers > 1 and can_fork(model):
        walk = _walk_parallel(model, chain, walk, workers, batch)
    if walk.problem is None:
        walk = _walk(*_reader(model, chain, batch), walk, None)
    report.rows, report.head_seq, report.head_hash = walk.seq - start, walk.seq, walk.prev
    return mark_broken(report, *walk.problem) if walk.problem else report


def chains_of(model: type[ChainedModel]) -> list[str]:
    """The chain names of a table, by a loose index scan: one index probe per chain, no DISTINCT scan."""
    names, qs = [], model.objects.order_by("chain").values_list("chain", flat=True)
    while (name := qs.filter(chain__gt=names[-1]).first() if names else qs.first()) is not None:
        names.append(name)
    return names


def heads() -> list[dict]:
    """{"table","chain","head_seq","head_hash"} per chain of every chained table."""
    result = []
    for model in chained_models():
        for name in chains_of(model):
            seq, hash_ = head(model, name)
            result.append({"table": model._meta.db_table, "chain": name, "head_seq": seq, "head_hash": hash_})
    return result


def verify_all(workers: int = 1) -> list[ChainReport]:
    """One report per chain of every chained table."""
    return [verify_chain(model, chain, workers=workers) for model in chained_models() for chain in chains_of(model)]
