"""Canonical JSON and the chain hash.

Canonical form: UTF-8 JSON, keys sorted, no whitespace, no floats (records hold none: amounts are
decimal strings), produced by ``orjson`` with ``OPT_SORT_KEYS``. Every key in a record is ASCII
(the allow-list guarantees it), so the key order is unambiguous in any implementation.

A record's ``hash`` is SHA-256 (or HMAC-SHA256 under a key) over ``DOMAIN + canonical(record
without "hash")``. The record holds ``prev_hash``, so each hash covers the whole chain before it.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any, Mapping

import orjson

DOMAIN = b"status_guard.audit.v1\n"
GENESIS_HASH = "0" * 64
ALG_SHA256 = "sha256"
ALG_HMAC = "hmac-sha256"


def canonical(obj: Mapping[str, Any]) -> bytes:
    return orjson.dumps(obj, option=orjson.OPT_SORT_KEYS)


NOT_HASHED = ("hash", "auth")  # a record's own hash, and the writer MAC computed over that hash


def record_hash(record: Mapping[str, Any], hmac_key: bytes | None) -> str:
    """The chain hash of ``record`` (its own ``hash`` and ``auth`` keys, if present, are left out)."""
    body = record if "hash" not in record and "auth" not in record else \
        {k: v for k, v in record.items() if k not in NOT_HASHED}
    data = DOMAIN + canonical(body)
    if hmac_key is not None:
        return hmac.digest(hmac_key, data, "sha256").hex()
    return hashlib.sha256(data).hexdigest()


def hashes_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("ascii", "replace"), b.encode("ascii", "replace"))
