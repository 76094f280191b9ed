"""One consistent read of the audit log: the same bytes are verified and then counted.

Reports, obligations, complaints and the dashboard all work from a :class:`Snapshot`, so a figure
is never computed from records the verifier did not see.

:func:`take_snapshot` reads and verifies the whole log (the CLI, once per command).
:class:`LogReader` does the same for a long-running reader (the dashboard) without re-verifying
what it already verified: it keeps the verified prefix (its bytes' digest and the chain head it
ends at, a checkpoint of its own) and, on each read, checks that the prefix is byte-for-byte what
was verified and verifies only the records after it (:mod:`.incremental`). Anything unusual, and
every failure, is verified again in full, so the answer is always the full verifier's.
"""

from __future__ import annotations

import gc
import hashlib
import os
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson

from status_guard.audit import AuditLog, open_sink
from status_guard.audit.sinks.base import RawItem, Sink
from status_guard.audit.verify import VerifyReport, verify_items

SINK_KINDS = {"jsonl": "JSON Lines file", "sqlite": "SQLite database", "postgresql": "PostgreSQL table",
              "postgres": "PostgreSQL table", "memory": "in-memory log"}


def sink_kind(description: str) -> str:
    """'JSON Lines file': what the log is, without saying where it lives (no server paths in reports)."""
    return SINK_KINDS.get(description.partition(":")[0].lower(), "audit log")


@dataclass(frozen=True)
class Snapshot:
    """The parsed records of one read of the log, with that read's verification result."""

    description: str
    verification: VerifyReport
    records: tuple[dict[str, Any], ...]
    hmac_key_given: bool = False
    generation: str = ""              # changes whenever the bytes read change (a cache key for pages)
    base_generation: str = ""         # the read this one extends by appended records (else "")
    base_count: int = 0               # how many of its records that read had
    # reads of one lineage only ever append: records[:n] of a later read are records[:n] of an earlier one,
    # so what was computed from the first n records of one read holds for every later read of the lineage
    lineage: int = 0
    _by_seq: dict[int, int] | None = field(default=None, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return self.verification.ok

    @property
    def kind(self) -> str:
        return sink_kind(self.description)

    def by_seq(self, seq: int) -> dict[str, Any] | None:
        recs = self.records
        if self.verification.ok and recs and isinstance(first := recs[0].get("seq"), int):
            # a verified log holds seq first, first+1, ... in order: the record is at its offset (no index of
            # 100 000 records built for every read)
            i = seq - first
            if 0 <= i < len(recs) and recs[i].get("seq") == seq:
                return recs[i]
        index = self._by_seq
        if index is None:
            index = {r["seq"]: i for i, r in enumerate(self.records) if isinstance(r.get("seq"), int)}
            object.__setattr__(self, "_by_seq", index)
        i = index.get(seq)
        return self.records[i] if i is not None else None

    @property
    def not_a_log(self) -> str | None:
        """The plain message when the file read is not an audit log at all (see :func:`not_an_audit_log`)."""
        return not_an_audit_log(self.description, self.verification)

    def view(self) -> Any:
        from .verification import VerificationView, view_of

        wrong = self.not_a_log
        if wrong is not None:
            # the wrong file: a usage problem, in yellow, never the tamper alarm (w16d F03)
            return VerificationView("not_a_log", "Not an audit log", wrong + ". Check the path given as --audit "
                                    "(or STATUS_GUARD_AUDIT) and start again.", "warn")
        return view_of(self.verification, hmac_key_given=self.hmac_key_given)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.records)


def not_an_audit_log(description: str, verification: Any) -> str | None:
    """'<path> is not a status-guard audit log: it looks like a CSV file' when the file read holds no line
    with the shape of an audit record (a CSV export, a report, the witness's heads.jsonl): the wrong file,
    a usage error — never the red tamper alarm. None for a log (even a damaged one: one record-shaped line
    makes it a log, and its damage stays the alarm) and for tables (a table of another kind fails to open)."""
    from status_guard.audit.sniff import describe, holds_record_shaped_line

    if getattr(verification, "count", 0) or getattr(verification, "unreadable", False):
        return None
    scheme, _, rest = description.partition(":")
    if scheme.lower() != "jsonl" or not rest:
        return None
    path = os.path.expanduser(rest)
    if not os.path.isfile(path) or os.path.getsize(path) == 0 or holds_record_shaped_line(path):
        return None
    return describe(path, description)


def parse_items(items: Iterable[RawItem]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for item in items:
        try:
            rec = orjson.loads(item.data)
        except orjson.JSONDecodeError:
            continue  # the verifier names it
        if isinstance(rec, dict):
            out.append(rec)
    return out


def _digest(items: Sequence[RawItem], n: int | None = None) -> str:
    return _hash_into(hashlib.sha256(), items[:n] if n is not None else items).hexdigest()


def _hash_into(h: Any, items: Iterable[RawItem]) -> Any:
    for it in items:
        h.update(len(it.data).to_bytes(8, "big"))
        h.update(it.data)
        h.update(b"\x01" if it.complete else b"\x00")
    return h


def _sink_of(source: AuditLog | Sink | str, hmac_key: bytes | None) -> tuple[Sink, bool, bytes | None]:
    if isinstance(source, str):
        return open_sink(source), True, hmac_key
    if isinstance(source, AuditLog):
        return source.sink, False, hmac_key if hmac_key is not None else getattr(source, "_hmac_key", None)
    return source, False, hmac_key


def _witness_ahead(heads: list[dict[str, Any]] | None, snap: Snapshot) -> bool:
    """Whether the witness holds a tree head of this log that covers as many records as the verdict holds or
    more: a head of S records is carried by the marker at seq S, so an intact log holds at least S + 1."""
    if not heads:
        return False
    v = snap.verification
    log_id = getattr(v, "log_id", None)
    sizes = [int(e["sth"]["size"]) for e in heads
             if isinstance(e, Mapping) and isinstance(e.get("sth"), Mapping)
             and isinstance(e["sth"].get("size"), int) and (not log_id or e["sth"].get("log") in (None, log_id))]
    return bool(sizes) and max(sizes) >= int(getattr(v, "count", 0) or 0)


def _witness_heads(witness: Any, source: Any) -> list[dict[str, Any]] | None:
    """The witness's entries: ``witness`` (a spec, a Witness, or entries), or — for an audit spec string,
    the way the CLI opens a log — ``$STATUS_GUARD_AUDIT_WITNESS`` when set (what the writers send heads
    to). None: no witness, so a cut tail would not show (the report says so)."""
    from status_guard.audit import ENV_WITNESS
    from status_guard.audit.errors import AuditConfigError
    from status_guard.audit.verify import witness_entries
    from status_guard.audit.witness import WitnessError

    if witness is None and isinstance(source, str):
        witness = os.environ.get(ENV_WITNESS) or None
    if witness is None:
        return None
    try:
        return witness_entries(witness)
    except WitnessError as e:  # a witness that cannot be read is an error, never "no witness"
        raise AuditConfigError(f"the witness ({ENV_WITNESS}) cannot be read: {e}") from None


def take_snapshot(source: AuditLog | Sink | str, *, hmac_key: bytes | None = None, public_key: Any = None,
                  allow_open_tail: bool = True, anchors: Iterable[Mapping[str, Any]] = (),
                  witness: Any = None) -> Snapshot:
    """Read ``source`` (an AuditLog, a sink, or an audit spec string) once, verify and parse it.

    ``allow_open_tail`` defaults to True: a live log has no end marker yet; the verifier's warning
    about it is kept in ``verification.warnings`` and shown in reports. ``witness``: the heads kept
    outside the log (see :func:`_witness_heads`; for a spec string, ``$STATUS_GUARD_AUDIT_WITNESS`` by
    default): a log shorter than the witness saw, or whose records no longer match its heads, fails."""
    heads = _witness_heads(witness, source)
    sink, close, hmac_key = _sink_of(source, hmac_key)
    try:
        items = list(sink.raw_items())
        report = verify_items(items, hmac_key=hmac_key, public_key=public_key,
                              allow_open_tail=allow_open_tail, anchors=list(anchors),
                              position_name=sink.position_name, witness_heads=heads)
        return Snapshot(sink.description, report, tuple(parse_items(items)), hmac_key is not None, _digest(items))
    finally:
        if close:
            sink.close()


class LogReader:
    """Snapshots of one log for a long-running reader, verifying only what is new since the last read.

    For a JSON Lines log, the bytes of the verified prefix are kept and compared with the file on
    every read (a memcmp: ~10 ms for 100 000 records), and only the lines after them are parsed and
    verified. For other sinks every stored record is read and the prefix compared by digest.
    Thread-safe: concurrent page requests share one read. ``stats`` counts full, incremental and
    unchanged reads (the benchmark and the tests read it)."""

    def __init__(self, spec: str, *, hmac_key: bytes | None = None, public_key: Any = None,
                 recheck_seconds: float = 60.0, witness: Any = None, witness_seconds: float = 5.0) -> None:
        from status_guard.audit import ENV_WITNESS

        self.spec = spec
        # the witness (a spec; default $STATUS_GUARD_AUDIT_WITNESS): every full verification compares the log with
        # the heads it holds, read *before* the log (a head written meanwhile is never ahead of what is read) and
        # kept for ``witness_seconds`` (an older copy of an append-only witness can only hold fewer heads)
        self.witness = witness if witness is not None else (os.environ.get(ENV_WITNESS) or None)
        self.witness_seconds = witness_seconds
        self._heads: list[dict[str, Any]] | None = None
        self._heads_at = float("-inf")
        self._heads_now: list[dict[str, Any]] | None = None
        # tables (SQLite, PostgreSQL): how long a read may rest on the verified prefix without reading all of it
        # again (each read still checks the last verified row and verifies every row after it)
        self.recheck_seconds = recheck_seconds
        self._full_at = float("-inf")     # when every stored row was last read and compared
        self.hmac_key = hmac_key
        self.public_key = public_key
        self._lock = threading.Lock()
        self._prefix: Any = None          # incremental.VerifiedPrefix of the last good read
        self._prefix_bytes: bytes | None = None   # JSONL: the exact bytes the prefix was read from
        self._last: tuple[Any, Snapshot] | None = None  # (what was read, its snapshot)
        self.stats = {"full": 0, "incremental": 0, "unchanged": 0}
        self._lineage = 0
        self._hasher: Any = None          # tables: the digest of the verified prefix's rows, to extend
        scheme, _, rest = spec.strip().partition(":")
        self._path = os.path.expanduser(rest) if scheme.lower() == "jsonl" and rest else None

    def _witness_heads(self) -> list[dict[str, Any]] | None:
        if self.witness is None:
            return None
        now = time.monotonic()
        if self._heads is None or now - self._heads_at >= self.witness_seconds:
            self._heads = _witness_heads(self.witness, None)
            self._heads_at = now
        return self._heads

    def snapshot(self) -> Snapshot:
        with self._lock:
            before = self._last[1] if self._last is not None else None
            cached_heads = self._heads is not None and time.monotonic() - self._heads_at < self.witness_seconds
            snap = self._read()
            if snap is not before and cached_heads:
                # the log changed: the witness copy kept for a few seconds may predate a head that shows a cut
                # (w16d F22) — read the witness again, then the log (never the other way: a head written
                # meanwhile must not be ahead of what was read)
                self._heads_at = float("-inf")
                snap = self._read()
            if snap.verification.ok and _witness_ahead(self._heads_now, snap):
                # the witness saw at least as many records as this (cached or incremental) verdict holds: the
                # log was cut after that verdict was reached — verify it all again against the witness
                self._last = None
                self._prefix = self._prefix_bytes = self._hasher = None
                self._full_at = float("-inf")
                snap = self._read()
            if snap is not before:
                settle(full=snap.lineage != (before.lineage if before is not None else None))
            return snap

    def _read(self) -> Snapshot:
        self._heads_now = self._witness_heads()  # before the log is read
        if self._path is not None:
            return self._jsonl()
        sink = open_sink(self.spec)
        try:
            tail = self._tail(sink)
            if tail is not None:
                return tail
            items = list(sink.raw_items())
            self._full_at = time.monotonic()
            return self._generic(sink.description, sink.position_name, items)
        finally:
            sink.close()

    # -- JSON Lines: compare bytes, parse only what was appended ------------------------------------
    def _jsonl(self) -> Snapshot:
        assert self._path is not None
        try:
            with open(self._path, "rb") as f:
                data = f.read()
        except FileNotFoundError:
            data = b""
        last = self._last
        if last is not None and last[0] == data:
            self.stats["unchanged"] += 1
            return last[1]
        prefix, pbytes = self._prefix, self._prefix_bytes
        # startswith compares in place (memcmp); a slice would copy the whole verified prefix on every read
        if prefix is not None and pbytes is not None and len(data) > len(pbytes) and data.startswith(pbytes):
            from .incremental import verify_extension

            new = _lines(data[len(pbytes):], prefix.items + 1)
            grown = verify_extension(prefix, new, hmac_key=self.hmac_key, public_key=self.public_key,
                                     position_name="line")
            if grown is not None:
                # a new generation: the verified prefix's digest chained with the appended bytes
                grown = grown.with_digest(hashlib.sha256(prefix.digest.encode() + data[len(pbytes):]).hexdigest())
                self.stats["incremental"] += 1
                return self._keep(grown, f"jsonl:{self._path}", data, data, extends=True)
        return self._generic(f"jsonl:{self._path}", "line", _lines(data, 1), data)

    # -- tables: read the last verified row and the rows after it ------------------------------------
    def _tail(self, sink: Sink) -> Snapshot | None:
        """A table read without reading every row: the last verified row must be stored exactly as it was
        verified, and the rows after it are verified onto it (:mod:`.incremental`). None (read every row) when
        there is no verified prefix, when ``recheck_seconds`` have passed since every row was last compared
        (an edit or deletion inside the prefix shows then), or when anything is unusual."""
        prefix = self._prefix
        if (prefix is None or self._hasher is None or time.monotonic() - self._full_at >= self.recheck_seconds
                or not prefix.records):
            return None
        state = prefix.report.state
        memory = sink.description.startswith("memory")
        start = state.position - 1 if memory else state.seq
        try:
            items = list(sink.raw_items(start=start))
        except Exception:  # noqa: BLE001 - the full read names the problem
            return None
        if not items or not items[0].complete:
            return None
        try:
            first = orjson.loads(items[0].data)
        except orjson.JSONDecodeError:
            return None
        if first != prefix.records[-1]:
            return None  # the last verified row changed or is gone: read and verify everything
        new = items[1:]
        last = self._last
        if not new and last is not None and last[1].records and len(last[1].records) == prefix.items:
            self.stats["unchanged"] += 1
            return last[1]
        from .incremental import verify_extension

        grown = verify_extension(prefix, new, hmac_key=self.hmac_key, public_key=self.public_key,
                                 position_name=sink.position_name)
        if grown is None:
            return None
        hasher = self._hasher.copy()
        _hash_into(hasher, new)
        self.stats["incremental"] += 1
        snap = self._keep(grown.with_digest(hasher.hexdigest()), sink.description,
                          (grown.items, hasher.hexdigest()), None, extends=True)
        self._hasher = hasher
        return snap

    # -- any sink: read every record, compare the prefix by digest ------------------------------------
    def _generic(self, description: str, position_name: str, items: list[RawItem], data: bytes | None = None
                 ) -> Snapshot:
        from .incremental import VerifiedPrefix, verify_extension

        key: Any = data if data is not None else (len(items), _digest(items))
        last = self._last
        if last is not None and last[0] == key:
            self.stats["unchanged"] += 1
            return last[1]
        prefix = self._prefix
        if (data is None and prefix is not None and len(items) > prefix.items
                and _digest(items, prefix.items) == prefix.digest):
            grown = verify_extension(prefix, items[prefix.items:], hmac_key=self.hmac_key,
                                     public_key=self.public_key, position_name=position_name)
            if grown is not None:
                self.stats["incremental"] += 1
                self._hasher = _hash_into(hashlib.sha256(), items)
                return self._keep(grown.with_digest(self._hasher.hexdigest()), description, key, None, extends=True)
        self.stats["full"] += 1
        report = verify_items(items, hmac_key=self.hmac_key, public_key=self.public_key,
                              allow_open_tail=True, position_name=position_name,
                              witness_heads=getattr(self, "_heads_now", None))
        records = parse_items(items)
        digest = hashlib.sha256(data).hexdigest() if data is not None else _digest(items)
        fresh = VerifiedPrefix.of(report, records, items, digest, public_key=self.public_key)
        if fresh is not None:
            self._hasher = _hash_into(hashlib.sha256(), items) if data is None else None
            return self._keep(fresh, description, key, data)
        self._prefix = self._prefix_bytes = self._hasher = None
        self._lineage += 1
        snap = Snapshot(description, report, tuple(records), self.hmac_key is not None, digest,
                        lineage=self._lineage)
        self._last = (key, snap)
        return snap

    def _keep(self, prefix: Any, description: str, key: Any, data: bytes | None, *, extends: bool = False
              ) -> Snapshot:
        base = self._last[1] if extends and self._last is not None else None
        if base is None or base.lineage != self._lineage:
            self._lineage += 1
        self._prefix = prefix
        self._prefix_bytes = data
        snap = Snapshot(description, prefix.report, tuple(prefix.records), self.hmac_key is not None, prefix.digest,
                        base.generation if base is not None else "", len(base.records) if base is not None else 0,
                        lineage=self._lineage)
        self._last = (key, snap)
        return snap


def settle(full: bool = False) -> None:
    """Keep Python's cycle collector off the records a long-running reader holds. 100 000 parsed records
    are ~600 000 objects; a full collection walks them all (1-4 s on a busy machine) at a moment no page
    chooses. They hold no reference cycles (they are freed by reference counting when a read is dropped),
    so after a collection (of everything after a full read — start-up, or a log that changed — else of the
    young generations) everything alive is moved out of the collector's way (``gc.freeze``, O(1))."""
    if full:
        gc.unfreeze()
        gc.collect()
    else:
        gc.collect(1)
    gc.freeze()


def _lines(data: bytes, first_line: int) -> list[RawItem]:
    """The records of JSON Lines bytes, numbered from ``first_line``, as the JSONL sink reads them: one
    per line, the last one ``complete=False`` when it has no newline (a write cut off)."""
    if not data:
        return []
    parts = data.split(b"\n")
    tail = parts.pop()
    out = [RawItem(first_line + i, line, True) for i, line in enumerate(parts)]
    if tail:
        out.append(RawItem(first_line + len(parts), tail, False))
    return out
