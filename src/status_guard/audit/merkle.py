"""The log as a Merkle tree, in the style of RFC 6962 / RFC 9162 (Certificate Transparency).

Leaves are the stored records, in sequence order: leaf ``i`` is the canonical bytes of the record
with ``seq == i``. ``leaf_hash(d) = SHA-256(0x00 || d)``, ``node_hash(l, r) = SHA-256(0x01 || l || r)``;
the tree of ``n`` leaves splits at ``k``, the largest power of two smaller than ``n`` (RFC 9162
§2.1.1). The root of the empty tree is ``SHA-256("")``.

* :class:`Frontier` — the compact range ``[0, n)``: one hash per set bit of ``n`` (at most 64).
  Appending a leaf costs one leaf hash plus, on average, one node hash; ``root()`` folds the
  frontier. Writers and verifiers keep one, never the whole tree.
* :func:`consistency_proof` (RFC 6962 §2.1.2 SUBPROOF) from a frontier at ``m`` and the leaf hashes
  ``[m, n)``: a proof needs no node left of ``m`` that is not in ``m``'s frontier, so the writer
  proves a new head against the previous one without reading older records.
* :func:`inclusion_proof` (RFC 6962 §2.1.1 PATH) from all leaf hashes (an officer's tool).
* :func:`verify_inclusion` / :func:`verify_consistency` — RFC 9162 §2.1.3.2 / §2.1.4.2, written
  from the RFC's text.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

EMPTY_ROOT = hashlib.sha256(b"").digest()
_sha256 = hashlib.sha256


def leaf_hash(data: bytes) -> bytes:
    return _sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return _sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two strictly smaller than ``n`` (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def root_of(leaves: Sequence[bytes]) -> bytes:
    """MTH over leaf *hashes* (RFC 9162 §2.1.1), recursively: the reference the faster code is held to."""
    n = len(leaves)
    if n == 0:
        return EMPTY_ROOT
    if n == 1:
        return leaves[0]
    k = _split(n)
    return node_hash(root_of(leaves[:k]), root_of(leaves[k:]))


class Frontier:
    """The roots of the maximal perfect subtrees covering ``[0, size)``, left to right."""

    __slots__ = ("size", "nodes")

    def __init__(self, size: int = 0, nodes: Sequence[bytes] = ()) -> None:
        if size < 0 or len(nodes) != bin(size).count("1"):
            raise ValueError("a frontier of size n holds one hash per set bit of n")
        self.size = size
        self.nodes = list(nodes)

    def copy(self) -> Frontier:
        return Frontier(self.size, self.nodes)

    def append(self, leaf: bytes) -> None:
        """Add one leaf *hash*."""
        h = leaf
        n = self.size
        nodes = self.nodes
        while n & 1:  # merge equal-sized perfect subtrees
            h = node_hash(nodes.pop(), h)
            n >>= 1
        nodes.append(h)
        self.size += 1

    def root(self) -> bytes:
        if not self.nodes:
            return EMPTY_ROOT
        h = self.nodes[-1]
        for left in reversed(self.nodes[:-1]):
            h = node_hash(left, h)
        return h

    def ranges(self) -> list[tuple[int, int]]:
        """The ``[lo, hi)`` leaf range of each frontier node."""
        out, lo = [], 0
        for bit in reversed(range(self.size.bit_length())):
            if self.size >> bit & 1:
                out.append((lo, lo + (1 << bit)))
                lo += 1 << bit
        return out

    def to_hex(self) -> list[str]:
        return [h.hex() for h in self.nodes]

    @classmethod
    def from_hex(cls, size: int, nodes: Sequence[str]) -> Frontier:
        return cls(size, [bytes.fromhex(h) for h in nodes])


def consistency_proof(old: Frontier, new_leaves: Sequence[bytes]) -> list[bytes]:
    """RFC 6962 SUBPROOF(m, D[0:n], true) for m = ``old.size``, n = m + len(new_leaves), computed from
    ``old`` (the frontier at m) and the leaf hashes ``[m, n)`` only."""
    m, n = old.size, old.size + len(new_leaves)
    if m == 0 or m == n:
        return []
    known = dict(zip(old.ranges(), old.nodes))

    def node(lo: int, hi: int) -> bytes:
        if lo >= m:
            return root_of(new_leaves[lo - m:hi - m])
        h = known.get((lo, hi))
        if h is None:  # cannot happen for a well-formed proof (see module docstring)
            raise AssertionError(f"consistency proof needs node [{lo},{hi}) outside the frontier")
        return h

    return _subproof(m, 0, n, True, node)


def _subproof(m: int, lo: int, hi: int, complete: bool, node: Callable[[int, int], bytes]) -> list[bytes]:
    n = hi - lo
    if m == n:
        return [] if complete else [node(lo, hi)]
    k = _split(n)
    if m <= k:
        return _subproof(m, lo, lo + k, complete, node) + [node(lo + k, hi)]
    return _subproof(m - k, lo + k, hi, False, node) + [node(lo, lo + k)]


def inclusion_proof(leaves: Sequence[bytes], index: int, size: int | None = None) -> list[bytes]:
    """RFC 6962 PATH(index, D[0:size]) over leaf hashes (``size`` defaults to all of them)."""
    size = len(leaves) if size is None else size
    if not 0 <= index < size <= len(leaves):
        raise ValueError("index must be within the tree")
    out: list[bytes] = []
    lo, hi = 0, size
    while hi - lo > 1:  # walk down from the root, collecting siblings (deepest first at the end)
        k = _split(hi - lo)
        if index < lo + k:
            out.append(root_of(leaves[lo + k:hi]))
            hi = lo + k
        else:
            out.append(root_of(leaves[lo:lo + k]))
            lo = lo + k
    out.reverse()
    return out


def path_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """The leaf ranges whose roots make up PATH(index, D[0:size]), in proof order (deepest first):
    a caller can stream the leaves once and keep one frontier per range (bounded memory)."""
    if not 0 <= index < size:
        raise ValueError("index must be within the tree")
    out: list[tuple[int, int]] = []
    lo, hi = 0, size
    while hi - lo > 1:
        k = _split(hi - lo)
        if index < lo + k:
            out.append((lo + k, hi))
            hi = lo + k
        else:
            out.append((lo, lo + k))
            lo = lo + k
    out.reverse()
    return out


def path_length(index: int, size: int) -> int:
    """How many hashes PATH(index, D[0:size]) holds."""
    count, lo, hi = 0, 0, size
    while hi - lo > 1:
        k = _split(hi - lo)
        lo, hi = (lo, lo + k) if index < lo + k else (lo + k, hi)
        count += 1
    return count


def subproof_length(m: int, n: int) -> int:
    """How many hashes SUBPROOF(m, D[0:n], true) holds (0 < m <= n)."""
    count, complete = 0, True
    while m != n:
        k = _split(n)
        if m <= k:
            n = k
        else:
            m, n, complete = m - k, n - k, False
        count += 1
    return count + (0 if complete else 1)


def verify_inclusion(leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes) -> bool:
    """RFC 9162 §2.1.3.2: does ``proof`` show leaf hash ``leaf`` at ``index`` in the tree ``(size, root)``?
    A proof of the wrong length for ``(index, size)`` is refused outright."""
    if not 0 <= index < size or len(proof) != path_length(index, size):
        return False
    fn, sn = index, size - 1
    r = leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(first: int, second: int, first_root: bytes, second_root: bytes,
                       proof: Sequence[bytes]) -> bool:
    """RFC 9162 §2.1.4.2: is the tree ``(second, second_root)`` an append-only extension of
    ``(first, first_root)``? The empty tree is a prefix of every tree; equal sizes need equal roots
    and an empty proof. A proof of the wrong length for ``(first, second)`` is refused outright."""
    if first < 0 or second < first:
        return False
    if first == 0:
        return not proof
    if first == second:
        return not proof and first_root == second_root
    if len(proof) != subproof_length(first, second):
        return False
    path = list(proof)
    if first & (first - 1) == 0:  # an exact power of two: the old root is the first subtree
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == first_root and sr == second_root and sn == 0
