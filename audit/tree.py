"""Each hash chain is also an RFC 9162 Merkle tree, whose entries are the rows' chain hashes.

A tree of n leaves needs only the hashes of perfect subtrees, which never change once complete:
`tree_extend` stores those of the rows appended since the last extension (about two per row,
from the tree's right edge, no recomputation), and proofs are folded from a few stored nodes.
The algorithms are `pms_audit.merkle`'s, the module the `pms-audit` client verifies with.
"""

from django.db import connections, router, transaction
from django.db.models import Q

from pms_audit import merkle

from .chain import _lock_key, chained_models
from .models import ChainedModel, MerkleNode

BATCH = 5000


class UnknownLog(ValueError):
    """No chained table has this log name."""


def log_name(model: type[ChainedModel], chain: str) -> str:
    """A chain's log name, e.g. "audit_event/book": unique across tables (two tables have a "book" chain)."""
    return f"{model._meta.db_table}/{chain}"


def resolve(name: str) -> tuple[type[ChainedModel], str]:
    table, _, chain = name.partition("/")
    models = {model._meta.db_table: model for model in chained_models()}
    if table not in models or not chain:
        raise UnknownLog(f"No chain {name!r}: use TABLE/CHAIN, e.g. audit_event/book (see /api/v1/audit/verify).")
    return models[table], chain


# PostgreSQL: the wanted nodes as two arrays joined to the node table, one index probe each. A proof
# needs O(log n) nodes; the ORM's OR of one condition per level cost more to compile than to run.
NODES_SQL = """SELECT n.level, n.index, n.hash FROM unnest(%s::integer[], %s::bigint[]) AS w(level, index)
JOIN {table} AS n ON n."table" = %s AND n.chain = %s AND n.level = w.level AND n.index = w.index"""
SIZE_SQL = """SELECT index FROM {table} WHERE "table" = %s AND chain = %s AND level = 0 ORDER BY index DESC LIMIT 1"""


def _raw(nodes, sql: str, params: list) -> list[tuple] | None:
    """Rows of `sql` on PostgreSQL; None elsewhere (the ORM answers)."""
    connection = connections[router.db_for_read(nodes)]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(sql.format(table=connection.ops.quote_name(nodes._meta.db_table)), params)
        return cursor.fetchall()


def size(table: str, chain: str, nodes=MerkleNode) -> int:
    """Leaves stored so far: the tree's size."""
    # ORDER BY … DESC LIMIT 1 walks the index backwards from its end; MAX() may be planned as a scan of every leaf.
    rows = _raw(nodes, SIZE_SQL, [table, chain])
    if rows is None:
        leaves = nodes.objects.filter(table=table, chain=chain, level=0).order_by("-index")
        rows = [(top,)] if (top := leaves.values_list("index", flat=True).first()) is not None else []
    return rows[0][0] + 1 if rows else 0


def node_hashes(table: str, chain: str, wanted: set[merkle.Node], nodes=MerkleNode) -> dict[merkle.Node, bytes]:
    """The stored hashes of `wanted` nodes, in one query."""
    if not wanted:
        return {}
    levels, indexes = zip(*wanted, strict=True)
    rows = _raw(nodes, NODES_SQL, [list(levels), list(indexes), table, chain])
    if rows is None:
        by_level: dict[int, list[int]] = {}
        for level, index in wanted:
            by_level.setdefault(level, []).append(index)
        match = Q()
        for level, level_indexes in by_level.items():
            match |= Q(level=level, index__in=level_indexes)
        rows = nodes.objects.filter(match, table=table, chain=chain).values_list("level", "index", "hash")
    return {(level, index): bytes.fromhex(hash_) for level, index, hash_ in rows}


def _lock(model, table: str, chain: str) -> None:
    """One extender per tree at a time (SQLite: the IMMEDIATE transaction already holds the write lock)."""
    connection = connections[router.db_for_write(model)]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_lock_key(f"merkle:{table}", chain)])


def tree_extend(model, chain: str, *, nodes=MerkleNode) -> int:
    """Add the rows appended since the last extension to the chain's tree; returns its new size.

    `model`/`nodes` may be a migration's historical models (the backfill)."""
    table = model._meta.db_table
    with transaction.atomic(using=router.db_for_write(nodes)):
        _lock(nodes, table, chain)
        start = size(table, chain, nodes)
        stored = node_hashes(table, chain, set(merkle.perfect_nodes(0, start)), nodes)
        frontier = merkle.Frontier.load(start, stored.__getitem__)
        rows = model.objects.filter(chain=chain).order_by("seq").values_list("seq", "hash")
        while batch := list(rows.filter(seq__gt=frontier.size)[:BATCH]):
            pending = []
            for seq, hash_ in batch:
                if seq != frontier.size + 1:  # a gap: the chain is broken here; verification names it
                    nodes.objects.bulk_create(pending)
                    return frontier.size
                for (level, index), digest in frontier.append(merkle.leaf_hash(bytes.fromhex(hash_))):
                    pending.append(nodes(table=table, chain=chain, level=level, index=index, hash=digest.hex()))
            nodes.objects.bulk_create(pending)
    return frontier.size


class BeyondTree(LookupError):
    """A node the ranges need is not stored: a size beyond the tree (the caller says which)."""


def _resolve(table: str, chain: str, ranges: list[tuple[int, int]]) -> list[bytes]:
    # A range ending past the stored leaves needs a node that is not stored yet: that is the size check,
    # with no query of its own.
    wanted = merkle.nodes_for(ranges)
    stored = node_hashes(table, chain, wanted)
    if len(stored) < len(wanted):
        raise BeyondTree(f"{table}/{chain}: {len(wanted) - len(stored)} nodes of the proof are not stored")
    return merkle.resolve(ranges, stored.__getitem__)


def root(table: str, chain: str, tree_size: int) -> bytes:
    """MTH of the first `tree_size` leaves (which must be stored)."""
    return _resolve(table, chain, [(0, tree_size)])[0] if tree_size else merkle.EMPTY_ROOT


def inclusion_proof(table: str, chain: str, index: int, tree_size: int) -> list[bytes]:
    return _resolve(table, chain, merkle.inclusion_ranges(index, tree_size))


def consistency_proof(table: str, chain: str, first: int, second: int) -> list[bytes]:
    return _resolve(table, chain, merkle.consistency_ranges(first, second))
