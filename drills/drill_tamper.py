"""Drill 5, tampering: random superuser rewrites of hash-chained rows are all detected.

Each rewrite picks a random chained table with rows, a random row and a random hashed field, and
changes it as a superuser past the append-only triggers (`session_replication_role = replica`, as
conftest's `superuser_sql` does). Half of them also re-hash every later row of the chain, as someone
covering their tracks would: `verify_chains` alone cannot see those, the signed digest published
before the rewrites (`verify_chains --against`) must. Each rewrite is undone before the next.
"""

import contextlib
import datetime
import decimal
import io
import random

from django.core.management import call_command
from django.db import IntegrityError, connection, models, transaction

from audit.canonical import dumps, link_hash
from audit.chain import chained_models
from audit.digest import read_digests

from .harness import check, populate

FULL = {"rewrites": 50, "rounds": 12}
SHORT = {"rewrites": 10, "rounds": 4}
PROCESSES = {"worker": False, "beat": False}


def run(stack, *, rewrites: int, rounds: int) -> dict:
    failures: list[str] = []
    written = populate(stack.http, rounds)
    call_command("publish_digest", stdout=io.StringIO())
    clean = _verify()
    check(failures, clean["ok"] and clean["against_ok"], f"chains do not verify before any rewrite: {clean['out']}")
    published = {(h["table"], h["chain"]): int(h["head_seq"]) for h in read_digests(_digest_file())[-1]["heads"]}
    # A row after a chain's published head (the publication's own audit event) is what the next
    # digest covers: only rows at or before a published head are rewritten.
    targets = [
        (model, chain, published[key])
        for model in chained_models()
        for chain in _chains(model)
        if published.get(key := (model._meta.db_table, chain))
    ]
    detected = {"plain": 0, "rehashed": 0}
    done = {"plain": 0, "rehashed": 0}
    tables = set()
    refused = 0
    for n in range(rewrites):
        rehash = n % 2 == 1
        kind = "rehashed" if rehash else "plain"
        for _ in range(20):  # a value a constraint refuses (a duplicate key) is not a rewrite: pick again
            model, chain, head_seq = random.choice(targets)
            try:
                with _rewritten(model, chain, head_seq, rehash) as what:
                    tables.add(model._meta.db_table)
                    result = _verify()
                break
            except IntegrityError:
                refused += 1
        done[kind] += 1
        name = f"{model._meta.db_table} [{chain}]"
        if rehash:
            found = not result["against_ok"] and f"REWRITTEN {name}" in result["out"]
        else:
            found = not result["ok"] and f"BROKEN {name}" in result["out"]
        detected[kind] += found
        check(failures, found, f"{kind} rewrite of {what} not detected: {result['out'][-600:]}")
        after = _verify()
        check(failures, after["ok"] and after["against_ok"], f"undoing {what} left the chains broken")
    return {
        "written": written,
        "chained_tables_with_rows": len({m._meta.db_table for m, _, _ in targets}),
        "tables_rewritten": len(tables),
        "rewrites": done,
        "refused_by_constraints": refused,
        "detected": detected,
        "failures": failures,
    }


def _chains(model) -> list[str]:
    return list(model.objects.values_list("chain", flat=True).distinct())


def _verify() -> dict:
    """verify_chains, alone and --against the published digest (the command itself, in this process)."""
    out = io.StringIO()
    ok = against_ok = True
    try:
        call_command("verify_chains", stdout=out)
    except SystemExit:
        ok = False
    try:
        call_command("verify_chains", against=str(_digest_file()), stdout=out)
    except SystemExit:
        against_ok = False
    return {"ok": ok, "against_ok": against_ok, "out": out.getvalue()}


def _digest_file():
    from audit.digest import digest_file

    return digest_file()


def _changed(value, field=None):
    """A different value of the same type and size (a varchar keeps its length, an address stays one)."""
    if field is not None and field.get_internal_type() == "GenericIPAddressField":
        return "192.0.2.1" if value != "192.0.2.1" else "192.0.2.2"  # documentation addresses (RFC 5737)
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, decimal.Decimal):
        return value + 1
    if isinstance(value, datetime.datetime | datetime.date):
        return value - datetime.timedelta(days=1)
    if isinstance(value, str):
        return value[:-1] + ("x" if value[-1:] != "x" else "y")
    if isinstance(value, dict):
        return {**value, "tampered": True}
    if isinstance(value, list):
        return [*value, "tampered"]
    return None


def _raw(model) -> models.QuerySet:
    """A plain QuerySet: the model's own manager refuses updates before the database is even asked."""
    return models.QuerySet(model=model)


@contextlib.contextmanager
def _superuser():
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        yield


@contextlib.contextmanager
def _rewritten(model, chain: str, head_seq: int, rehash: bool):
    """Rewrite one random row's random hashed field (and, with rehash, every later hash); undo on exit."""
    rows = list(model.objects.filter(chain=chain).order_by("seq"))
    start = random.randrange(len([r for r in rows if r.seq <= head_seq]))
    row = rows[start]
    fields = [model._meta.get_field(name) for name in model.HASH_FIELDS]
    fields = [f for f in fields if _changed(getattr(row, f.attname), f) is not None]
    field = random.choice(fields)
    original = getattr(row, field.attname)
    later = rows[start:] if rehash else [row]
    saved = [(r.pk, r.prev_hash, r.hash) for r in later]
    setattr(row, field.attname, _changed(original, field))
    with _superuser():
        _raw(model).filter(pk=row.pk).update(**{field.attname: getattr(row, field.attname)})
        if rehash:
            prev = row.prev_hash
            for r in later:
                r.prev_hash, r.hash = prev, link_hash(prev, dumps(r.canonical_content()))
                _raw(model).filter(pk=r.pk).update(prev_hash=r.prev_hash, hash=r.hash)
                prev = r.hash
    try:
        yield f"{model._meta.db_table} id {row.pk} seq {row.seq} field {field.name}"
    finally:
        with _superuser():
            _raw(model).filter(pk=row.pk).update(**{field.attname: original})
            for pk, prev_hash, hash_ in saved:
                _raw(model).filter(pk=pk).update(prev_hash=prev_hash, hash=hash_)
