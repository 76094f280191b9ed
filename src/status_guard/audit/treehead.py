"""Signed tree heads: what a writer states about the log, and what a witness keeps.

A tree head says "log L (epoch E) holds ``size`` records whose Merkle root is R; the last of them
has chain hash H; written at time T by writer session W, as a marker of kind K". Markers that carry
one: ``start`` (size 0), ``continuation`` and ``end`` (a session's signed start and end),
``checkpoint`` (every N records and every T seconds), ``discontinuity`` (an operator's recovery).
The marker's own kind and writer are inside the signature, so a checkpoint cannot be passed off as
an end marker, and an end marker cannot be moved.

``epoch`` counts the discontinuities an operator has declared in this log (``audit recover``):
after a declared cut, sizes are reused with other roots; a witness compares heads within an epoch.

Signed with Ed25519 over ``DOMAIN + canonical(head without sig)``; a head without a signing key is
kept unsigned (a witness the insider cannot write to still pins it).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .canonical import canonical
from .keys import public_key_id

TREE_HEAD_DOMAIN = b"status_guard.audit.tree-head.v1\n"
HEAD_KEYS = ("log", "epoch", "size", "root", "head", "time", "kind", "writer")
MARKER_KINDS_WITH_HEAD = ("start", "continuation", "checkpoint", "end", "discontinuity")


def make_head(*, log: str, epoch: int, size: int, root: str, head: str, time: str, kind: str, writer: str,
              key: Ed25519PrivateKey | None) -> dict[str, Any]:
    sth: dict[str, Any] = {"log": log, "epoch": epoch, "size": size, "root": root, "head": head, "time": time,
                           "kind": kind, "writer": writer}
    if key is not None:
        sth["key_id"] = public_key_id(key.public_key())
        sth["sig"] = key.sign(head_message(sth)).hex()
    return sth


def head_message(sth: Mapping[str, Any]) -> bytes:
    body = {k: sth.get(k) for k in HEAD_KEYS}
    if sth.get("key_id") is not None:
        body["key_id"] = sth["key_id"]
    return TREE_HEAD_DOMAIN + canonical(body)


def shape_problem(sth: Any) -> str | None:
    """None when ``sth`` has the shape of a tree head, else what is wrong (types only; never values)."""
    if not isinstance(sth, Mapping):
        return "a tree head must be a JSON object"
    for k, t in (("log", str), ("root", str), ("head", str), ("time", str), ("kind", str), ("writer", str)):
        if not isinstance(sth.get(k), t):
            return f"tree head field {k!r} must be a string"
    for k in ("epoch", "size"):
        v = sth.get(k)
        if not isinstance(v, int) or isinstance(v, bool) or v < 0:
            return f"tree head field {k!r} must be a non-negative integer"
    if len(sth["root"]) != 64 or len(sth["head"]) != 64:
        return "tree head root/head must be 64 hex characters"
    try:
        bytes.fromhex(sth["root"])
        bytes.fromhex(sth["head"])
    except ValueError:
        return "tree head root/head must be hex"
    for k in ("key_id", "sig"):
        if k in sth and not isinstance(sth[k], str):
            return f"tree head field {k!r} must be a string"
    return None


def check_head_signature(sth: Mapping[str, Any], public_key: Ed25519PublicKey) -> str | None:
    """None when the head is signed by ``public_key``, else why not."""
    if not sth.get("sig"):
        return "the tree head is not signed"
    if sth.get("key_id") != public_key_id(public_key):
        return "signed by a different key than the public key given"
    try:
        public_key.verify(bytes.fromhex(str(sth["sig"])), head_message(sth))
    except (InvalidSignature, ValueError, TypeError):
        return "signature does not verify"
    return None
