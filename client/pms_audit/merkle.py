"""RFC 9162 Merkle trees: hashes, proofs, and their verification (standard library only).

The server builds proofs from stored perfect-subtree hashes; the `pms-audit` client verifies
them. Both use this module, so there is one implementation of the algorithms. A node is named
(level, index): the perfect subtree of 2**level leaves starting at leaf index * 2**level.
"""

import hashlib
from collections.abc import Callable, Iterable

Node = tuple[int, int]
EMPTY_ROOT = hashlib.sha256(b"").digest()


class ProofError(ValueError):
    """A proof that does not verify, or parameters no proof can exist for; the message says which."""


def leaf_hash(entry: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(size: int) -> int:
    """The largest power of two smaller than size (size > 1)."""
    return 1 << ((size - 1).bit_length() - 1)


def perfect_nodes(start: int, end: int) -> list[Node]:
    """The perfect subtrees that make up MTH(D[start:end]) as RFC 9162 splits it, left to right."""
    nodes = []
    while start < end:
        level = (end - start).bit_length() - 1
        while start % (1 << level):
            level -= 1
        nodes.append((level, start >> level))
        start += 1 << level
    return nodes


def fold(hashes: list[bytes]) -> bytes:
    """MTH of a range from its perfect subtrees (sizes decreasing left to right): fold from the right."""
    result = hashes[-1]
    for left in reversed(hashes[:-1]):
        result = node_hash(left, result)
    return result


def inclusion_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """The leaf ranges whose MTHs form PATH(index, D[0:size]) (RFC 9162 §2.1.3.1), in proof order."""
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is not in a tree of size {size}")
    ranges, start, end = [], 0, size
    while end - start > 1:
        k = _split(end - start)
        if index < start + k:
            ranges.append((start + k, end))
            end = start + k
        else:
            ranges.append((start, start + k))
            start += k
    return ranges[::-1]


def consistency_ranges(first: int, second: int) -> list[tuple[int, int]]:
    """The leaf ranges whose MTHs form PROOF(first, D[0:second]) (RFC 9162 §2.1.4.1), in proof order."""
    if not 0 <= first <= second:
        raise ProofError(f"no consistency proof from size {first} to {second}: the first must not exceed the second")
    if first in (0, second):
        return []
    ranges: list[tuple[int, int]] = []
    start, end, whole = 0, second, True  # SUBPROOF(m, D[start:end], b)
    m = first
    while True:
        n = end - start
        if m == n:
            if not whole:
                ranges.append((start, end))
            break
        k = _split(n)
        if m <= k:
            ranges.append((start + k, end))
            end = start + k
        else:
            ranges.append((start, start + k))
            start, m, whole = start + k, m - k, False
    return ranges[::-1]


def nodes_for(ranges: Iterable[tuple[int, int]]) -> set[Node]:
    """Every stored node needed to answer these ranges: what a server fetches in one query."""
    return {node for start, end in ranges for node in perfect_nodes(start, end)}


def resolve(ranges: list[tuple[int, int]], node: Callable[[Node], bytes]) -> list[bytes]:
    """The MTH of each range, from a lookup of perfect-subtree hashes."""
    return [fold([node(n) for n in perfect_nodes(start, end)]) for start, end in ranges]


def root_from_inclusion(index: int, size: int, leaf: bytes, proof: list[bytes]) -> bytes:
    """RFC 9162 §2.1.3.2: the root that `proof` implies for `leaf` at `index` in a tree of `size`."""
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is not in a tree of size {size}")
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise ProofError("inclusion proof has too many hashes")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError("inclusion proof has too few hashes")
    return r


def verify_inclusion(index: int, size: int, leaf: bytes, proof: list[bytes], root: bytes) -> None:
    """Raise ProofError unless `proof` shows `leaf` at `index` in the tree of `size` with `root`."""
    if root_from_inclusion(index, size, leaf, proof) != root:
        raise ProofError(f"inclusion proof of leaf {index} does not lead to the root of the tree of size {size}")


def verify_consistency(first: int, second: int, proof: list[bytes], first_root: bytes, second_root: bytes) -> None:
    """RFC 9162 §2.1.4.2: raise ProofError unless the tree of `second` extends the tree of `first`."""
    if not 0 <= first <= second:
        raise ProofError(f"size {second} is smaller than size {first}: history does not only grow")
    if first in (0, second):
        if proof:
            raise ProofError("consistency proof must be empty for these sizes")
        if first == second and first_root != second_root:
            raise ProofError(f"two different roots for the same size {first}: forked")
        return
    if not proof:
        raise ProofError("consistency proof is empty")
    if first & (first - 1) == 0:  # a power of two: the first tree's root is the first node
        proof = [first_root, *proof]
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            raise ProofError("consistency proof has too many hashes")
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError("consistency proof has too few hashes")
    if fr != first_root:
        raise ProofError(f"consistency proof does not lead to the root of size {first}: history was rewritten")
    if sr != second_root:
        raise ProofError(f"consistency proof does not lead to the root of size {second}")


class Frontier:
    """The right edge of a growing tree: log2(n) hashes, so a root is computed in constant memory."""

    def __init__(self) -> None:
        self.size = 0
        self.stack: list[tuple[int, bytes]] = []  # (level, hash), levels decreasing

    def append(self, leaf: bytes) -> list[tuple[Node, bytes]]:
        """Add a leaf hash; returns every perfect subtree completed by it, the leaf included."""
        level, current, done = 0, leaf, [((0, self.size), leaf)]
        while self.stack and self.stack[-1][0] == level:
            current = node_hash(self.stack.pop()[1], current)
            level += 1
            done.append(((level, self.size >> level), current))
        self.stack.append((level, current))
        self.size += 1
        return done

    def push(self, leaf: bytes) -> None:
        """`append` without naming the completed subtrees: a verifier's inner loop, one call per leaf."""
        size, current, stack = self.size, leaf, self.stack
        while size & 1:  # the stack's levels are the set bits of size: each trailing one is a merge
            current = node_hash(stack.pop()[1], current)
            size >>= 1
        stack.append(((self.size ^ (self.size + 1)).bit_length() - 1, current))
        self.size += 1

    def root(self) -> bytes:
        return fold([h for _, h in self.stack]) if self.stack else EMPTY_ROOT

    @classmethod
    def load(cls, size: int, node: Callable[[Node], bytes]) -> "Frontier":
        """Resume a tree of `size` leaves from its stored perfect subtrees."""
        frontier = cls()
        frontier.size = size
        frontier.stack = [(level, node((level, index))) for level, index in perfect_nodes(0, size)]
        return frontier


def root_of(leaves: Iterable[bytes]) -> bytes:
    """MTH of leaf hashes, streaming."""
    frontier = Frontier()
    for leaf in leaves:
        frontier.append(leaf)
    return frontier.root()
