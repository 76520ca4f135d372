"""Appending to and verifying hash chains.

Appends to one chain are serialized: a transaction-level advisory lock on PostgreSQL,
the IMMEDIATE transaction's write lock on SQLite. Even without the lock, the unique
constraints on (chain, seq) and (chain, prev_hash) and the insert trigger make a fork
impossible.
"""

import hashlib
from dataclasses import asdict, dataclass, field

from django.apps import apps
from django.db import connections, models, router, transaction

from .canonical import GENESIS, dumps, link_hash, normalize
from .models import ChainedModel


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
    row = model.objects.filter(chain=chain).order_by("-seq").values_list("seq", "hash").first()
    return row if row else (0, GENESIS)


def append(model: type[ChainedModel], *, chain: str | None = None, **values) -> ChainedModel:
    """Add one row at the head of its chain and return it (inside the caller's transaction)."""
    chain = chain or model.DEFAULT_CHAIN
    with transaction.atomic(using=router.db_for_write(model)):
        lock_chain(model, chain)
        seq, prev_hash = head(model, chain)
        row = model(chain=chain, seq=seq + 1, prev_hash=prev_hash, **values)
        for name in model.HASH_FIELDS:
            model_field = model._meta.get_field(name)
            if isinstance(model_field, models.JSONField):
                # Store exactly what is hashed, so that a read-back hashes the same.
                setattr(row, name, normalize(getattr(row, name)))
        row.hash = row.compute_hash()
        row.save(force_insert=True)
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


def _normalizers(model: type[ChainedModel]) -> list[tuple[str, int | None]]:
    result = []
    for name in model.HASH_FIELDS:
        model_field = model._meta.get_field(name)
        result.append((model_field.attname, getattr(model_field, "decimal_places", None)))
    return result


def verify_chain(
    model: type[ChainedModel],
    chain: str,
    *,
    after: tuple[int, str] | None = None,
    batch: int = 5000,
) -> ChainReport:
    """Recompute every link of one chain (or those after a known-good (seq, hash))."""
    report = ChainReport(table=model._meta.db_table, chain=chain)
    expected_seq, expected_prev = after if after else (0, GENESIS)
    report.head_seq, report.head_hash = expected_seq, expected_prev
    fields = _normalizers(model)
    names = [name for name, _ in fields]
    keys = list(model.HASH_FIELDS)
    qs = model.objects.filter(chain=chain).order_by("seq")
    while True:
        rows = list(qs.filter(seq__gt=expected_seq).values_list("id", "seq", "prev_hash", "hash", *names)[:batch])
        if not rows:
            return report
        for row in rows:
            pk, seq, prev_hash, stored = row[0], row[1], row[2], row[3]
            content = {"chain": chain, "seq": seq}
            for key, value, (_, places) in zip(keys, row[4:], fields, strict=True):
                content[key] = normalize(value, places)
            expected_seq += 1
            computed = link_hash(prev_hash, dumps(content))
            problem = None
            if seq != expected_seq:
                problem = ("seq", expected_seq, seq)
            elif prev_hash != expected_prev:
                problem = ("prev_hash", expected_prev, prev_hash)
            elif computed != stored:
                problem = ("hash", computed, stored)
            if problem:
                report.ok = False
                report.broken = {
                    "table": report.table,
                    "chain": chain,
                    "seq": seq,
                    "id": pk,
                    "field": problem[0],
                    "expected": str(problem[1]),
                    "found": str(problem[2]),
                }
                return report
            report.rows += 1
            report.head_seq, report.head_hash = seq, stored
            expected_prev = stored


def chains_of(model: type[ChainedModel]) -> list[str]:
    return sorted(model.objects.order_by().values_list("chain", flat=True).distinct())


def verify_all() -> list[ChainReport]:
    """One report per chain of every chained table."""
    return [verify_chain(model, chain) for model in chained_models() for chain in chains_of(model)]
