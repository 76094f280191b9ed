"""Remembered response verdicts (issue 15): the checked body and the decisions behind it, for a
response body this route has already checked for the same audience.

A response check is a pure function of the body bytes and of who receives them: the route (its
scope, exceptions, form mode, public-record fields), the requester (class, agency, subject — a
decision names its requester), the purpose, the language of the notices, the media type and
charset, the page path (forms resolve their submit targets against it), whether the status is a
success (only then does the form map learn) and the policy object. The key holds every one of
them and a SHA-256 or BLAKE2b digest of the body (``_digest``), so a hit returns exactly what the check would compute.

Only the *check* is remembered: every request is still audited (the same decisions are recorded
again, under its own request id), withholding headers are still set, and the form map still
learns what the page asks. A response with request-specific content in its check (notices about
words removed from this request's submission) is never cached.

Bounded: ``max_entries`` verdicts, ``max_body_bytes`` per body and ``max_total_bytes`` of checked
bodies held in all; least recently used goes first. Thread-safe (checks of large bodies run in
worker threads).
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

#: bodies larger than this are checked every time (their digest and their copy would cost more
#: memory than the check saves)
MAX_BODY_BYTES = 1 << 20
MAX_ENTRIES = 512
#: checked bodies held in all (a page sent unchanged holds nothing but its decisions)
MAX_TOTAL_BYTES = 32 << 20


@dataclass(frozen=True)
class Verdict:
    body: bytes | None  # the checked body; None: sent unchanged
    decisions: tuple[Any, ...]
    learned: Any  # what the page's forms ask (form map), or None


_DIGEST: Any = None


def _digest(body: bytes) -> bytes:
    """A collision-resistant digest of ``body``: SHA-256 or BLAKE2b, whichever this machine computes
    faster (SHA-256 with the CPU's SHA extensions runs about twice BLAKE2b's speed; without them,
    slower) — chosen once per process by timing both on 64 KiB; keys live in this process only."""
    global _DIGEST
    if _DIGEST is None:
        import time

        sample = bytes(range(256)) * 256
        cands = {"sha256": lambda b: hashlib.sha256(b).digest(),
                 "blake2b": lambda b: hashlib.blake2b(b, digest_size=32).digest()}
        best = None
        for name, fn in cands.items():
            t = time.perf_counter()
            for _ in range(3):
                fn(sample)
            dt = time.perf_counter() - t
            if best is None or dt < best[0]:
                best = (dt, fn)
        assert best is not None
        _DIGEST = best[1]
    return _DIGEST(body)


class VerdictCache:
    def __init__(self, max_entries: int = MAX_ENTRIES, max_body_bytes: int = MAX_BODY_BYTES,
                 max_total_bytes: int = MAX_TOTAL_BYTES) -> None:
        self.max_entries = max_entries
        self.max_body_bytes = max_body_bytes
        self.max_total_bytes = max_total_bytes
        self.total_bytes = 0
        self._lock = threading.Lock()
        self._data: OrderedDict[Hashable, Verdict] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def key(self, context: tuple[Hashable, ...], body: bytes) -> Hashable | None:
        """The cache key for ``body`` checked in ``context``, or None (not cacheable)."""
        if self.max_entries <= 0 or len(body) > self.max_body_bytes:
            return None
        try:
            hash(context)
        except TypeError:
            return None
        return (context, len(body), _digest(body))

    def get(self, key: Hashable | None) -> Verdict | None:
        if key is None:
            return None
        with self._lock:
            v = self._data.get(key)
            if v is None:
                self.misses += 1
                return None
            self._data.move_to_end(key)
            self.hits += 1
            return v

    def put(self, key: Hashable | None, verdict: Verdict) -> None:
        if key is None:
            return
        size = len(verdict.body or b"")
        if size > self.max_total_bytes:
            return
        with self._lock:
            old = self._data.pop(key, None)
            if old is not None:
                self.total_bytes -= len(old.body or b"")
            self._data[key] = verdict
            self.total_bytes += size
            while len(self._data) > self.max_entries or self.total_bytes > self.max_total_bytes:
                _, gone = self._data.popitem(last=False)
                self.total_bytes -= len(gone.body or b"")

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self.total_bytes = 0

    def __len__(self) -> int:
        return len(self._data)
