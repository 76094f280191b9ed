"""``AuditLog``: validates records, chains them, and commits them durably through a sink.

Writer sessions. Each ``AuditLog`` is one writer with a random ``writer`` id. Its first append
also writes a ``start`` marker (empty log) or a ``continuation`` marker (existing log), and
``close()`` writes an ``end`` marker (after a final signed checkpoint when a signing key is set).
A log whose last record is not an ``end`` marker was cut, or its writer crashed or is still
running: ``verify`` says which record it ends at.

Durability (fsync modes). ``always``: each append is its own durable commit. ``batch``: group
commit — appends from concurrent threads are gathered into one write + one fsync/COMMIT; every
caller still returns only once its record is durable. ``never``: written to the OS (file) or
committed without waiting for the disk (databases); survives a process crash, not a power loss.
Any failure raises :class:`AuditUnavailableError`: the guarded action must not go ahead (AU-5).
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime, timezone
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .canonical import ALG_HMAC, ALG_SHA256, GENESIS_HASH, canonical, record_hash
from .checkpoint import sign_checkpoint
from .errors import AuditConfigError, AuditUnavailableError
from .keys import hmac_key_id
from .records import RECORD_VERSION, build_record
from .sinks.base import FSYNC_MODES, Entry, RawItem, Sink, Tail, TornTail


def utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class _Ticket:
    __slots__ = ("entries", "done", "result", "error")

    def __init__(self, entries: list[dict[str, Any]]) -> None:
        self.entries = entries
        self.done = False
        self.result: list[dict[str, Any]] = []
        self.error: BaseException | None = None


class AuditLog:
    """A tamper-evident, value-free audit log over one sink."""

    def __init__(self, sink: Sink, *, hmac_key: bytes | None = None,
                 signing_key: Ed25519PrivateKey | None = None, correlation_key: bytes | None = None,
                 fsync: str = "batch", checkpoint_every: int = 1000, batch_max: int = 1000) -> None:
        if fsync not in FSYNC_MODES:
            raise AuditConfigError(f"fsync must be one of {FSYNC_MODES}")
        if checkpoint_every < 1:
            raise AuditConfigError("checkpoint_every must be at least 1")
        self.sink = sink
        self.fsync = fsync
        self.checkpoint_every = checkpoint_every
        self.batch_max = batch_max
        self._hmac_key = hmac_key
        self._signing_key = signing_key
        self._correlation_key = correlation_key
        self.writer = secrets.token_hex(8)
        self._chain_info: dict[str, str] = (
            {"alg": ALG_HMAC, "key_id": hmac_key_id(hmac_key)} if hmac_key else {"alg": ALG_SHA256})
        self._log_id: str | None = None
        self._started = False
        self._closed = False
        self._since_checkpoint = 0
        self._last_checkpoint: dict[str, Any] | None = None
        self._write_lock = threading.Lock()
        self._cv = threading.Condition()
        self._queue: list[_Ticket] = []
        self._leader = False

    # -- public API ------------------------------------------------------------------------------
    @property
    def description(self) -> str:
        return self.sink.description

    @property
    def public_key(self) -> Ed25519PublicKey | None:
        return self._signing_key.public_key() if self._signing_key else None

    def append(self, fields: Mapping[str, Any]) -> dict[str, Any]:
        """Validate, chain and durably store one record; returns the stored record.

        Raises AuditRecordError (refused content) or AuditUnavailableError (not stored)."""
        rec = build_record(fields, correlation_key=self._correlation_key)
        return self._commit([rec])[0]

    def append_many(self, records: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """Store several records in one durable commit (all or none)."""
        built = [build_record(r, correlation_key=self._correlation_key) for r in records]
        return self._commit(built) if built else []

    def heartbeat(self) -> dict[str, Any]:
        """Append a heartbeat: proof that the log was alive and writable at this time."""
        return self._commit([{"kind": "heartbeat"}])[0]

    def checkpoint(self) -> dict[str, Any]:
        """Sign the current head now. Returns the checkpoint (log, seq, hash, time, key_id, sig),
        which can be exported and kept elsewhere as an anchor. Needs a signing key."""
        if self._signing_key is None:
            raise AuditConfigError("no signing key configured: checkpoints need an Ed25519 private key")
        stored = self._commit([{"kind": "checkpoint"}])
        return dict(stored[-1]["checkpoint"])

    @property
    def last_checkpoint(self) -> dict[str, Any] | None:
        return dict(self._last_checkpoint) if self._last_checkpoint else None

    def close(self) -> None:
        """Write the end marker (after a final checkpoint when signing) and release the sink."""
        if self._closed:
            return
        try:
            if self._started:
                entries: list[dict[str, Any]] = []
                if self._signing_key is not None:
                    entries.append({"kind": "checkpoint"})
                entries.append({"kind": "end"})
                self._commit(entries)
        finally:
            self._closed = True
            self.sink.close()

    def __enter__(self) -> AuditLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def verify(self, public_key: Ed25519PublicKey | None = None, *, hmac_key: bytes | None = None,
               allow_open_tail: bool = False, anchors: Sequence[Mapping[str, Any]] = ()) -> Any:
        """Check the whole stored chain. See :func:`status_guard.audit.verify.verify_items`."""
        from .verify import verify_items

        return verify_items(self.sink.raw_items(), hmac_key=hmac_key or self._hmac_key, public_key=public_key,
                            allow_open_tail=allow_open_tail, anchors=anchors,
                            position_name=self.sink.position_name)

    def records(self, since: Any = None, until: Any = None, citation: str | None = None,
                effect: str | None = None, requester: str | None = None, adapter: str | None = None,
                kind: str | None = None) -> Iterator[dict[str, Any]]:
        """Stored records in chain order, filtered. Unreadable entries are skipped (verify names them)."""
        from .query import Filter, filter_items

        return filter_items(self.sink.raw_items(), Filter.make(since=since, until=until, citation=citation,
                                                               effect=effect, requester=requester,
                                                               adapter=adapter, kind=kind))

    def raw_lines(self) -> Iterator[bytes]:
        """The exact stored bytes of every record (for checks that no value reached the log)."""
        for item in self.sink.raw_items():
            yield item.data

    def raw_items(self) -> Iterator[RawItem]:
        return self.sink.raw_items()

    def tail(self, n: int = 10) -> list[dict[str, Any]]:
        import orjson

        out = []
        for item in self.sink.tail_items(n):
            try:
                rec = orjson.loads(item.data)
            except orjson.JSONDecodeError:
                continue
            if isinstance(rec, dict):
                out.append(rec)
        return out

    # -- committing ------------------------------------------------------------------------------
    def _commit(self, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if self._closed:
            raise AuditUnavailableError(f"audit log {self.description} is closed")
        if self.fsync != "batch":
            with self._write_lock:
                return self._write(entries)
        ticket = _Ticket(entries)
        with self._cv:
            self._queue.append(ticket)
        while True:
            with self._cv:
                while not ticket.done and self._leader:
                    self._cv.wait()
                if ticket.done:
                    break
                # become the leader: take what is queued, oldest first, up to batch_max records
                self._leader = True
                batch: list[_Ticket] = []
                n = 0
                while self._queue and (not batch or n + len(self._queue[0].entries) <= self.batch_max):
                    t = self._queue.pop(0)
                    batch.append(t)
                    n += len(t.entries)
            try:
                with self._write_lock:
                    self._write([e for t in batch for e in t.entries], tickets=batch)
            except BaseException as e:  # noqa: BLE001 - every waiter must learn of the failure
                for t in batch:
                    t.error = e
            finally:
                with self._cv:
                    for t in batch:
                        t.done = True
                    self._leader = False
                    self._cv.notify_all()
        if ticket.error is not None:
            raise ticket.error
        return ticket.result

    def _write(self, entries: list[dict[str, Any]], tickets: list[_Ticket] | None = None) -> list[dict[str, Any]]:
        state: dict[str, Any] = {}

        def make(tail: Tail | None, torn: TornTail | None) -> list[Entry]:
            out, state["since"], state["last_cp"], state["log"] = self._chain(tail, torn, entries)
            state["out"] = out
            return out

        try:
            self.sink.write_locked(make)
        except AuditUnavailableError:
            raise
        except Exception as e:  # any sink error is a failure to log: fail closed
            raise AuditUnavailableError(f"audit log {self.description} cannot be written "
                                        f"({type(e).__name__})") from None
        out: list[Entry] = state["out"]
        self._started = True
        self._log_id = state["log"]
        self._since_checkpoint = state["since"]
        if state["last_cp"] is not None:
            self._last_checkpoint = state["last_cp"]
        by_index: dict[int, dict[str, Any]] = {}
        for rec, _ in out:
            i = rec.pop("_i", None)
            if i is not None:
                by_index[i] = rec
        if tickets is not None:
            lo = 0
            for t in tickets:
                t.result = [by_index[i] for i in range(lo, lo + len(t.entries)) if i in by_index]
                lo += len(t.entries)
        return [by_index[i] for i in range(len(entries)) if i in by_index]

    def _chain(self, tail: Tail | None, torn: TornTail | None, entries: list[dict[str, Any]]
               ) -> tuple[list[Entry], int, dict[str, Any] | None, str]:
        out: list[Entry] = []
        prev_seq, prev_hash = (tail.seq, tail.hash) if tail else (-1, GENESIS_HASH)
        since = self._since_checkpoint
        last_cp: dict[str, Any] | None = None
        now = utc_now()
        log_id = self._log_id

        def add(body: dict[str, Any], index: int | None) -> dict[str, Any]:
            nonlocal prev_seq, prev_hash
            rec = {"v": RECORD_VERSION, **body, "seq": prev_seq + 1, "time": now, "writer": self.writer,
                   "prev_hash": prev_hash}
            rec["hash"] = record_hash(rec, self._hmac_key)
            out.append((rec, canonical(rec)))
            if index is not None:
                rec["_i"] = index  # which entry it answers; removed before returning, never stored
            prev_seq, prev_hash = rec["seq"], rec["hash"]
            return rec

        def checkpoint(index: int | None) -> None:
            nonlocal since, last_cp
            assert self._signing_key is not None and log_id is not None
            cp = sign_checkpoint(self._signing_key, log_id, prev_seq, prev_hash, now)
            add({"kind": "checkpoint", "checkpoint": cp}, index)
            since, last_cp = 0, cp

        recovered = {"recovered": {"torn_bytes": torn.nbytes, "torn_sha256": torn.sha256}} if torn else {}
        if tail is None:
            log_id = secrets.token_hex(16)
            add({"kind": "start", "log": log_id, "chain": dict(self._chain_info), **recovered}, None)
        elif not self._started or torn is not None or log_id is None:
            if log_id is None:
                log_id = self._check_compatible()
            add({"kind": "continuation", "log": log_id, "chain": dict(self._chain_info), **recovered}, None)
        for index, body in enumerate(entries):
            kind = body.get("kind")
            if kind == "checkpoint":
                if self._signing_key is not None:
                    checkpoint(index)
                continue
            add(dict(body), index)
            since += 1
            if self._signing_key is not None and since >= self.checkpoint_every:
                checkpoint(None)
        assert log_id is not None
        return out, since, last_cp, log_id

    def _check_compatible(self) -> str:
        """Read the log's first record: its id, and a chain algorithm/key that must match ours."""
        first = self.sink.first_record()
        if not first or first.get("kind") != "start" or not isinstance(first.get("log"), str):
            raise AuditUnavailableError(
                f"audit log {self.description}: its first record is not a start marker; refusing to extend "
                "a log whose beginning is missing or damaged (run `status-guard audit verify`)")
        chain = first.get("chain") or {}
        if chain.get("alg") != self._chain_info["alg"] or chain.get("key_id") != self._chain_info.get("key_id"):
            raise AuditUnavailableError(
                f"audit log {self.description} is chained with {chain.get('alg')!s}"
                f"{' key ' + str(chain.get('key_id')) if chain.get('key_id') else ''}; this writer is configured "
                f"with {self._chain_info['alg']}{' key ' + self._chain_info['key_id'] if 'key_id' in self._chain_info else ''}."
                " Use the same key, or start a new log")
        return str(first["log"])
