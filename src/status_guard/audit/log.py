"""``AuditLog``: validates records, chains them, and commits them durably through a sink.

Writer sessions. Each ``AuditLog`` is one writer with a random ``writer`` id. Its first append
also writes a ``start`` marker (empty log) or a ``continuation`` marker (existing log), and
``close()`` writes an ``end`` marker. With a signing key or a witness, these markers — and a
``checkpoint`` every ``checkpoint_every`` records and every ``checkpoint_seconds`` — carry a tree
head (``status_guard.audit.treehead``) over the log as a Merkle tree, signed when a key is set, and
are sent to the witness.

The writer's own head. The writer remembers the last record it wrote (seq, hash, log id) and,
through the sink's cursor, where it wrote it. Before every append it checks, cheaply, that the log
still holds that record where it left it, and checks every record other writers appended since
(chain links, hashes, and — with an HMAC or signing key — that a key holder wrote them). When the
log went backwards, was replaced or deleted, or holds a record no key holder wrote, it raises
:class:`AuditDiscontinuityError` and keeps refusing (the guarded action gets a 503) until an
operator runs ``status-guard audit recover``, which records the discontinuity as an event of its
own. A writer that starts on an existing log checks it the same way against a pinned log id and
the witness's latest head for this place.

Durability (fsync modes). ``always``: each append is its own durable commit. ``batch``: group
commit — appends from concurrent threads are gathered into one write + one fsync/COMMIT; every
caller still returns only once its record is durable. ``never``: written to the OS (file) or
committed without waiting for the disk (databases); survives a process crash, not a power loss.
Every wait is bounded by ``lock_timeout``. Any failure raises :class:`AuditUnavailableError`: the
guarded action must not go ahead (AU-5).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

import orjson
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .canonical import ALG_HMAC, ALG_SHA256, GENESIS_HASH, canonical, hashes_equal, record_hash
from .errors import AuditConfigError, AuditDamagedError, AuditDiscontinuityError, AuditUnavailableError
from .keys import hmac_key_id, public_key_id, record_auth, writer_auth_key
from .merkle import Frontier, consistency_proof, leaf_hash
from .records import RECORD_VERSION, build_record
from .records import request_id as request_id_check
from .sinks.base import FSYNC_MODES, Entry, LockedReader, RawItem, Sink, StoreView, Tail
from .treehead import check_head_signature, make_head
from .witness import WitnessError, make_entry, open_witness

logger = logging.getLogger("status_guard.audit")

RECOVERY_SKEW = timedelta(minutes=2)  # a recovery record this much older than a refusal still ends it


def _hash_at(reader: LockedReader, seq: int) -> str | None:
    """The chain hash of the stored record ``seq`` (None: absent or unreadable)."""
    item = reader.record_at(seq)
    try:
        rec = orjson.loads(item.data) if item else None
    except orjson.JSONDecodeError:
        return None
    h = rec.get("hash") if isinstance(rec, dict) else None
    return h if isinstance(h, str) else None


def _loads(data: bytes) -> dict[str, Any] | None:
    try:
        rec = orjson.loads(data)
    except orjson.JSONDecodeError:
        return None
    return rec if isinstance(rec, dict) else None


_PLAIN_SCALARS = (str, int, float, bool, type(None))
#: checked record shapes remembered per log (records differing only in ``request_id``), at most
SHAPES_MAX = 256


def _plain(v: Any) -> bool:
    """Only plain JSON types, exactly (no tuple, Enum, subclass): two such values with the same
    canonical bytes are the same input to every check."""
    stack = [v]
    pop, push, extend = stack.pop, stack.append, stack.extend
    while stack:
        x = pop()
        t = type(x)
        if t is dict:
            for k, y in x.items():
                if type(k) is not str:
                    return False
                push(y)
        elif t is list:
            extend(x)
        elif t not in _PLAIN_SCALARS:
            return False
    return True


def utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class _Ticket:
    __slots__ = ("entries", "done", "result", "error", "taken")

    def __init__(self, entries: list[dict[str, Any]]) -> None:
        self.entries = entries
        self.done = False
        self.taken = False
        self.result: list[dict[str, Any]] = []
        self.error: BaseException | None = None


@dataclass
class _State:
    """The writer's own view of the log: its head, and (with a signing key or witness) the Merkle
    frontier and the last tree head, to prove the next one against."""

    log_id: str | None = None
    seq: int = -1
    hash: str = GENESIS_HASH
    epoch: int = 0
    tree: Frontier | None = None
    prev_size: int | None = None  # size of the last tree head in the log (this epoch)
    prev_tree: Frontier | None = None
    since_prev: list[bytes] = field(default_factory=list)  # leaf hashes after prev_size

    def snapshot(self) -> tuple[Any, ...]:
        return (self.log_id, self.seq, self.hash, self.epoch,
                self.tree.copy() if self.tree is not None else None, self.prev_size, self.prev_tree,
                len(self.since_prev))

    def restore(self, snap: tuple[Any, ...]) -> None:
        (self.log_id, self.seq, self.hash, self.epoch, self.tree, self.prev_size, self.prev_tree, n) = snap
        del self.since_prev[n:]


@dataclass
class _Halt:
    reason: str
    log_time: str
    checked: float = 0.0


class AuditLog:
    """A tamper-evident, value-free audit log over one sink."""

    def __init__(self, sink: Sink, *, hmac_key: bytes | None = None,
                 signing_key: Ed25519PrivateKey | None = None, correlation_key: bytes | None = None,
                 fsync: str = "batch", checkpoint_every: int = 1000, batch_max: int = 1000,
                 lock_timeout: float = 5.0, witness: Any = None, log_id: str | None = None,
                 checkpoint_seconds: float | None = None, witness_max_lag: int | None = None,
                 witness_max_lag_seconds: float | None = None) -> None:
        if fsync not in FSYNC_MODES:
            raise AuditConfigError(f"fsync must be one of {FSYNC_MODES}")
        if checkpoint_every < 1:
            raise AuditConfigError("checkpoint_every must be at least 1")
        if lock_timeout <= 0:
            raise AuditConfigError("lock_timeout must be positive (seconds)")
        if log_id is not None and not (isinstance(log_id, str) and len(log_id) == 32
                                       and all(c in "0123456789abcdef" for c in log_id)):
            raise AuditConfigError("a pinned log id is 32 lower-case hex characters (as `audit verify` prints it)")

        self.sink = sink
        self.fsync = fsync
        self.checkpoint_every = checkpoint_every
        self.batch_max = batch_max
        self.lock_timeout = float(lock_timeout)
        self.witness = open_witness(witness)
        self.pinned_log_id = log_id
        self._hmac_key = hmac_key
        self._signing_key = signing_key
        self._public_key = signing_key.public_key() if signing_key else None
        self._key_id = public_key_id(self._public_key) if self._public_key else None
        self._auth_key = writer_auth_key(signing_key) if signing_key is not None and hmac_key is None else None
        self._correlation_key = correlation_key
        self._shapes: dict[bytes, bytes] = {}  # checked record shapes (``_build_in_batch``), bounded
        self._tree_on = signing_key is not None or self.witness is not None
        if checkpoint_seconds is None and self._tree_on:
            checkpoint_seconds = 60.0
        self.checkpoint_seconds = checkpoint_seconds
        self.witness_max_lag = (witness_max_lag if witness_max_lag is not None else 10 * checkpoint_every) \
            if self.witness is not None else None
        self.witness_max_lag_seconds = (witness_max_lag_seconds if witness_max_lag_seconds is not None else
                                        (10 * checkpoint_seconds if checkpoint_seconds else None)) \
            if self.witness is not None else None
        self.writer = secrets.token_hex(8)
        self._chain_info: dict[str, str] = (
            {"alg": ALG_HMAC, "key_id": hmac_key_id(hmac_key)} if hmac_key else {"alg": ALG_SHA256})
        self._state = _State()
        self._started = False
        self._closed = False
        self._halt: _Halt | None = None
        self.recheck_interval = 1.0  # a refusing writer looks for an operator's recovery at most this often
        self._since_checkpoint = 0
        self._last_checkpoint: dict[str, Any] | None = None
        self._unacked: dict[int, str] = {}
        self._unacked_lines: list[bytes] = []  # the lines of this writer's failed writes (a torn one may be its own)
        self._recovering: dict[str, Any] | None = None
        self._quarantined: dict[str, Any] | None = None  # recover(): the damaged log it moved aside
        self._damaged_log: str | None = None  # recover(): the id of a log found damaged
        self._last_write_time: str | None = None
        self._recovery_info: dict[str, Any] = {}
        self._write_lock = threading.Lock()
        self._cv = threading.Condition()
        self._queue: list[_Ticket] = []
        self._leader = False
        # witness export state: heads wait in a backlog that a background thread sends, in order
        self._backlog: list[dict[str, Any]] = []
        self._unwitnessed = 0  # this writer's records since its last head the witness stored
        self._witness_ok_at = time.monotonic()
        self._witness_error: str | None = None
        self._witness_lock = threading.Lock()
        self._witness_cv = threading.Condition(self._witness_lock)
        self._exporter: threading.Thread | None = None
        self._ticker: threading.Thread | None = None
        self._stop = threading.Event()

    # -- public API ------------------------------------------------------------------------------
    @property
    def description(self) -> str:
        return self.sink.description

    @property
    def public_key(self) -> Ed25519PublicKey | None:
        return self._public_key

    @property
    def log_id(self) -> str | None:
        return self._state.log_id

    @property
    def append_timeout(self) -> float:
        """An upper bound for one append when storage answers (two lock waits plus the write):
        what a caller awaiting an append in a worker thread should wait before giving up."""
        return 2 * self.lock_timeout + 3.0

    @property
    def halted(self) -> str | None:
        """Why this writer refuses to append (None: it does not)."""
        return self._halt.reason if self._halt else None

    def append(self, fields: Mapping[str, Any]) -> dict[str, Any]:
        """Validate, chain and durably store one record; returns the stored record.

        Raises AuditRecordError (refused content) or AuditUnavailableError (not stored)."""
        rec = build_record(fields, correlation_key=self._correlation_key)
        return self._commit([rec])[0]

    def append_many(self, records: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """Store several records in one durable commit (all or none)."""
        built = [build_record(r, correlation_key=self._correlation_key) for r in records]
        return self._commit(built) if built else []

    def append_each(self, records: Sequence[Mapping[str, Any]]) -> list[dict[str, Any] | Exception]:
        """Store several independent records in ONE durable commit (one write, one fsync/COMMIT);
        returns, per record and in order, the stored record or the exception that kept it out.

        Each record is validated on its own: a refused one (AuditRecordError) is left out and the
        others are chained and stored exactly as ``append`` one at a time would store them (same
        order, same chain). A storage failure (AuditUnavailableError) is every record's answer: none
        of them is durable. The group commit of concurrent requests (``asgi.audit_batch``) uses it."""
        out: list[dict[str, Any] | Exception] = [None] * len(records)  # type: ignore[list-item]
        built: list[dict[str, Any]] = []
        where: list[int] = []
        # records that differ only in request_id from one checked before (in this batch or an
        # earlier one: ``build_record`` is a pure function of the fields): checked once
        shapes = self._shapes
        if len(shapes) >= SHAPES_MAX:
            shapes.clear()
        for i, fields in enumerate(records):
            try:
                built.append(self._build_in_batch(fields, shapes))
            except Exception as e:  # noqa: BLE001 - a refused record is this record's answer, not the batch's
                out[i] = e
                continue
            where.append(i)
        if not built:
            return out
        try:
            stored = self._commit(built)
        except Exception as e:  # noqa: BLE001 - nothing of the batch is durable: every record learns why
            for i in where:
                out[i] = e
            return out
        if len(stored) != len(built):  # cannot happen for caller kinds; never mis-assign a result
            err = AuditUnavailableError(f"audit log {self.description}: a batch of {len(built)} record(s) stored "
                                        f"{len(stored)}; refusing to say which")
            for i in where:
                out[i] = err
            return out
        for i, rec in zip(where, stored):
            out[i] = rec
        return out

    def _build_in_batch(self, fields: Mapping[str, Any], shapes: dict[bytes, bytes]) -> dict[str, Any]:
        """``build_record(fields)``; within one batch, a record that differs from one already
        accepted only in its ``request_id`` (concurrent requests meeting the same decision) reuses
        that record's checked form — every key but ``request_id`` is checked on its own, with no
        check depending on another key — and only its ``request_id`` is checked. Same result,
        same refusals."""
        key = None
        if type(fields) is dict and type(fields.get("request_id")) is str and self._correlation_key is None \
                and _plain(fields):
            try:
                key = orjson.dumps({k: v for k, v in fields.items() if k != "request_id"},
                                   option=orjson.OPT_SORT_KEYS)
            except TypeError:  # not plain JSON (a Requester object...): the full check
                key = None
            if key is not None and key in shapes:
                rec = orjson.loads(shapes[key])
                rec["request_id"] = request_id_check("request_id", fields["request_id"])
                return rec
        rec = build_record(fields, correlation_key=self._correlation_key)
        if key is not None:
            shapes[key] = orjson.dumps({k: v for k, v in rec.items() if k != "request_id"})
        return rec

    def heartbeat(self) -> dict[str, Any]:
        """Append a heartbeat: proof that the log was alive and writable at this time."""
        return self._commit([{"kind": "heartbeat"}])[0]

    def checkpoint(self) -> dict[str, Any]:
        """Write a tree head now (signed with the signing key) and send it to the witness. Returns
        the head (log, epoch, size, root, head, time, kind, writer, key_id, sig): an anchor that can
        be kept elsewhere (``audit verify --anchor FILE``)."""
        if not self._tree_on:
            raise AuditConfigError("no signing key (and no witness) configured: tree heads need an Ed25519 "
                                   "private key or a witness")
        stored = self._commit([{"kind": "checkpoint"}])
        return dict(stored[-1]["sth"])

    @property
    def last_checkpoint(self) -> dict[str, Any] | None:
        return dict(self._last_checkpoint) if self._last_checkpoint else None

    def close(self) -> None:
        """Write the end marker (a signed tree head when signing) and release the sink."""
        if self._closed:
            return
        try:
            if self._started and self._halt is None:
                self._commit([{"kind": "end"}])
        finally:
            self._closed = True
            if self.witness is not None and not self.flush_witness():
                logger.error("status_guard audit: %d tree head(s) were not stored by the witness before close (%s)",
                             len(self._backlog), self._witness_error or "timeout")
            self._stop.set()
            with self._witness_cv:
                self._witness_cv.notify_all()
            for t in (self._ticker, self._exporter):
                if t is not None and t is not threading.current_thread():
                    t.join(timeout=self.lock_timeout + 1)
            self.sink.close()
            if self.witness is not None:
                self.witness.close()

    def recover(self, *, ticket: str | None = None, reason: str | None = None) -> dict[str, Any]:
        """Record a discontinuity (an operator's ``audit recover``): read the log as it is now without
        refusing, say what was found (cut against the witness's last head, replaced, deleted, records
        no key holder wrote), and append a ``discontinuity`` record — signed, starting a new epoch, sent
        to the witness — that lets refusing writers resume. Returns the stored record."""
        if self._started:
            raise AuditConfigError("recover() is for a writer that has not written yet (a fresh AuditLog)")
        self._recovering = {"reason": reason} if reason else {}
        body: dict[str, Any] = {"kind": "discontinuity", "discontinuity": {}}
        if ticket:
            body["discontinuity"]["ticket"] = ticket
        try:
            found = self.sink.damage()
            previous = None
            if found is None:
                try:
                    stored = self._commit([dict(body, discontinuity=dict(body["discontinuity"]))])
                    return stored[-1]
                except AuditDamagedError as e:
                    found = (e.why, e.code)
                    previous = self._damaged_log
            why, code = found
            # the log cannot be extended: move it aside (never delete it) and start a new chained segment
            # whose start marker and discontinuity record name it (where it went, its size and SHA-256)
            if previous is None:
                try:
                    first = self.sink.first_record()
                except Exception:  # noqa: BLE001 - an unreadable log has no id to name
                    first = None
                previous = first.get("log") if isinstance(first, dict) and isinstance(first.get("log"), str) else None
            tag = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(2)
            moved = self.sink.quarantine(tag)
            logger.warning("status_guard audit: %s — moved the damaged log aside (%s) and starting a new segment",
                           why, moved)
            self._quarantined = {"damage": code, "quarantined": moved, "previous_log": previous}
            self._state = _State()
            stored = self._commit([body])
        finally:
            self._recovering = None
            self._quarantined = None
        return stored[-1]

    def __enter__(self) -> AuditLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def verify(self, public_key: Ed25519PublicKey | None = None, *, hmac_key: bytes | None = None,
               allow_open_tail: bool = False, anchors: Sequence[Mapping[str, Any]] = (),
               witness: Any = None, expected_log_id: str | None = None) -> Any:
        """Check the whole stored chain. See :func:`status_guard.audit.verify.verify_items`."""
        from .verify import verify_items, witness_heads

        heads = witness_heads(witness) if witness is not None else None
        return verify_items(self.sink.raw_items(), hmac_key=hmac_key or self._hmac_key, public_key=public_key,
                            allow_open_tail=allow_open_tail, anchors=anchors, witness_heads=heads,
                            expected_log_id=expected_log_id, position_name=self.sink.position_name)

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
    def _gate(self) -> None:
        """Refuse fast: a halted writer (until recovery), a witness too far behind."""
        if self._halt is not None:
            self._check_recovery()
        if self.witness is not None and self._started:
            lag = self._witness_lag()
            if lag is not None:
                raise AuditUnavailableError(
                    f"audit log {self.description}: the witness ({self.witness.description}) has not stored a tree "
                    f"head for {lag} ({self._witness_error or 'unreachable'}); refusing to go on writing a log "
                    "nobody outside it has seen")

    def _witness_lag(self) -> str | None:
        n = self._unwitnessed
        if self.witness_max_lag is not None and n > self.witness_max_lag:
            return f"{n} record(s)"
        if self.witness_max_lag_seconds is not None and n > 0:
            waited = time.monotonic() - self._witness_ok_at
            if waited > self.witness_max_lag_seconds:
                return f"{waited:.0f} s"
        return None

    def _commit(self, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if self._closed:
            raise AuditUnavailableError(f"audit log {self.description} is closed")
        self._gate()
        if self.fsync != "batch":
            if not self._write_lock.acquire(timeout=self.lock_timeout):
                raise self._busy()
            try:
                return self._write(entries)
            finally:
                self._write_lock.release()
        ticket = _Ticket(entries)
        with self._cv:
            self._queue.append(ticket)
        deadline = time.monotonic() + self.lock_timeout
        extended = False
        while True:
            with self._cv:
                while not ticket.done and self._leader:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        if not ticket.taken:  # never written: take it back, so no record outlives the refusal
                            self._queue.remove(ticket)
                            raise self._busy()
                        if extended:  # it is being written and the write does not end: give up waiting
                            raise self._busy()
                        deadline, extended = time.monotonic() + self.append_timeout, True
                        continue
                    self._cv.wait(remaining)
                if ticket.done:
                    break
                # become the leader: take what is queued, oldest first, up to batch_max records
                self._leader = True
                batch: list[_Ticket] = []
                n = 0
                while self._queue and (not batch or n + len(self._queue[0].entries) <= self.batch_max):
                    t = self._queue.pop(0)
                    t.taken = True
                    batch.append(t)
                    n += len(t.entries)
            try:
                if not self._write_lock.acquire(timeout=self.lock_timeout):
                    raise self._busy()
                try:
                    self._write([e for t in batch for e in t.entries], tickets=batch)
                finally:
                    self._write_lock.release()
            except BaseException as e:  # noqa: BLE001 - every waiting caller must learn of the failure
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

    def _busy(self) -> AuditUnavailableError:
        return AuditUnavailableError(f"audit log {self.description} is busy: another write has not finished within "
                                     f"{self.lock_timeout:g} s; the record was not written")

    def _write(self, entries: list[dict[str, Any]], tickets: list[_Ticket] | None = None) -> list[dict[str, Any]]:
        if self._halt is not None:
            raise AuditDiscontinuityError(self._halt.reason)
        st = self._state
        snap = st.snapshot()
        started_before = self._started
        result: dict[str, Any] = {}

        def make(view: StoreView) -> list[Entry]:
            out, since, last_cp = self._chain(view, entries)
            result.update(out=out, since=since, last_cp=last_cp)
            return out

        try:
            self.sink.write_locked(make, timeout=self.lock_timeout)
        except AuditDiscontinuityError as e:
            st.restore(snap)
            raise self._refuse(e.reason) from None
        except BaseException as e:
            st.restore(snap)
            attempted = result.get("out") or []
            for rec, line in attempted:  # a failed write may still have stored some of these (a torn write)
                if rec.get("writer") == self.writer:
                    self._unacked[rec["seq"]] = rec["hash"]
                    self._unacked_lines.append(line)
            del self._unacked_lines[:-10_000]
            if len(self._unacked) > 100_000:
                self._unacked.clear()
            if isinstance(e, AuditUnavailableError):
                raise
            if not isinstance(e, Exception):
                raise
            raise AuditUnavailableError(f"audit log {self.description} cannot be written "
                                        f"({type(e).__name__})") from None
        out: list[Entry] = result["out"]
        if out:
            self._last_write_time = out[-1][0]["time"]
        self._started = True
        self._since_checkpoint = result["since"]
        if result["last_cp"] is not None:
            self._last_checkpoint = result["last_cp"]
        self._unacked.clear()
        self._unacked_lines.clear()
        if not started_before:
            self._start_ticker()
        if self.witness is not None:
            heads = [rec for rec, _ in out if "sth" in rec]
            if heads:
                self._export(heads, len(out) - len(heads))
            else:
                self._unwitnessed += len(out)  # (an unlocked count: a race only makes it larger, i.e. stricter)
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

    # -- building on the stored log --------------------------------------------------------------
    def _refuse(self, reason: str) -> AuditDiscontinuityError:
        if self._halt is None:
            self._halt = _Halt(reason, utc_now(), time.monotonic())
            logger.error("status_guard audit: %s — refusing every append until an operator runs "
                         "`status-guard audit recover`", reason)
        return AuditDiscontinuityError(self._halt.reason)

    def _chain(self, view: StoreView, entries: list[dict[str, Any]]
               ) -> tuple[list[Entry], int, dict[str, Any] | None]:
        st = self._state
        if view.problem is not None:
            raise self._refuse(view.problem)
        if view.fresh and self._recovering is not None:
            self._open_for_recovery(view, entries)
        elif view.fresh:
            self._open_session(view)
        else:
            self._accept_all(view.appended, f"appended by another writer after this writer's seq {st.seq}")
        torn = view.torn
        if torn is not None and not view.fresh and not self._own_torn(torn):
            # a running writer seals a cut-off line only when it is a prefix of a line of its own failed
            # write; anything else after its last record (an insider's fragment, another writer's
            # crash) is not laundered as a crashed write: refuse until an operator has looked
            raise self._refuse(f"audit log {self.description}: {torn.nbytes} byte(s) with no newline follow the "
                               f"records after this writer's seq {st.seq}, and they are not a write of its own that "
                               "was cut off (an insider's fragment, or another writer that crashed mid-write)")
        out: list[Entry] = []
        now = utc_now()
        since = self._since_checkpoint
        last_cp: dict[str, Any] | None = None
        tree = st.tree

        def add(body: dict[str, Any], index: int | None) -> dict[str, Any]:
            rec = {"v": RECORD_VERSION, **body, "seq": st.seq + 1, "time": now, "writer": self.writer,
                   "prev_hash": st.hash}
            h = record_hash(rec, self._hmac_key)
            rec["hash"] = h
            if self._auth_key is not None:
                rec["auth"] = record_auth(self._auth_key, h)
            line = canonical(rec)
            out.append((rec, line))
            if tree is not None:
                leaf = leaf_hash(line)
                tree.append(leaf)
                st.since_prev.append(leaf)
            if index is not None:
                rec["_i"] = index  # which entry it answers; removed before returning, never stored
            st.seq, st.hash = rec["seq"], h
            return rec

        def marker(kind: str, extra: dict[str, Any] | None = None, index: int | None = None) -> dict[str, Any]:
            body: dict[str, Any] = {"kind": kind, **(extra or {})}
            if tree is not None:
                assert st.log_id is not None
                size = st.seq + 1
                if kind == "discontinuity":
                    st.epoch += 1
                    st.prev_size, st.prev_tree = None, None
                sth = make_head(log=st.log_id, epoch=st.epoch, size=size, root=tree.root().hex(), head=st.hash,
                                time=now, kind=kind, writer=self.writer, key=self._signing_key)
                body["sth"] = sth
                body["frontier"] = tree.to_hex()
                if st.prev_size is not None and st.prev_tree is not None:
                    proof = consistency_proof(st.prev_tree, st.since_prev)
                    body["consistency"] = {"from": st.prev_size, "proof": [p.hex() for p in proof]}
                st.prev_size, st.prev_tree = size, tree.copy()
                st.since_prev.clear()
            return add(body, index)

        recovered = {"recovered": {"torn_bytes": torn.nbytes, "torn_sha256": torn.sha256}} if torn else {}
        if st.log_id is None:  # an empty log: this writer starts it
            st.log_id = secrets.token_hex(16)
            st.seq, st.hash, st.epoch = -1, GENESIS_HASH, 0
            if tree is None and self._tree_on:
                tree = st.tree = Frontier()
            if tree is not None:
                st.prev_size, st.prev_tree = None, None
                st.since_prev.clear()
            first_extra: dict[str, Any] = {}
            if self._recovering is not None and self._recovery_info.get("previous_log"):
                first_extra["discontinuity"] = {"reason": self._recovery_info.get("reason", "deleted"),
                                                "previous_log": self._recovery_info["previous_log"]}
            marker("start", {"log": st.log_id, "chain": dict(self._chain_info), **recovered, **first_extra})
        elif (view.fresh and self._recovering is None) or torn is not None:
            # (an operator's recovery opens its session with the discontinuity record itself)
            marker("continuation", {"log": st.log_id, "chain": dict(self._chain_info), **recovered})
        for index, body in enumerate(entries):
            kind = body.get("kind")
            if kind in ("checkpoint", "end", "discontinuity"):
                if kind == "checkpoint" and tree is None:
                    continue
                extra = {k: v for k, v in body.items() if k != "kind"}
                if kind == "discontinuity":
                    extra["discontinuity"] = {**self._recovery_info, **(extra.get("discontinuity") or {})}
                    extra["discontinuity"].setdefault("reason", "operator")
                rec = marker(kind, extra, index)
                if "sth" in rec and kind != "end":
                    since, last_cp = 0, rec["sth"]
                continue
            add(dict(body), index)
            since += 1
            if tree is not None and since >= self.checkpoint_every:
                last_cp = marker("checkpoint")["sth"]
                since = 0
        return out, since, last_cp

    def _own_torn(self, torn: Any) -> bool:
        """Is this cut-off line the start of a line this writer tried to write and was not told was
        stored (a failed, torn write of its own)?"""
        n = torn.nbytes
        return any(len(line) >= n and hashlib.sha256(line[:n]).hexdigest() == torn.sha256
                   for line in self._unacked_lines)

    def _parse(self, item: RawItem, where: str) -> dict[str, Any]:
        try:
            rec = orjson.loads(item.data)
        except orjson.JSONDecodeError:
            rec = None
        if not isinstance(rec, dict) or not isinstance(rec.get("seq"), int) or not isinstance(rec.get("hash"), str):
            raise self._refuse(f"audit log {self.description}: a line {where} is not a readable record")
        return rec

    def _accept_all(self, items: Iterable[RawItem], where: str, *, legacy_ok: bool = False,
                    first_unlinked: bool = False) -> dict[str, Any] | None:
        """Accept stored records in order. A line that is not a record is only accepted as a write
        cut off by a crash: the next record must be the continuation marker that names its length and
        SHA-256 (it is then skipped, like ``verify`` does)."""
        last = None
        torn: tuple[int, str] | None = None
        for n, item in enumerate(items):
            if item.oversize:
                raise self._refuse(f"audit log {self.description}: a line of {item.oversize} bytes ({where}) is not "
                                   "an audit record")
            try:
                rec = orjson.loads(item.data)
                ok = isinstance(rec, dict) and isinstance(rec.get("seq"), int) and isinstance(rec.get("hash"), str)
            except orjson.JSONDecodeError:
                ok, rec = False, None
            if not ok:
                if torn is not None:
                    raise self._refuse(f"audit log {self.description}: lines that are not records ({where})")
                torn = (len(item.data), hashlib.sha256(item.data).hexdigest())
                continue
            if torn is not None:
                ack = rec.get("recovered") if isinstance(rec, dict) else None
                if not (isinstance(rec, dict) and rec.get("kind") in ("continuation", "start") and isinstance(ack, dict)
                        and ack.get("torn_bytes") == torn[0] and ack.get("torn_sha256") == torn[1]):
                    raise self._refuse(f"audit log {self.description}: a line that is not a record ({where}) is not "
                                       "acknowledged as a cut-off write")
                torn = None
            link = not (first_unlinked and n == 0)
            last = self._accept(item, where, legacy_ok=legacy_ok, link=link)
            sth = last.get("sth")
            if "auth" in last or (isinstance(sth, dict) and sth.get("sig")):
                legacy_ok = False  # from the first authenticated record on, every record must be
        if torn is not None:
            raise self._refuse(f"audit log {self.description}: a line that is not a record ({where})")
        return last

    def _accept(self, item: RawItem, where: str, *, legacy_ok: bool = False, link: bool = True) -> dict[str, Any]:
        """Check one stored record this writer is about to build on, and take it into its head."""
        st = self._state
        rec = self._parse(item, where)
        seq = rec["seq"]
        what = f"audit log {self.description}: record seq {seq} ({where})"
        if canonical(rec) != item.data:
            raise self._refuse(f"{what} is not stored as written (its bytes are not the canonical form)")
        if link and (seq != st.seq + 1 or not hashes_equal(str(rec.get("prev_hash")), st.hash)):
            raise self._refuse(f"{what} does not follow seq {st.seq} in the chain: the log was changed")
        if not hashes_equal(record_hash(rec, self._hmac_key), rec["hash"]):
            if self._hmac_key is not None:
                raise self._refuse(f"{what} does not carry a valid HMAC: it was not written by a holder of the "
                                   "HMAC key (a forged or edited record)")
            raise self._refuse(f"{what} does not match its own hash: it was edited")
        if self._auth_key is not None:
            auth = rec.get("auth")
            sth = rec.get("sth")
            if auth is None and isinstance(sth, dict) and sth.get("sig") and st.tree is not None:
                pass  # a tree head record: its signature (checked below) authenticates it
            elif auth is None and not legacy_ok:
                raise self._refuse(f"{what} carries no writer authentication code: it was not written by a writer "
                                   "holding the signing key (a forged record, or an older status_guard writer)")
            if auth is not None and not hashes_equal(str(auth), record_auth(self._auth_key, rec["hash"])):
                raise self._refuse(f"{what} carries an invalid writer authentication code: it was not written by a "
                                   "writer holding this signing key (a forged record?)")
        if rec.get("writer") == self.writer and self._unacked.get(seq) != rec["hash"]:
            raise self._refuse(f"{what} claims to come from this writer, which did not write it (a forged record)")
        kind = rec.get("kind")
        if kind in ("start", "continuation"):
            if kind == "start" and seq != 0:
                raise self._refuse(f"{what} is a second start marker")
            if st.log_id is not None and rec.get("log") != st.log_id:
                raise self._refuse(f"{what} names another log ({rec.get('log')}); this writer writes log {st.log_id}")
            chain = rec.get("chain") or {}
            if not isinstance(chain, dict) or chain.get("alg") != self._chain_info["alg"] or \
                    chain.get("key_id") != self._chain_info.get("key_id"):
                raise self._refuse(f"{what} is chained with another algorithm or key than this writer's")
            if st.log_id is None:
                st.log_id = str(rec.get("log"))
        sth = rec.get("sth")
        if isinstance(sth, dict) and st.tree is not None:
            self._check_head(rec, sth, what)
        if st.tree is not None:
            leaf = leaf_hash(item.data)
            st.tree.append(leaf)
            st.since_prev.append(leaf)
        st.seq, st.hash = seq, rec["hash"]
        return rec

    def _check_head(self, rec: dict[str, Any], sth: dict[str, Any], what: str) -> None:
        st = self._state
        assert st.tree is not None
        seq = rec["seq"]
        if sth.get("size") != seq or sth.get("log") != st.log_id or sth.get("head") != rec.get("prev_hash") \
                or sth.get("kind") != rec.get("kind") or sth.get("writer") != rec.get("writer"):
            raise self._refuse(f"{what} carries a tree head that does not describe its own place in the log")
        if sth.get("root") != st.tree.root().hex():
            raise self._refuse(f"{what} carries a tree head whose root differs from the records before it: the "
                               "records before it were changed")
        if self._public_key is not None:
            why = check_head_signature(sth, self._public_key)
            if why:
                raise self._refuse(f"{what}: its tree head is not signed by this writer's key ({why})")
        epoch = sth.get("epoch")
        if rec.get("kind") == "discontinuity":
            if epoch != st.epoch + 1:
                raise self._refuse(f"{what} declares a discontinuity out of order")
            st.epoch = epoch
            st.prev_size, st.prev_tree = None, None
        elif epoch != st.epoch:
            raise self._refuse(f"{what} carries a tree head of another epoch")
        st.prev_size, st.prev_tree = seq, st.tree.copy()
        st.since_prev.clear()

    def _open_session(self, view: StoreView) -> None:
        """A writer's first look at the log (or its first after a recovery): pinned id, witness,
        chain settings, and the state to build on (authenticated, with the Merkle frontier)."""
        st = self._state
        st.log_id, st.seq, st.hash, st.epoch = None, -1, GENESIS_HASH, 0
        st.tree, st.prev_size, st.prev_tree = None, None, None
        st.since_prev.clear()
        reader = view.reader
        tail = view.tail
        first = reader.first_record() if (tail is not None and reader is not None) else None
        if self.pinned_log_id is not None:
            if tail is None:
                raise self._refuse(f"audit log {self.description} is empty, but this writer is pinned to log "
                                   f"{self.pinned_log_id}: it was deleted or truncated (a new log is not started "
                                   "in its place)")
            found = first.get("log") if first else None
            if found != self.pinned_log_id:
                raise self._refuse(f"audit log {self.description} is log {found}, not the pinned log "
                                   f"{self.pinned_log_id}: the log was swapped for another one")
        if self.witness is not None and self.witness.readable:
            self._check_witness(tail, first, reader)
        if tail is None:
            return  # an empty log: _chain starts it
        if not first or first.get("kind") != "start" or not isinstance(first.get("log"), str):
            raise self._refuse(f"audit log {self.description}: its first record is not a start marker; refusing to "
                               "extend a log whose beginning is missing or damaged (run `status-guard audit verify`)")
        chain = first.get("chain") or {}
        if chain.get("alg") != self._chain_info["alg"] or chain.get("key_id") != self._chain_info.get("key_id"):
            raise AuditUnavailableError(
                f"audit log {self.description} is chained with {chain.get('alg')!s}"
                f"{' key ' + str(chain.get('key_id')) if chain.get('key_id') else ''}; this writer is configured "
                f"with {self._chain_info['alg']}{' key ' + self._chain_info['key_id'] if 'key_id' in self._chain_info else ''}."
                " Use the same key, or start a new log")
        assert reader is not None
        if self._signing_key is None:
            self._refuse_unsigned_on_signed(reader, tail)
        st.log_id = str(first["log"])
        if not self._tree_on:
            item = reader.record_at(tail.seq)
            if item is None:
                raise self._refuse(f"audit log {self.description}: its last record cannot be read back")
            st.seq, st.hash = tail.seq - 1, self._parse(item, "at the end of the log").get("prev_hash", GENESIS_HASH)
            self._accept(item, "at the end of the log", legacy_ok=True)
            return
        self._bootstrap(reader, tail)

    def _refuse_unsigned_on_signed(self, reader: LockedReader, tail: Tail) -> None:
        """A writer without the signing key never writes into a signed log: its unsigned session would
        make every signing writer refuse (and verify report UNSIGNED). A configuration error: nothing
        is written, the writer does not halt."""
        item = reader.record_at(tail.seq)
        rec = _loads(item.data) if item is not None else None
        sth = rec.get("sth") if rec else None
        if rec is not None and ("auth" in rec or (isinstance(sth, dict) and sth.get("sig"))):
            raise AuditUnavailableError(
                f"audit log {self.description} is signed (its last record carries a writer code or a signed tree "
                "head), but this writer has no signing key: refusing to write an "
                "unsigned session into it (give the signing key: --signing-key or "
                "STATUS_GUARD_AUDIT_SIGNING_KEY_FILE)")

    def _bootstrap(self, reader: LockedReader, tail: Tail) -> None:
        """The Merkle frontier and the last tree head, from the last record that stores a frontier,
        then every record after it (each checked as if another writer had just appended it)."""
        st = self._state
        item = reader.last_tree_record()
        legacy = item is None
        if item is not None:
            rec = self._parse(item, "(the last tree head in the log)")
            sth, frontier = rec.get("sth"), rec.get("frontier")
            ok = isinstance(sth, dict) and isinstance(frontier, list) and sth.get("size") == rec["seq"]
            if ok:
                try:
                    tree = Frontier.from_hex(int(sth["size"]), [str(h) for h in frontier])
                except (ValueError, TypeError):
                    ok = False
                else:
                    ok = tree.root().hex() == sth.get("root")
            if not ok:
                raise self._refuse(f"audit log {self.description}: the tree head at seq {rec['seq']} does not match "
                                   "its own frontier (the record was edited)")
            st.tree = tree
            st.epoch = int(sth.get("epoch", 0)) - (1 if rec.get("kind") == "discontinuity" else 0)
            st.seq, st.hash = rec["seq"] - 1, str(rec.get("prev_hash"))
            start = rec["seq"]
        else:
            st.tree = Frontier()
            start = 0
            if tail.seq > 10_000:
                logger.warning("status_guard audit: %s has no tree head yet (written before v2); reading its %d "
                               "records once to compute the Merkle tree", self.description, tail.seq + 1)
        if not legacy:
            st.prev_size, st.prev_tree = None, None
        last = self._accept_all(reader.items_from(start), "read at start-up", legacy_ok=True,
                                first_unlinked=not legacy)
        if last is None or last["seq"] != tail.seq or last["hash"] != tail.hash:
            raise self._refuse(f"audit log {self.description}: its records could not be read back to its last "
                               f"record (seq {tail.seq})")

    def _witness_latest(self) -> dict[str, Any] | None:
        """The witness's latest head for this place, read in a helper thread and waited for at most
        ``lock_timeout`` seconds (a hung mount or server must not hold the writer's lock for ever)."""
        assert self.witness is not None
        box: dict[str, Any] = {}

        def read() -> None:
            try:
                prepare = getattr(self.witness, "prepare", None)
                if prepare is not None:
                    prepare()  # a dir: witness's own directory (never its parents) is made by its first writer
                box["seen"] = self.witness.latest(self.sink.origin)  # type: ignore[union-attr]
            except BaseException as e:  # noqa: BLE001 - handed to the caller
                box["error"] = e

        t = threading.Thread(target=read, name="status_guard-audit-witness-read", daemon=True)
        t.start()
        t.join(self.lock_timeout)
        if t.is_alive():
            raise WitnessError(f"{self.witness.description} did not answer within {self.lock_timeout:g} s")
        err = box.get("error")
        if isinstance(err, WitnessError):
            raise err
        if err is not None:
            raise WitnessError(f"{self.witness.description} cannot be read ({type(err).__name__})")
        return box.get("seen")

    def _check_witness(self, tail: Tail | None, first: dict[str, Any] | None, reader: LockedReader | None) -> None:
        """A starting writer compares the log with the latest head the witness holds for this place."""
        assert self.witness is not None
        try:
            seen = self._witness_latest()
        except WitnessError as e:
            logger.warning("status_guard audit: cannot read the witness at start-up (%s); the log at %s is not "
                           "compared with the last head the witness holds", e, self.description)
            return
        if not seen or not isinstance(seen.get("sth"), dict):
            return
        sth = seen["sth"]
        size, log, when = sth.get("size"), sth.get("log"), sth.get("time")
        where = f"audit log {self.description}"
        if tail is None:
            raise self._refuse(f"{where} is empty, but the witness holds a head of log {log} with {size} record(s) "
                               f"at this place ({when}): the log was deleted or truncated")
        found = first.get("log") if first else None
        if found != log:
            d = first.get("discontinuity") if first else None
            previous = d.get("previous_log") if isinstance(d, dict) else None
            if previous != log:
                raise self._refuse(f"{where} is log {found}, but the witness last saw log {log} here ({when}, "
                                   f"{size} record(s)): the log was replaced")
            return
        if not isinstance(size, int) or size <= 0:
            return
        if tail.seq + 1 < size:
            raise self._refuse(f"{where} holds {tail.seq + 1} record(s), but the witness saw {size} ({when}): records "
                               "were cut from its end")
        assert reader is not None
        if _hash_at(reader, size - 1) != sth.get("head"):
            raise self._refuse(f"{where}: record seq {size - 1} is not the one the witness saw ({when}): the log was "
                               "rewritten")

    # -- recovery ---------------------------------------------------------------------------------
    def _open_for_recovery(self, view: StoreView, entries: list[dict[str, Any]]) -> None:
        """Read the log as it is, without refusing, and fill in what the discontinuity record says."""
        st = self._state
        st.log_id, st.seq, st.hash, st.epoch = None, -1, GENESIS_HASH, 0
        st.tree, st.prev_size, st.prev_tree = None, None, None
        st.since_prev.clear()
        info: dict[str, Any] = {}
        reader, tail = view.reader, view.tail
        seen = None
        if self.witness is not None and self.witness.readable:
            try:
                seen = self._witness_latest()
            except WitnessError:
                seen = None
        seen_sth = seen.get("sth") if isinstance(seen, dict) and isinstance(seen.get("sth"), dict) else None

        def lost() -> dict[str, Any] | None:
            if not seen_sth:
                return None
            return {k: seen_sth[k] for k in ("log", "epoch", "size", "root", "time") if k in seen_sth}

        if tail is None or reader is None:
            info["reason"] = "deleted"
            q = self._quarantined
            if q is not None:
                info["reason"] = "damaged"
                info["damage"] = q["damage"]
                if q.get("quarantined"):
                    info["quarantined"] = q["quarantined"]
            previous = (q or {}).get("previous_log") or self.pinned_log_id or (seen_sth.get("log") if seen_sth else None)
            if previous:
                info["previous_log"] = previous
            if lost():
                info["lost"] = lost()
            self._recovery_info = info
            return
        first = reader.first_record() or {}
        if first.get("kind") != "start" or not isinstance(first.get("log"), str):
            raise AuditDamagedError(f"audit log {self.description}: its first record is not a readable start marker",
                                    "no_start")
        chain = first.get("chain") or {}
        if chain.get("alg") != self._chain_info["alg"] or chain.get("key_id") != self._chain_info.get("key_id"):
            raise AuditUnavailableError(f"audit log {self.description} is chained with {chain.get('alg')!s}; recover with "
                                        "the keys the log was written with")
        self._damaged_log = str(first["log"])
        if self._signing_key is None:
            self._refuse_unsigned_on_signed(reader, tail)  # an unsigned recovery would end no signed refusal
        st.log_id = str(first.get("log"))
        st.tree = Frontier() if self._tree_on else None
        start = 0
        item = reader.last_tree_record() if self._tree_on else None
        tree_hash: str | None = None
        if item is not None:
            try:
                rec = orjson.loads(item.data)
                sth, frontier = rec["sth"], rec["frontier"]
                tree = Frontier.from_hex(int(sth["size"]), [str(h) for h in frontier])
                if tree.root().hex() == sth["root"] and sth["size"] == rec["seq"]:
                    st.tree, start, tree_hash = tree, rec["seq"], rec["hash"]
                    st.epoch = int(sth.get("epoch", 0))
                    st.seq, st.hash = rec["seq"] - 1, str(rec["prev_hash"])
            except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
                pass
        bad_from = bad_to = None
        torn: tuple[int, str] | None = None
        where = f"audit log {self.description}"
        items: Iterable[RawItem] = reader.items_from(start)
        if tree_hash is not None and item is not None and start > 0:
            # storage order must be chain order from the record before the last tree head on
            items = iter(reader.items_in_place(item))
            before = next(items, None)  # type: ignore[call-overload]
            prev = _loads(before.data) if before is not None and not before.oversize else None
            if prev is None or prev.get("seq") != start - 1 or prev.get("hash") != st.hash:
                raise AuditDamagedError(f"{where}: the record before the last tree head (seq {start}) is not seq "
                                        f"{start - 1} of its chain (records reordered or removed)", "out_of_order")
        for it in items:
            # a log recovery can build on must read as one chain from its last tree head on: every line a
            # record, each linking to the one before; a line cut off by a crash is allowed only where the
            # next record acknowledges it (as the writers and verify allow it). Anything else is damage:
            # the log is moved aside (AuditDamagedError) rather than extended.
            rec = None if it.oversize else _loads(it.data)
            if rec is None or not isinstance(rec.get("seq"), int) or not isinstance(rec.get("hash"), str):
                if torn is not None:
                    raise AuditDamagedError(f"{where}: two lines after seq {st.seq} are not records", "unreadable_record")
                torn = (len(it.data), hashlib.sha256(it.data).hexdigest()) if not it.oversize else (-1, "")
                continue
            if torn is not None:
                ack = rec.get("recovered")
                if not (rec.get("kind") in ("continuation", "start") and isinstance(ack, dict)
                        and ack.get("torn_bytes") == torn[0] and ack.get("torn_sha256") == torn[1]):
                    raise AuditDamagedError(f"{where}: a line after seq {st.seq} is not a record", "unreadable_record")
                torn = None
            if tree_hash is not None:  # reading starts at the last tree head itself, in its place
                if rec["hash"] != tree_hash:
                    raise AuditDamagedError(f"{where}: the last tree head (seq {start}) is not where its records "
                                            "put it (records reordered)", "out_of_order")
                tree_hash = None
            if rec["seq"] != st.seq + 1 or not hashes_equal(str(rec.get("prev_hash")), st.hash):
                raise AuditDamagedError(f"{where}: record seq {rec['seq']} does not follow seq {st.seq} in storage "
                                        "order (records removed from the middle, reordered or re-chained)",
                                        "out_of_order")
            if not self._authentic(rec):
                bad_from = rec["seq"] if bad_from is None else bad_from
                bad_to = rec["seq"]
            sth = rec.get("sth")
            if rec.get("kind") == "discontinuity" and isinstance(sth, dict) and isinstance(sth.get("epoch"), int):
                st.epoch = int(sth["epoch"])
            if st.tree is not None:
                st.tree.append(leaf_hash(it.data))
            st.seq, st.hash = rec["seq"], rec["hash"]
        if torn is not None:
            raise AuditDamagedError(f"{where}: a line after seq {st.seq} is not a record", "unreadable_record")
        if tree_hash is not None or (st.seq, st.hash) != (tail.seq, tail.hash):
            raise AuditDamagedError(f"{where}: its records do not read as one chain up to its last record (seq "
                                    f"{tail.seq}): records reordered", "out_of_order")
        if st.tree is not None:
            st.prev_size, st.prev_tree = None, None
        if bad_from is not None:
            info["reason"] = "unauthenticated"
            info["unauthenticated"] = {"from": bad_from, "to": bad_to}
        if seen_sth and seen_sth.get("log") != st.log_id:
            info["reason"] = "replaced"
            info["previous_log"] = seen_sth.get("log")
            info["lost"] = lost()
        elif seen_sth and isinstance(seen_sth.get("size"), int):
            size = seen_sth["size"]
            if st.seq + 1 < size:
                info["reason"], info["lost"] = "cut", lost()
            elif size > 0 and _hash_at(reader, size - 1) != seen_sth.get("head"):
                info["reason"], info["lost"] = "rewritten", lost()
        if self.pinned_log_id and self.pinned_log_id != st.log_id:
            info["reason"], info["previous_log"] = "replaced", self.pinned_log_id
        info["found_seq"] = st.seq
        info.setdefault("reason", (self._recovering or {}).get("reason") or "operator")
        self._recovery_info = {k: v for k, v in info.items() if v is not None}

    def _check_recovery(self) -> None:
        """A refusing writer resumes once an operator has recorded the discontinuity (``audit
        recover``): an authenticated ``discontinuity`` record newer than the refusal."""
        halt = self._halt
        assert halt is not None
        now = time.monotonic()
        if now - halt.checked < self.recheck_interval:
            raise AuditDiscontinuityError(halt.reason)
        halt.checked = now
        # a recovery covers what was lost before it: it ends this refusal if it was written after this
        # writer's last record (its loss happened after that); a writer that never wrote re-checks
        # everything anyway once it starts afresh
        not_before = self._last_write_time or (
            datetime.strptime(halt.log_time, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
            - RECOVERY_SKEW).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        try:
            item = self.sink.latest_of_kind("discontinuity", not_before=not_before)
        except Exception:  # noqa: BLE001 - a storage failure here only means: still refusing
            item = None
        rec = None
        if item is not None:
            try:
                rec = orjson.loads(item.data)
            except orjson.JSONDecodeError:
                rec = None
        if not isinstance(rec, dict) or not isinstance(rec.get("time"), str) or rec["time"] <= not_before \
                or not self._authentic(rec):
            raise AuditDiscontinuityError(halt.reason)
        logger.warning("status_guard audit: %s — an operator recorded the discontinuity (seq %s); writing again",
                       self.description, rec.get("seq"))
        self._halt = None
        self._state = _State()
        self._last_write_time = None
        self.sink.reset_cursor()

    def _authentic(self, rec: dict[str, Any]) -> bool:
        if not isinstance(rec.get("hash"), str) or not hashes_equal(record_hash(rec, self._hmac_key), rec["hash"]):
            return False
        if self._auth_key is not None:
            return isinstance(rec.get("auth"), str) and hashes_equal(rec["auth"], record_auth(self._auth_key, rec["hash"]))
        return True

    # -- witness --------------------------------------------------------------------------------
    def _export(self, heads: list[dict[str, Any]], n_records: int) -> None:
        """Queue the tree heads just written for the witness (a background thread sends them)."""
        with self._witness_cv:
            self._unwitnessed += n_records
            for rec in heads:
                self._backlog.append(make_entry(self.sink.origin, rec))
            if len(self._backlog) > 10_000:
                del self._backlog[: len(self._backlog) - 10_000]
            if heads:
                self._witness_cv.notify_all()
        if heads and self._exporter is None:
            t = threading.Thread(target=self._export_loop, name="status_guard-audit-witness", daemon=True)
            self._exporter = t
            t.start()

    def _export_loop(self) -> None:
        while not (self._stop.is_set() and not self._backlog):
            with self._witness_cv:
                while not self._backlog and not self._stop.is_set():
                    self._witness_cv.wait(timeout=1.0)
                if not self._backlog:
                    continue
            if not self._send_one():
                self._stop.wait(min(5.0, max(0.2, (self.checkpoint_seconds or 60) / 10)))

    def _send_one(self) -> bool:
        assert self.witness is not None
        with self._witness_lock:
            if not self._backlog:
                return True
            entry = self._backlog[0]
        try:
            self.witness.submit(entry)
        except WitnessError as e:
            if self._witness_error is None:
                logger.error("status_guard audit: cannot send a tree head to the witness: %s (will retry)", e)
            self._witness_error = str(e)
            return False
        except Exception as e:  # noqa: BLE001 - a witness failure must never break the writer
            self._witness_error = type(e).__name__
            logger.error("status_guard audit: witness failure (%s); will retry", type(e).__name__)
            return False
        with self._witness_cv:
            if self._backlog and self._backlog[0] is entry:
                self._backlog.pop(0)
            if self._witness_error is not None:
                logger.warning("status_guard audit: the witness stores tree heads again")
                self._witness_error = None
            if not self._backlog:
                self._unwitnessed = self._since_checkpoint
                self._witness_ok_at = time.monotonic()
            self._witness_cv.notify_all()
        return True

    def flush_witness(self, timeout: float | None = None) -> bool:
        """Wait until every tree head written so far is stored by the witness (True), or the
        timeout passes (False)."""
        if self.witness is None:
            return True
        deadline = time.monotonic() + (timeout if timeout is not None else self.lock_timeout + 5)
        with self._witness_cv:
            while self._backlog:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                if self._exporter is None or not self._exporter.is_alive():
                    break
                self._witness_cv.wait(timeout=min(remaining, 0.2))
        while self._backlog and time.monotonic() < deadline:  # no exporter thread: send here
            if not self._send_one():
                return False
        return not self._backlog

    def _start_ticker(self) -> None:
        if not self.checkpoint_seconds or self._ticker is not None or not self._tree_on:
            return
        t = threading.Thread(target=self._tick, name="status_guard-audit-checkpoints", daemon=True)
        self._ticker = t
        t.start()

    def _tick(self) -> None:
        assert self.checkpoint_seconds
        while not self._stop.wait(self.checkpoint_seconds):
            if self._closed or self._halt is not None:
                continue
            try:
                if self._since_checkpoint > 0:
                    self._commit([{"kind": "checkpoint"}])
            except Exception as e:  # noqa: BLE001 - the timer must not die; appends report the failure
                logger.warning("status_guard audit: timed checkpoint failed (%s)", type(e).__name__)
