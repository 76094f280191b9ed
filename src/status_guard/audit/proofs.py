"""Inclusion proofs: show that one record is in the log, to someone who holds a tree head.

An officer proves "this refusal is in the log" without handing over the log: the record itself
(value-free, by design), its position, the O(log n) hashes of RFC 6962 PATH, and the tree head it
is proved against (signed; ideally one the witness holds). The recipient checks it with the public
key alone::

    bundle = prove(sink, seq=1234)                  # against the latest signed head covering it
    problems = check_bundle(bundle, public_key)     # [] when the record is in the log
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import orjson
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from .errors import AuditConfigError
from .merkle import Frontier, leaf_hash, path_ranges, verify_inclusion
from .sinks.base import Sink
from .treehead import check_head_signature, shape_problem

BUNDLE_TYPE = "status_guard.inclusion_proof"


def prove(sink: Sink, seq: int, head: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """An inclusion proof for the record ``seq``, against ``head`` (a tree head, e.g. from the
    witness) or, by default, the latest tree head stored in the log that covers it.

    Reads the log once; memory stays O(log² n) (one frontier per sibling subtree of the path)."""
    if seq < 0:
        raise AuditConfigError("seq must be a non-negative integer")
    if head is not None:
        why = shape_problem(head)
        if why:
            raise AuditConfigError(f"the tree head given is malformed: {why}")
        if seq >= int(head["size"]):
            raise AuditConfigError(f"the tree head covers seq 0-{int(head['size']) - 1}; seq {seq} is not in it")
    # first pass: the head to prove against (the latest stored head covering seq that matches the records)
    target: dict[str, Any] | None = dict(head) if head is not None else None
    record: bytes | None = None
    tree = Frontier()
    root_at: bytes | None = None
    want = int(target["size"]) if target is not None else None
    for data, rec in _records(sink):
        if want is not None and tree.size == want:
            root_at = tree.root()
            break
        sth = rec.get("sth")
        if head is None and isinstance(sth, dict) and sth.get("size") == tree.size and tree.size > seq \
                and sth.get("root") == tree.root().hex():
            target = sth
        if tree.size == seq:
            if rec["seq"] != seq:
                raise AuditConfigError(f"the log's record at position {seq} is seq {rec['seq']}: the log is damaged "
                                       "(run `status-guard audit verify`)")
            record = data
        tree.append(leaf_hash(data))
    if want is not None and root_at is None and tree.size == want:
        root_at = tree.root()
    if record is None:
        raise AuditConfigError(f"the log holds no record seq {seq}")
    if target is None:
        raise AuditConfigError(f"no tree head stored in the log covers seq {seq} yet (the next checkpoint will); "
                               "or give a head with --head")
    if head is not None:
        if root_at is None:
            raise AuditConfigError(f"the tree head covers {want} records but the log holds {tree.size}")
        if root_at.hex() != head["root"]:
            raise AuditConfigError("the log's first records do not match the tree head given: the log changed after it "
                                   "was written (run `status-guard audit verify --witness`)")
    size = int(target["size"])
    ranges = path_ranges(seq, size)
    order = sorted(range(len(ranges)), key=lambda i: ranges[i][0])
    fronts = [Frontier() for _ in ranges]
    k = 0
    for pos, (data, _) in enumerate(_records(sink)):
        if pos >= size:
            break
        while k < len(order) and pos >= ranges[order[k]][1]:
            k += 1
        if k < len(order) and ranges[order[k]][0] <= pos < ranges[order[k]][1]:
            fronts[order[k]].append(leaf_hash(data))
    proof = [f.root() for f in fronts]
    return {"type": BUNDLE_TYPE, "v": 1, "leaf_index": seq, "tree_size": size, "record": record.decode(),
            "proof": [p.hex() for p in proof], "sth": target}


def _records(sink: Sink) -> Iterator[tuple[bytes, dict[str, Any]]]:
    """The stored records (the Merkle leaves), in storage order."""
    for item in sink.raw_items():
        if item.oversize or not item.complete:
            continue
        try:
            rec = orjson.loads(item.data)
        except orjson.JSONDecodeError:
            continue
        if isinstance(rec, dict) and isinstance(rec.get("seq"), int) and isinstance(rec.get("hash"), str) \
                and isinstance(rec.get("prev_hash"), str):
            yield item.data, rec


def check_bundle(bundle: Any, public_key: Ed25519PublicKey | None) -> list[str]:
    """What is wrong with an inclusion proof ([] when the record is in the log the head describes)."""
    if not isinstance(bundle, Mapping) or bundle.get("type") != BUNDLE_TYPE:
        return [f"not an inclusion proof (type must be {BUNDLE_TYPE!r})"]
    sth = bundle.get("sth")
    why = shape_problem(sth)
    if why:
        return [why]
    assert isinstance(sth, Mapping)
    idx, size, proof, record = bundle.get("leaf_index"), bundle.get("tree_size"), bundle.get("proof"), bundle.get("record")
    if not isinstance(idx, int) or isinstance(idx, bool) or not isinstance(size, int) or isinstance(size, bool):
        return ["leaf_index and tree_size must be integers"]
    if not isinstance(record, str) or len(record) > 1024 * 1024:
        return ["record must be the stored record as a string"]
    if not isinstance(proof, list) or len(proof) > 128 or not all(isinstance(p, str) and len(p) == 64 for p in proof):
        return ["proof must be a list of at most 128 hex hashes"]
    out: list[str] = []
    if size != sth["size"]:
        out.append("tree_size differs from the tree head's size")
    try:
        rec = orjson.loads(record)
    except orjson.JSONDecodeError:
        return out + ["record is not JSON"]
    if not isinstance(rec, dict) or rec.get("seq") != idx:
        out.append("the record's seq is not the leaf index")
    if isinstance(rec, dict) and rec.get("v") == 2 and "log" in rec and rec.get("log") != sth["log"]:
        out.append("the record names another log")
    try:
        hashes = [bytes.fromhex(p) for p in proof]
        root = bytes.fromhex(sth["root"])
    except ValueError:
        return out + ["proof hashes must be hex"]
    if not verify_inclusion(leaf_hash(record.encode()), idx, size, hashes, root):
        out.append("the proof does not lead from this record to the tree head's root: the record is not in that tree")
    if public_key is not None:
        why = check_head_signature(sth, public_key)
        if why:
            out.append(f"tree head: {why}")
    return out
