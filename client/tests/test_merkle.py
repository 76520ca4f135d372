"""The proof algorithms against transparency-dev/merkle's published vectors (vectors.json), and
against a tree built leaf by leaf: generation, verification, and tampered proofs refused."""

import json
from pathlib import Path

import pytest

from pms_audit import merkle

VECTORS = json.loads((Path(__file__).parent / "vectors.json").read_text())
LEAVES = [merkle.leaf_hash(bytes.fromhex(entry)) for entry in VECTORS["leaves"]]
ROOTS = [bytes.fromhex(root) for root in VECTORS["roots"]]


def stored_nodes(leaves: list[bytes]) -> dict:
    nodes, frontier = {}, merkle.Frontier()
    for leaf in leaves:
        nodes.update(frontier.append(leaf))
    return nodes


NODES = stored_nodes(LEAVES)


def test_roots_of_every_prefix_match_the_vectors():
    assert [merkle.root_of(LEAVES[:size]) for size in range(1, 9)] == ROOTS
    assert merkle.root_of([]).hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


@pytest.mark.parametrize("case", VECTORS["inclusion"], ids=lambda c: f"{c['leaf']}-of-{c['size']}")
def test_inclusion_proofs_match_and_verify(case):
    index, size, expected = case["leaf"] - 1, case["size"], [bytes.fromhex(h) for h in case["proof"]]
    assert merkle.resolve(merkle.inclusion_ranges(index, size), NODES.__getitem__) == expected
    merkle.verify_inclusion(index, size, LEAVES[index], expected, ROOTS[size - 1])


@pytest.mark.parametrize("case", VECTORS["consistency"], ids=lambda c: f"{c['size1']}-to-{c['size2']}")
def test_consistency_proofs_match_and_verify(case):
    first, second, expected = case["size1"], case["size2"], [bytes.fromhex(h) for h in case["proof"]]
    assert merkle.resolve(merkle.consistency_ranges(first, second), NODES.__getitem__) == expected
    merkle.verify_consistency(first, second, expected, ROOTS[first - 1], ROOTS[second - 1])


def _flip(proof: list[bytes], i: int) -> list[bytes]:
    return [bytes([h[0] ^ 8, *h[1:]]) if j == i else h for j, h in enumerate(proof)]


@pytest.mark.parametrize("case", VECTORS["inclusion"][1:], ids=lambda c: f"{c['leaf']}-of-{c['size']}")
def test_tampered_inclusion_proofs_are_refused(case):
    index, size, proof = case["leaf"] - 1, case["size"], [bytes.fromhex(h) for h in case["proof"]]
    root, leaf = ROOTS[size - 1], LEAVES[index]
    bad = [
        (index + 1, size, leaf, proof, root),
        (index, size * 2, leaf, proof, root),
        (index, size, merkle.leaf_hash(b"WrongLeaf"), proof, root),
        (index, size, leaf, proof, merkle.EMPTY_ROOT),
        (index, size, leaf, [*proof, b""], root),
        (index, size, leaf, [root, *proof], root),
        (index, size, leaf, proof[:-1], root),
        *[(index, size, leaf, _flip(proof, i), root) for i in range(len(proof))],
    ]
    for args in bad:
        with pytest.raises(merkle.ProofError):
            merkle.verify_inclusion(*args)


@pytest.mark.parametrize("case", VECTORS["consistency"][1:], ids=lambda c: f"{c['size1']}-to-{c['size2']}")
def test_tampered_consistency_proofs_are_refused(case):
    first, second, proof = case["size1"], case["size2"], [bytes.fromhex(h) for h in case["proof"]]
    r1, r2 = ROOTS[first - 1], ROOTS[second - 1]
    bad = [
        (first + 1, second, proof, r1, r2),
        (first, second * 2, proof, r1, r2),
        (first, second, proof, r2, r1),
        (first, second, [], r1, r2),
        (first, second, [*proof, r1], r1, r2),
        (first, second, [proof[0], *proof], r1, r2),
        (first, second, proof[:-1], r1, r2),
        *[(first, second, _flip(proof, i), r1, r2) for i in range(len(proof))],
    ]
    for args in bad:
        with pytest.raises(merkle.ProofError):
            merkle.verify_consistency(*args)


def test_every_proof_of_a_larger_tree_verifies_against_its_own_roots():
    leaves = [merkle.leaf_hash(str(i).encode()) for i in range(37)]
    nodes = stored_nodes(leaves)
    roots = [merkle.root_of(leaves[:n]) for n in range(38)]
    for size in range(1, 38):
        for index in range(size):
            proof = merkle.resolve(merkle.inclusion_ranges(index, size), nodes.__getitem__)
            merkle.verify_inclusion(index, size, leaves[index], proof, roots[size])
        for first in range(size + 1):
            proof = merkle.resolve(merkle.consistency_ranges(first, size), nodes.__getitem__)
            merkle.verify_consistency(first, size, proof, roots[first], roots[size])


def test_impossible_sizes_are_named():
    with pytest.raises(merkle.ProofError, match="must not exceed"):
        merkle.consistency_ranges(5, 3)
    with pytest.raises(merkle.ProofError, match="not in a tree of size 3"):
        merkle.inclusion_ranges(3, 3)
    with pytest.raises(merkle.ProofError, match="forked"):
        merkle.verify_consistency(3, 3, [], ROOTS[2], ROOTS[1])
