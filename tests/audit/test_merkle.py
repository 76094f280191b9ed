"""The Merkle tree (RFC 6962 / RFC 9162) the log's tree heads, consistency and inclusion proofs rest on.

Invariants:
* the frontier's root after n appends equals MTH(D[0:n]) computed by the RFC's recursive definition;
* a consistency proof built from the frontier at m and the leaves [m, n) verifies against the two
  roots, and any change to the proof, the old root or the new root makes it fail;
* an inclusion proof verifies for the right leaf, index, size and root, and fails for another leaf
  or another root; streaming it with one frontier per sibling range gives the same hashes.
"""

from __future__ import annotations

import base64

from hypothesis import given, settings
from hypothesis import strategies as st

from status_guard.audit.merkle import (
    EMPTY_ROOT,
    Frontier,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    path_ranges,
    root_of,
    verify_consistency,
    verify_inclusion,
)

# RFC 6962 test leaves as used by Certificate Transparency implementations (transparency-dev/merkle testdata)
RFC_LEAVES = [b"", b"\x00", b"\x10", b"\x20\x21", b"\x30\x31", b"\x40\x41\x42\x43", bytes(range(0x50, 0x58)),
              bytes(range(0x60, 0x70))]


def _b64(s: str) -> bytes:
    return base64.b64decode(s)


def test_known_vectors_root_and_consistency_from_one_to_eight() -> None:
    leaves = [leaf_hash(x) for x in RFC_LEAVES]
    assert root_of(leaves) == _b64("XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=")
    assert root_of(leaves[:1]) == _b64("bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=")
    proof = [_b64("lqKW0iTyhcZ77pPDD4owkVfw2qNdxbh+QQt4YwoJz8c="), _b64("Xwg/ChozygdqlSeYMlgNs+DvRYS9/x9UyKNg9Q3jAx4="),
             _b64("a0eq8p7jwq+a+Im8H7klTavTEXfxYjLdaqsDXKOb9uQ=")]
    f = Frontier()
    f.append(leaves[0])
    assert consistency_proof(f, leaves[1:]) == proof
    assert verify_consistency(1, 8, root_of(leaves[:1]), root_of(leaves), proof)
    assert Frontier().root() == EMPTY_ROOT


def _leaves(n: int, salt: int = 0) -> list[bytes]:
    return [leaf_hash(f"{salt}:{i}".encode()) for i in range(n)]


@settings(max_examples=200, deadline=None)
@given(n=st.integers(0, 300))
def test_frontier_root_is_the_rfc_tree_hash(n: int) -> None:
    leaves = _leaves(n)
    f = Frontier()
    for x in leaves:
        f.append(x)
    assert f.size == n and f.root() == root_of(leaves)
    assert Frontier.from_hex(n, f.to_hex()).root() == f.root()
    assert [b - a for a, b in f.ranges()] == sorted([b - a for a, b in f.ranges()], reverse=True)


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_consistency_proofs_verify_and_any_tampering_fails(data: st.DataObject) -> None:
    n = data.draw(st.integers(1, 200))
    m = data.draw(st.integers(1, n))
    leaves = _leaves(n)
    f = Frontier()
    for x in leaves[:m]:
        f.append(x)
    proof = consistency_proof(f.copy(), leaves[m:])
    old, new = root_of(leaves[:m]), root_of(leaves)
    assert verify_consistency(m, n, old, new, proof)
    assert not verify_consistency(m, n, old, root_of(_leaves(n, salt=1)), proof)  # another history
    if m < n:
        assert not verify_consistency(m, n, root_of(_leaves(m, salt=1)), new, proof)
    if proof:
        i = data.draw(st.integers(0, len(proof) - 1))
        bad = list(proof)
        bad[i] = bytes(32)
        assert not verify_consistency(m, n, old, new, bad)
        assert not verify_consistency(m, n, old, new, proof[:-1])
        assert not verify_consistency(m, n, old, new, proof + [bytes(32)])


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_inclusion_proofs_verify_only_the_right_leaf_and_stream_the_same(data: st.DataObject) -> None:
    n = data.draw(st.integers(1, 200))
    i = data.draw(st.integers(0, n - 1))
    leaves = _leaves(n)
    root = root_of(leaves)
    proof = inclusion_proof(leaves, i)
    assert verify_inclusion(leaves[i], i, n, proof, root)
    assert not verify_inclusion(leaf_hash(b"forged"), i, n, proof, root)
    assert not verify_inclusion(leaves[i], i, n, proof, root_of(_leaves(n, salt=2)))
    if n > 1:
        other = (i + 1) % n
        assert not verify_inclusion(leaves[other], i, n, proof, root)
    streamed = []
    for lo, hi in path_ranges(i, n):
        f = Frontier()
        for x in leaves[lo:hi]:
            f.append(x)
        streamed.append(f.root())
    assert streamed == proof
