"""Verification: prove the stored log, and name each record that breaks it.

Like CloudTrail's ``validate-logs``, the verifier reports each problem separately and by position:

* ``edited``       — a record's content no longer matches its hash (or its bytes are not the
                     canonical form of its content), or it was changed and re-hashed (the next
                     record still links to its original hash), or — when only a signed tree head
                     shows it — the changed records are named by the narrowest range the head's
                     Merkle frontier allows;
* ``broken_link``  — a record does not chain to the one before it;
* ``missing``      — sequence numbers are absent (records deleted), including the log's beginning;
* ``inserted``     — a record claims a sequence number another record holds and is not on the
                     chain, or comes from a writer that never opened a session, or after its end;
* ``reordered``    — records are stored out of sequence order;
* ``truncated``    — the log ends with a cut-off write, or without an ``end`` marker (unless the
                     caller accepts an open tail: a live log), or before a head an anchor or the
                     witness holds;
* ``corrupt``      — a stored line is not a record at all (or is over the size limit);
* ``invalid_record`` — a record holds a key or value the allow-list refuses (a value leaked in);
* ``bad_signature`` / ``checkpoint_mismatch`` / ``unsigned`` — a tree head's signature fails, its
                     root no longer matches the records before it, or (with a public key) a marker
                     that must be signed is not;
* ``unverifiable`` — the chain uses HMAC and no key was given (or the reverse: a downgrade);
* ``swapped``      — the log is not the one expected (a pinned log id, or the witness's log here);
* ``witness_mismatch`` — the records no longer match a tree head the witness holds;
* ``equivocation`` / ``fork`` / ``inconsistent`` — the witness's heads for this log disagree;
* ``wrong_key``    — the only problem: the key given is not this log's (no record's MAC verifies under
                     the HMAC key while the chain is intact, or every signed head names another public
                     key). Cannot verify, not the tamper alarm (``VerifyReport.wrong_key``);
* ``converted``    — the stored bytes were converted (CRLF line endings, empty lines at the end): named
                     first, followed by whatever the log, with the conversion undone, still shows.

Passes, in order: :func:`_read` (parse, self-hash, allow-list, Merkle roots in storage order),
:func:`_chain` (duplicates, order, links, sessions), :func:`_torn` (cut-off writes),
:func:`_tail`, :func:`_heads` (tree heads, v1 checkpoints, anchors), :func:`_witness`.

Memory: a small tuple per record (≈150 bytes) plus the Merkle frontier; no line is read whole past
:data:`~status_guard.audit.sinks.base.MAX_LINE`.

Incremental verification (``verify_from``): a :class:`VerifiedState` returned with a report lets a
caller (the dashboard) verify only the records stored after it, after checking that the log still
holds the state's last record — see docs/audit.md "Verifying from a trusted head".
"""

from __future__ import annotations

import bisect
import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from .canonical import ALG_HMAC, ALG_SHA256, GENESIS_HASH, canonical, hashes_equal, record_hash
from .checkpoint import check_signature
from .merkle import Frontier, leaf_hash
from .records import validate_stored
from .sinks.base import RawItem
from .treehead import check_head_signature, shape_problem

SESSION_MARKERS = ("start", "continuation", "end", "discontinuity")
NOT_WITNESSED = ("Not compared with a witness: records cut from the end of the log (back to an earlier end "
                 "marker) would not show; give the witness (--witness, or $STATUS_GUARD_AUDIT_WITNESS) to check.")


@dataclass(frozen=True)
class Problem:
    """One finding. Iterates as ``(seq or line, kind, message)``."""

    kind: str
    message: str
    seq: int | None = None
    line: int | None = None

    def __iter__(self) -> Iterator[Any]:
        return iter((self.seq if self.seq is not None else self.line, self.kind, self.message))

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "seq": self.seq, "line": self.line, "message": self.message}


@dataclass(frozen=True)
class VerifiedState:
    """Where a verification ended, to verify only what comes after (``verify_from``).

    ``position`` is where the next record starts: a byte offset (files) or the next seq (tables).
    The state is only as trustworthy as the verification that produced it: keep it where the log's
    insider cannot edit it (the dashboard keeps it in memory)."""

    log_id: str | None
    alg: str | None
    seq: int
    hash: str
    epoch: int
    frontier_size: int
    frontier: tuple[str, ...]
    position: int
    line: int
    open_writers: tuple[tuple[str, int], ...] = ()
    ended_writers: tuple[str, ...] = ()
    last_kind: str | None = None
    last_time: str | None = None
    heads_verified: int = 0
    checkpoints_verified: int = 0
    checkpoints_total: int = 0
    last_signed_size: int | None = None
    count: int = 0
    # signed tree heads present in the records, whether or not a public key checked them
    heads_total: int = 0
    first_seq: int = 0
    # records (not checkpoints or end markers) from ``last_signed_size`` on, not yet under a signed
    # head: a resumed verification adds the ones it reads
    pending: int = 0
    log_started: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.__dict__.items()}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> VerifiedState:
        kw = dict(d)
        kw["frontier"] = tuple(kw.get("frontier") or ())
        kw["open_writers"] = tuple(tuple(x) for x in kw.get("open_writers") or ())
        kw["ended_writers"] = tuple(kw.get("ended_writers") or ())
        return cls(**kw)


@dataclass(frozen=True)
class VerifyReport:
    ok: bool
    problems: tuple[Problem, ...]
    warnings: tuple[str, ...]
    first_seq: int | None
    last_seq: int | None
    count: int
    ended_cleanly: bool
    checkpoints_verified: int
    checkpoints_total: int
    log_id: str | None = None
    alg: str | None = None
    last_time: str | None = None
    end_position: int | None = None
    problem_kinds: frozenset[str] = field(default_factory=frozenset)
    heads_verified: int = 0
    witness_heads_matched: int = 0
    witness_checked: bool = False
    discontinuities: tuple[str, ...] = ()
    unreadable: bool = False
    log_started: str | None = None
    state: VerifiedState | None = None
    # signed tree heads the records carry, checked or not: with none verified, the public key was not supplied
    heads_total: int = 0
    # "hmac" / "public": the key given is not this log's key (nothing else found wrong) -- cannot verify, not
    # the tamper alarm (w16e F04); the one problem is then of kind ``wrong_key``
    wrong_key: str | None = None
    # "crlf" / "blank_tail": the stored bytes were converted (line endings, empty lines at the end); the
    # problems are then a ``converted`` note and what the normalised bytes still show (w16e F10)
    converted: str | None = None

    @property
    def tamper_evident(self) -> bool:
        """True when the result holds against an insider who can rewrite the stored log: the chain was
        checked with its HMAC key, signed tree heads (or checkpoints) were verified with the public key,
        or the records match heads a witness holds. A plain SHA-256 chain alone proves consistency only."""
        if self.alg == ALG_HMAC or self.heads_verified > 0 or self.checkpoints_verified > 0:
            return True
        if self.signatures_unchecked:
            # a signed log read without its public key: a witness match does not stand in for the signatures
            # (records after the witness's last head are checked by nothing) -- "cannot verify (key not
            # supplied)", never green (issue 16 item 5)
            return False
        return self.witness_heads_matched > 0

    @property
    def signatures_unchecked(self) -> bool:
        """The log carries signed tree heads (or checkpoints) and not one was checked: the public key was
        not supplied (an HMAC chain checked with its key authenticates the records by itself)."""
        return bool(self.heads_total) and not self.heads_verified \
            and not self.checkpoints_verified and self.alg != ALG_HMAC

    @property
    def integrity_basis(self) -> str:
        """One sentence saying what the verification rests on, for every place that shows the result."""
        parts = []
        if self.alg == ALG_HMAC:
            parts.append("HMAC-SHA256 chain checked with its key (records cannot be forged or re-hashed without it)")
        n = max(self.heads_verified, self.checkpoints_verified)
        if n:
            parts.append(f"{n} signed tree head(s) verified with the public key")
        if self.witness_heads_matched:
            parts.append(f"{self.witness_heads_matched} tree head(s) held by the witness match the records")
        if parts:
            return "; ".join(parts) + "." + ("" if self.witness_checked else " " + NOT_WITNESSED)
        return ("Plain SHA-256 chain, with no HMAC key, no signed tree head and no witness: this shows the log "
                "is internally consistent (no accidental damage, no naive edit), NOT that it was not "
                "rewritten by someone with write access who recomputed every hash. Use an HMAC key, signed "
                "tree heads or a witness (docs/audit.md) for proof against an insider.")

    @property
    def cut_evident(self) -> bool:
        """True when a cut tail would show: the records were compared with a witness that holds at least
        one head of this log. Without one, a log cut back to an earlier end marker verifies like the
        original (every record in it is genuine); only a head kept outside the log shows what is missing."""
        return self.witness_checked and self.witness_heads_matched > 0

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "tamper_evident": self.tamper_evident, "integrity_basis": self.integrity_basis,
                "problems": [p.as_dict() for p in self.problems], "warnings": list(self.warnings),
                "discontinuities": list(self.discontinuities),
                "first_seq": self.first_seq, "last_seq": self.last_seq, "count": self.count,
                "ended_cleanly": self.ended_cleanly, "checkpoints_verified": self.checkpoints_verified,
                "checkpoints_total": self.checkpoints_total, "heads_verified": self.heads_verified,
                "heads_total": self.heads_total,
                "witness_checked": self.witness_checked, "witness_heads_matched": self.witness_heads_matched,
                "log_id": self.log_id, "log_started": self.log_started, "alg": self.alg,
                "last_time": self.last_time, "end_position": self.end_position, "unreadable": self.unreadable,
                "wrong_key": self.wrong_key, "converted": self.converted}


@dataclass
class _Rec:
    idx: int  # physical order
    pos: int  # line number or row
    seq: int
    prev: str
    hash: str
    kind: str
    writer: str | None
    time: str | None
    self_ok: bool | None
    v: int | None
    marker: dict[str, Any] | None  # start/continuation/checkpoint/end bodies
    tree_size: int = 0  # leaves stored before this record (storage order)
    root_before: bytes | None = None  # Merkle root of those leaves (records carrying a tree head)
    frontier_before: list[bytes] | None = None


@dataclass
class _Bad:
    idx: int
    pos: int
    nbytes: int
    sha256: str
    complete: bool
    oversize: bool = False


@dataclass
class _Ctx:
    """What the passes share."""

    hmac_key: bytes | None
    public_key: Ed25519PublicKey | None
    allow_open_tail: bool
    P: str
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    discontinuities: list[str] = field(default_factory=list)
    recs: list[_Rec] = field(default_factory=list)
    bads: list[_Bad] = field(default_factory=list)
    total_items: int = 0
    unverifiable: bool = False
    roots_at: dict[int, bytes] = field(default_factory=dict)
    want_sizes: frozenset[int] = frozenset()
    tree: Frontier = field(default_factory=Frontier)
    genuine: list[_Rec] = field(default_factory=list)
    log_id: str | None = None
    heads_verified: int = 0
    checkpoints_verified: int = 0
    checkpoints_total: int = 0
    heads_total: int = 0
    last_signed_size: int | None = None
    witness_matched: int = 0
    seed: VerifiedState | None = None
    last_resume: int = -1
    pending: int = 0
    cr_lines: int = 0  # stored lines ending in a carriage return (CRLF line endings)
    blank_run: int = 0  # empty lines at the end of what was read so far

    def add(self, kind: str, message: str, seq: int | None = None, line: int | None = None) -> None:
        self.problems.append(Problem(kind, message, seq, line))


def _lis_members(values: Sequence[int]) -> set[int]:
    """Indices (into ``values``) of one longest strictly increasing subsequence."""
    tails: list[int] = []
    tails_idx: list[int] = []
    parent = [-1] * len(values)
    for i, v in enumerate(values):
        k = bisect.bisect_left(tails, v)
        if k == len(tails):
            tails.append(v)
            tails_idx.append(i)
        else:
            tails[k] = v
            tails_idx[k] = i
        parent[i] = tails_idx[k - 1] if k > 0 else -1
    out: set[int] = set()
    i = tails_idx[-1] if tails_idx else -1
    while i != -1:
        out.add(i)
        i = parent[i]
    return out


def _ranges(seqs: list[int]) -> str:
    return f"{seqs[0]}" if len(seqs) == 1 else f"{seqs[0]}-{seqs[-1]}"


# -- pass 1: read -----------------------------------------------------------------------------------
def _read(ctx: _Ctx, items: Iterable[RawItem]) -> None:
    expected_alg = ALG_HMAC if ctx.hmac_key is not None else ALG_SHA256
    P = ctx.P
    idx = -1
    if ctx.seed is not None and ctx.seed.alg is not None and ctx.seed.alg != expected_alg:
        ctx.unverifiable = True
        ctx.add("unverifiable", f"the verified state was made with {ctx.seed.alg}; verify with the same key")
    for idx, item in enumerate(items):
        data = item.data
        ctx.last_resume = item.resume
        if not item.oversize:  # (no copy of the line: isspace/endswith only look)
            blank = not data or data.isspace()
            ctx.blank_run = ctx.blank_run + 1 if blank else 0
            if not blank and data.endswith(b"\r"):
                ctx.cr_lines += 1
        if item.oversize:
            ctx.bads.append(_Bad(idx, item.position, item.oversize, item.sha256 or "", item.complete, True))
            continue
        try:
            rec = orjson.loads(data)
            if not isinstance(rec, dict):
                raise ValueError
            seq, prev, h = rec["seq"], rec["prev_hash"], rec["hash"]
            if not (isinstance(seq, int) and not isinstance(seq, bool) and seq >= 0
                    and isinstance(prev, str) and isinstance(h, str)):
                raise ValueError
        except (orjson.JSONDecodeError, ValueError, KeyError, TypeError):
            ctx.bads.append(_Bad(idx, item.position, len(data), hashlib.sha256(data).hexdigest(), item.complete))
            continue
        kind = str(rec.get("kind"))
        if kind in ("start", "continuation"):
            chain = rec.get("chain")
            alg = chain.get("alg") if isinstance(chain, dict) else None
            if alg != expected_alg and not ctx.unverifiable:
                ctx.unverifiable = True
                if alg == ALG_HMAC:
                    ctx.add("unverifiable", f"the log is HMAC-chained (from seq {seq}); pass the HMAC key to verify "
                            "its records", seq, item.position)
                else:
                    ctx.add("unverifiable", f"an HMAC key was given but the log declares {alg!s} chaining at seq "
                            f"{seq} (a downgrade, or the wrong log)", seq, item.position)
        self_ok: bool | None = None
        if not ctx.unverifiable:
            self_ok = hashes_equal(record_hash(rec, ctx.hmac_key), h)
            if not self_ok:
                ctx.add("edited", f"seq {seq} ({P} {item.position}): content does not match its hash (the record "
                        "was changed)", seq, item.position)
        if self_ok is not False and canonical(rec) != data:
            ctx.add("edited", f"seq {seq} ({P} {item.position}): stored bytes are not the canonical form of the "
                    "record (content was added outside the hash)", seq, item.position)
        invalid = validate_stored(rec)
        if invalid is not None:
            ctx.add("invalid_record", f"seq {seq} ({P} {item.position}): {invalid}", seq, item.position)
        marker = None
        if kind in ("start", "continuation", "checkpoint", "end", "discontinuity") or "sth" in rec:
            marker = {k: rec.get(k) for k in ("log", "chain", "recovered", "checkpoint", "sth", "frontier",
                                              "discontinuity")}
        time = rec.get("time") if isinstance(rec.get("time"), str) else None
        writer = rec.get("writer") if isinstance(rec.get("writer"), str) else None
        v = rec.get("v") if isinstance(rec.get("v"), int) else None
        r = _Rec(idx, item.position, seq, prev, h, kind, writer, time, self_ok, v, marker, ctx.tree.size)
        if marker is not None and isinstance(marker.get("sth"), dict):
            r.root_before = ctx.tree.root()
            r.frontier_before = list(ctx.tree.nodes)
        if ctx.tree.size in ctx.want_sizes:
            ctx.roots_at[ctx.tree.size] = ctx.tree.root()
        ctx.tree.append(leaf_hash(data))
        ctx.recs.append(r)
    if ctx.tree.size in ctx.want_sizes:
        ctx.roots_at[ctx.tree.size] = ctx.tree.root()
    ctx.total_items = idx + 1


# -- pass 2: the chain ------------------------------------------------------------------------------
def _chain(ctx: _Ctx) -> None:
    P = ctx.P
    by_seq: dict[int, list[_Rec]] = {}
    for r in ctx.recs:
        by_seq.setdefault(r.seq, []).append(r)
    prev_links: dict[int, set[str]] = {}
    for r in ctx.recs:
        prev_links.setdefault(r.seq, set()).add(r.prev)
    genuine: list[_Rec] = []
    for seq in sorted(by_seq):
        group = by_seq[seq]
        if len(group) == 1:
            genuine.append(group[0])
            continue
        successors = prev_links.get(seq + 1, set())
        best = max(group, key=lambda r: (r.hash in successors, r.self_ok is not False, -r.idx))
        genuine.append(best)
        for r in group:
            if r is not best:
                ctx.add("inserted", f"seq {seq} ({P} {r.pos}): a second record claims this sequence number and is "
                        f"not on the chain (the chained one is at {P} {best.pos})", seq, r.pos)
    keep = _lis_members([r.idx for r in genuine])
    for i, r in enumerate(genuine):
        if i not in keep:
            ctx.add("reordered", f"seq {r.seq} is stored out of order ({P} {r.pos})", r.seq, r.pos)
    seed = ctx.seed
    if seed is not None:  # the record a previous verification ended at anchors the chain
        anchor = _Rec(-1, seed.line, seed.seq, "", seed.hash, seed.last_kind or "?", None, seed.last_time, True, 2,
                      None, seed.frontier_size - 1)
        genuine = [anchor] + [r for r in genuine if r.seq > seed.seq]
        for r in ctx.recs:
            if r.seq <= seed.seq:
                ctx.add("inserted", f"seq {r.seq} ({P} {r.pos}): a record numbered at or before the verified state "
                        f"(seq {seed.seq}) stored after it", r.seq, r.pos)
        ctx.log_id = seed.log_id
    ctx.genuine = genuine
    if not genuine:
        return
    first = genuine[0]
    if seed is not None:
        pass
    elif first.seq != 0:
        ctx.add("missing", f"seq 0-{first.seq - 1}: the beginning of the log is missing (first record is seq "
                f"{first.seq})", 0, None)
    elif first.kind != "start" or first.prev != GENESIS_HASH:
        ctx.add("broken_link", "seq 0 is not a start marker chained to the genesis hash", 0, first.pos)
    for m in genuine:
        if seed is None and m.kind == "start" and m.marker and isinstance(m.marker.get("log"), str):
            ctx.log_id = m.marker["log"]
            break
    for a, b in zip(genuine, genuine[1:]):
        if b.seq > a.seq + 1:
            ctx.add("missing", f"seq {_ranges([a.seq + 1, b.seq - 1])}: {b.seq - a.seq - 1} record(s) missing "
                    f"between seq {a.seq} and seq {b.seq}", a.seq + 1, None)
        elif not hashes_equal(b.prev, a.hash):
            if a.self_ok and b.self_ok is not False and a.seq > 0:
                # a's content and hash agree, but b still links to a's *original* hash: a was changed
                # and its hash recomputed (the first edited record is a, not b)
                ctx.add("edited", f"seq {a.seq} ({P} {a.pos}) was changed and its hash recomputed: seq {b.seq} "
                        "still links to its original hash", a.seq, a.pos)
            else:
                ctx.add("broken_link", f"seq {b.seq} ({P} {b.pos}) does not chain to seq {a.seq}: seq {a.seq} was "
                        f"altered and re-hashed, or seq {b.seq} was forged", b.seq, b.pos)
        if b.kind == "start":
            ctx.add("inserted", f"seq {b.seq} ({P} {b.pos}): a second start marker inside the log", b.seq, b.pos)
    # writer sessions
    opened: dict[str, int] = dict(seed.open_writers) if seed else {}
    ended: set[str] = set(seed.ended_writers) if seed else set()
    has_missing = any(p.kind == "missing" for p in ctx.problems)
    for r in genuine:
        if r.writer is None:
            continue
        if _session_step(r, opened, ended):
            continue
        if r.writer not in opened and not has_missing:
            ctx.add("inserted", f"seq {r.seq} ({P} {r.pos}): written by a writer that never opened a session",
                    r.seq, r.pos)
            opened[r.writer] = r.seq
        elif r.writer in ended:
            ctx.add("inserted", f"seq {r.seq} ({P} {r.pos}): written by a writer after its end marker", r.seq, r.pos)
    last = genuine[-1]
    for w, s in opened.items():
        if w not in ended and last.writer != w:
            ctx.warnings.append(f"writer {w} (opened at seq {s}) wrote no end marker: it crashed, or is still running")


def _session_step(r: _Rec, opened: dict[str, int], ended: Any) -> bool:
    """Open or close ``r``'s writer session if ``r`` is a session marker (True), else False."""
    if r.writer is None:
        return False
    if r.kind in ("start", "continuation", "discontinuity"):
        opened[r.writer] = r.seq
        ended.discard(r.writer)
        return True
    if r.kind == "end":
        ended.add(r.writer)
        return True
    return False


def _sessions(recs: Sequence[_Rec], seed: VerifiedState | None) -> tuple[dict[str, int], list[str]]:
    opened: dict[str, int] = dict(seed.open_writers) if seed else {}
    ended: set[str] = set(seed.ended_writers) if seed else set()
    for r in recs:
        _session_step(r, opened, ended)
    return opened, sorted(ended)


# -- pass 3: torn and corrupt lines -------------------------------------------------------------------
def _torn(ctx: _Ctx) -> None:
    P = ctx.P
    recs_by_idx = sorted(ctx.recs, key=lambda r: r.idx)
    idxs = [r.idx for r in recs_by_idx]
    for bad in ctx.bads:
        if bad.oversize:
            ctx.add("corrupt", f"{P} {bad.pos}: a line of {bad.nbytes} bytes, over the size limit of a record: not "
                    "an audit record (it was not read into memory)", None, bad.pos)
            continue
        j = bisect.bisect_right(idxs, bad.idx)
        nxt = recs_by_idx[j] if j < len(recs_by_idx) else None
        if nxt is None and bad.idx == ctx.total_items - 1 and not bad.complete:
            last = ctx.genuine[-1] if ctx.genuine else None
            where = f"last complete record is seq {last.seq} ({P} {last.pos})" if last else "no complete record"
            ctx.add("truncated", f"{P} {bad.pos}: the log ends with an incomplete record ({bad.nbytes} bytes; a write "
                    f"was cut off); {where}", None, bad.pos)
            continue
        rec_ack = (nxt.marker or {}).get("recovered") if nxt is not None else None
        if (nxt is not None and nxt.kind in ("continuation", "start") and isinstance(rec_ack, dict)
                and rec_ack.get("torn_sha256") == bad.sha256 and rec_ack.get("torn_bytes") == bad.nbytes):
            ctx.warnings.append(f"{P} {bad.pos}: an incomplete write ({bad.nbytes} bytes) from a crashed writer, "
                                f"acknowledged by the continuation marker seq {nxt.seq}")
        else:
            ctx.add("corrupt", f"{P} {bad.pos}: not a readable record ({bad.nbytes} bytes)", None, bad.pos)


# -- pass 4: the tail -------------------------------------------------------------------------------
def _tail(ctx: _Ctx) -> bool:
    last = ctx.genuine[-1] if ctx.genuine else None
    torn_tail = any(p.kind == "truncated" for p in ctx.problems)
    ended_cleanly = bool(last is not None and last.kind == "end" and not torn_tail)
    if last is not None and last.kind != "end" and not torn_tail:
        msg = (f"the log ends at seq {last.seq} ({ctx.P} {last.pos}, {last.time}) without an end marker: its "
               "writer is still running, crashed, or the tail was cut")
        if ctx.allow_open_tail:
            ctx.warnings.append(msg)
        else:
            ctx.add("truncated", msg, last.seq, last.pos)
    if last is None and not ctx.bads:
        ctx.warnings.append("the log is empty")
    return ended_cleanly


# -- pass 5: tree heads, v1 checkpoints, anchors ------------------------------------------------------
def _narrow(stored: Sequence[bytes], ours: Sequence[bytes], size: int) -> tuple[int, int] | None:
    """The leaf range of the first frontier node that differs (the first changed record is in it)."""
    ranges = Frontier(size, ours).ranges() if len(ours) == bin(size).count("1") else []
    if len(stored) != len(ranges):
        return None
    for (lo, hi), a, b in zip(ranges, stored, ours):
        if a != b:
            return lo, hi
    return None


def _heads(ctx: _Ctx, anchors: Sequence[Mapping[str, Any]]) -> None:
    P = ctx.P
    last = ctx.genuine[-1] if ctx.genuine else None
    by_seq = {r.seq: r for r in ctx.genuine}
    signed_ok_sizes: list[int] = []
    epoch = 0
    seed = ctx.seed
    if seed is not None:
        epoch = seed.epoch
        ctx.heads_verified, ctx.checkpoints_verified = seed.heads_verified, seed.checkpoints_verified
        ctx.checkpoints_total = seed.checkpoints_total
        ctx.heads_total = seed.heads_total
        if seed.last_signed_size is not None:
            signed_ok_sizes.append(seed.last_signed_size)
    narrowed: list[tuple[int, int, int]] = []  # (lo, hi, head seq)
    for r in ctx.genuine:
        if r.idx < 0:
            continue  # the verified state's anchor
        m = r.marker or {}
        sth = m.get("sth")
        legacy_cp = m.get("checkpoint")
        if r.kind == "checkpoint":
            ctx.checkpoints_total += 1
        if isinstance(sth, dict):
            if sth.get("sig"):  # signed heads only: an unsigned head sent to a witness needs no public key (F02)
                ctx.heads_total += 1
            why = shape_problem(sth)
            if why:
                ctx.add("checkpoint_mismatch", f"seq {r.seq} ({P} {r.pos}): {why}", r.seq, r.pos)
                continue
            if r.kind == "discontinuity":
                epoch = int(sth["epoch"])
            where = f"tree head at seq {r.seq} ({P} {r.pos}, {r.kind})"
            if (sth["size"] != r.seq or sth["log"] != ctx.log_id or sth["kind"] != r.kind
                    or sth["writer"] != r.writer or sth["epoch"] != epoch):
                ctx.add("checkpoint_mismatch", f"{where} does not describe its own place in the log (moved or "
                        "copied from elsewhere)", r.seq, r.pos)
                continue
            sig_ok = None
            if ctx.public_key is not None:
                why = check_head_signature(sth, ctx.public_key)
                if why:
                    ctx.add("bad_signature", f"{where}: {why}", r.seq, r.pos)
                    continue
                sig_ok = True
            if r.root_before is None or r.tree_size != r.seq or sth["root"] != r.root_before.hex():
                ctx.add("checkpoint_mismatch", f"{where}: the records before it no longer match its root: records "
                        f"before seq {r.seq} were changed, cut or reordered", r.seq, r.pos)
                frontier = m.get("frontier")
                if sig_ok and isinstance(frontier, list) and r.frontier_before is not None:
                    try:
                        stored = [bytes.fromhex(str(h)) for h in frontier]
                        f = Frontier(r.seq, stored)
                    except ValueError:
                        f = None
                    if f is not None and f.root().hex() == sth["root"]:
                        rng = _narrow(stored, r.frontier_before, r.seq)
                        if rng is not None:
                            narrowed.append((rng[0], rng[1], r.seq))
                continue
            if sth["head"] != r.prev:
                ctx.add("checkpoint_mismatch", f"{where}: its record's link (prev_hash) was changed after the head was "
                        "written", r.seq, r.pos)
                continue
            if sig_ok:
                ctx.heads_verified += 1
                if r.kind == "checkpoint":
                    ctx.checkpoints_verified += 1
                signed_ok_sizes.append(r.seq)
            continue
        if isinstance(legacy_cp, dict):  # v1 checkpoint (log, seq, hash, time)
            if legacy_cp.get("sig"):
                ctx.heads_total += 1
            problem = _check_anchor(legacy_cp, by_seq, ctx.log_id, ctx.public_key, last)
            if problem is not None:
                kind, text = problem
                kind = "truncated" if kind == "missing_head" else kind
                ctx.add(kind, f"checkpoint seq {r.seq} ({P} {r.pos}): {text}", r.seq, r.pos)
            elif ctx.public_key is not None:
                ctx.checkpoints_verified += 1
                ctx.heads_verified += 1
                signed_ok_sizes.append(int(legacy_cp["seq"]) + 1)
            continue
        if r.kind == "checkpoint":
            ctx.add("checkpoint_mismatch", f"seq {r.seq}: checkpoint record without a tree head", r.seq, r.pos)
    if narrowed:
        good_below = max((s for s in signed_ok_sizes), default=0)
        lo = max([good_below] + [a for a, _, _ in narrowed])
        hi = min(b for _, b, _ in narrowed)
        if lo < hi:
            span = f"seq {lo}" if hi - lo == 1 else f"seq {lo}-{hi - 1}"
            ctx.add("edited", f"{span}: the first changed record is in this range (the signed tree heads still match "
                    f"the records before seq {good_below}; the Merkle frontier of the first head that does not match "
                    f"narrows the change to {span}); verify with the HMAC key, if the chain has one, to name it exactly",
                    lo, None)
    if ctx.public_key is not None and last is not None:
        if not signed_ok_sizes and not any(p.kind in ("bad_signature", "checkpoint_mismatch") for p in ctx.problems):
            ctx.add("unsigned", "no signed tree head or checkpoint in the log, but a public key was given: the whole "
                    "chain could have been rewritten", None, None)
        elif signed_ok_sizes:
            covered = max(signed_ok_sizes)
            last_signed_end = last.kind == "end" and any(
                s == last.seq for s in signed_ok_sizes)  # a signed end marker covers all before it
            seed = ctx.seed
            after = seed.seq if seed is not None else -1  # a resumed batch may re-read the seed's last record
            uncovered = sum(1 for r in ctx.genuine
                            if r.seq >= covered and r.seq > after and r.kind not in ("checkpoint", "end"))
            if seed is not None and seed.last_signed_size == covered:
                uncovered += seed.pending  # the records before this batch that the same head leaves uncovered
            ctx.pending = uncovered
            if last.kind == "end" and not last_signed_end and (last.v or 1) >= 2 and not any(
                    p.seq == last.seq for p in ctx.problems):
                ctx.add("unsigned", f"the end marker (seq {last.seq}, {P} {last.pos}) carries no signed tree head: a "
                        "writer with the signing key signs its end marker; this one was forged, or the log was cut "
                        "and closed by someone without the key", last.seq, last.pos)
            elif last.kind == "end" and not last_signed_end and uncovered:
                ctx.add("unsigned", f"{uncovered} record(s) from seq {covered} on are not covered by a signed tree "
                        "head, although the log is closed: the tail could have been rewritten (a signing writer "
                        "signs its end marker)", last.seq, last.pos)
            elif uncovered and not last_signed_end:
                ctx.warnings.append(f"{uncovered} record(s) from seq {covered} on are not yet covered by a signed tree "
                                    "head")
            ctx.last_signed_size = covered
    elif ctx.checkpoints_total and ctx.public_key is None:
        ctx.warnings.append(f"{ctx.checkpoints_total} checkpoint(s) present but not verified: no public key given")
    for n, cp in enumerate(anchors, 1):
        if isinstance(cp, Mapping) and "root" in cp:
            _check_head_anchor(ctx, cp, n)
            continue
        problem = _check_anchor(cp, by_seq, ctx.log_id, ctx.public_key, last)
        if problem is not None:
            kind, text = problem
            kind = "truncated" if kind == "missing_head" else kind
            seq = cp.get("seq") if isinstance(cp, Mapping) and isinstance(cp.get("seq"), int) else None
            ctx.add(kind, f"anchor {n}: {text}", seq, None)


def _check_head_anchor(ctx: _Ctx, sth: Mapping[str, Any], n: int) -> None:
    why = shape_problem(sth)
    if why:
        ctx.add("checkpoint_mismatch", f"anchor {n}: {why}")
        return
    if ctx.log_id is not None and sth["log"] != ctx.log_id:
        ctx.add("swapped", f"anchor {n} belongs to log {sth['log']}, this log is {ctx.log_id}")
        return
    if ctx.public_key is not None:
        why = check_head_signature(sth, ctx.public_key)
        if why:
            ctx.add("bad_signature", f"anchor {n}: {why}")
            return
    size = int(sth["size"])
    if size > ctx.tree.size:
        ctx.add("truncated", f"anchor {n} (a tree head of {size} records, {sth['time']}) is beyond the end of the log "
                f"({ctx.tree.size} records): records seq {ctx.tree.size}-{size - 1} were cut", ctx.tree.size)
        return
    root = ctx.roots_at.get(size)
    if root is None or root.hex() != sth["root"]:
        ctx.add("checkpoint_mismatch", f"anchor {n}: the first {size} records no longer match the tree head kept as "
                f"an anchor ({sth['time']}): records before seq {size} were changed", size)


def _check_anchor(cp: Any, by_seq: Mapping[int, _Rec], log_id: str | None,
                  public_key: Ed25519PublicKey | None, last: _Rec | None) -> tuple[str, str] | None:
    if not isinstance(cp, Mapping):
        return "checkpoint_mismatch", "malformed checkpoint (not an object)"
    seq, h = cp.get("seq"), cp.get("hash")
    if not isinstance(seq, int) or isinstance(seq, bool) or not isinstance(h, str):
        return "checkpoint_mismatch", "malformed checkpoint"
    if log_id is not None and cp.get("log") != log_id:
        return "checkpoint_mismatch", "belongs to another log"
    if public_key is not None:
        why = check_signature(cp, public_key)
        if why is not None:
            return "bad_signature", why
    target = by_seq.get(seq)
    if target is None:
        if last is None or seq > last.seq:
            return "missing_head", (f"names seq {seq} but the log ends at seq "
                                    f"{last.seq if last else 'none'}: records were cut from the end")
        return "checkpoint_mismatch", f"names seq {seq}, which is missing"
    if not hashes_equal(target.hash, h):
        return "checkpoint_mismatch", f"signed head seq {seq} has a different hash now: the chain was rewritten"
    return None


# -- pass 6: the witness ----------------------------------------------------------------------------
def _witness(ctx: _Ctx, entries: Sequence[Mapping[str, Any]], expected_log_id: str | None) -> None:
    from .witness.book import WitnessBook

    book = WitnessBook([ctx.public_key] if ctx.public_key is not None else []).extend(entries)
    if book.malformed:
        # damage to the witness (the anchor against a cut tail) is shown, never skipped silently (w16e F11)
        n = len(book.malformed)
        what = "is not a readable tree head" if n == 1 else "are not readable tree heads"
        ctx.warnings.append(f"witness: {n} entr{'y' if n == 1 else 'ies'} of the witness {what} "
                            f"({book.malformed[0].message}{', …' if n > 1 else ''}): the witness file may be damaged or "
                            "written by something else; the readable heads were still compared")
    log = ctx.log_id
    if expected_log_id is not None and log is not None and log != expected_log_id:
        return  # reported by the caller (swapped)
    heads = book.heads_for(log) if log is not None else []
    if log is not None and not heads:
        others = sorted(book.logs)
        if others:
            desc = ", ".join(f"{name} ({book.logs[name].latest.size if book.logs[name].latest else 0} records)"
                             for name in others[:3])
            ctx.add("swapped", f"the witness holds no tree head of this log ({log}); it holds log(s) {desc}"
                    f"{' and more' if len(others) > 3 else ''}: this log was swapped, or was never witnessed")
        else:
            ctx.warnings.append("the witness holds no tree head at all")
        return
    for f in book.check(log):
        if f.kind == "discontinuity":
            continue
        if f.is_problem:
            ctx.add(f.kind, f"witness: {f.message}", f.size)
        else:
            ctx.warnings.append(f"witness: {f.message}")
    # where each epoch of this log ends (a declared discontinuity starts the next)
    disc_at: dict[int, int] = {}
    for r in ctx.genuine:
        sth = (r.marker or {}).get("sth")
        if r.kind == "discontinuity" and isinstance(sth, dict) and isinstance(sth.get("epoch"), int):
            disc_at[int(sth["epoch"]) - 1] = r.seq
    top = max(ctx.roots_at) if ctx.roots_at else 0
    # the highest seq still stored: a witnessed head at or beyond the tree's size is a cut tail only when the
    # record that carried it is gone too (one record deleted in the middle shortens the tree, not the log: w16d F09)
    stored_last = max((r.seq for r in ctx.recs), default=-1)
    cut: list[tuple[int, str, str]] = []  # heads the witness holds at or beyond the end of the log
    for e in heads:
        sth = e["sth"]
        if ctx.public_key is not None and check_head_signature(sth, ctx.public_key):
            continue  # reported by the book
        size, epoch = int(sth["size"]), int(sth["epoch"])
        end = disc_at.get(epoch)
        if end is not None and size > end:
            ctx.discontinuities.append(f"the witness saw {size} record(s) of epoch {epoch} ({sth['time']}); the "
                                       f"declared discontinuity at seq {end} says records after seq {end - 1} of that "
                                       "history were lost")
            continue
        if size >= ctx.tree.size and stored_last >= size:
            ctx.add("witness_mismatch", f"the log no longer matches the tree head of {size} record(s) the witness "
                    f"holds ({sth['time']}): records before seq {size} were removed or changed (the log still ends "
                    f"at seq {stored_last}, so nothing was cut from its end)", None)
            continue
        if size >= ctx.tree.size:
            # a witnessed head of S records was carried by the marker at seq S: the log held at least S + 1
            cut.append((size, str(sth["time"]), str(sth["kind"])))
            continue
        root = ctx.roots_at.get(size)
        if root is None or root.hex() != sth["root"]:
            ctx.add("witness_mismatch", f"the first {size} records no longer match the tree head the witness holds "
                    f"({sth['time']}): records before seq {size} were changed", size if size <= top else None)
            continue
        ctx.witness_matched += 1
    if cut:
        # one finding, against the witness's latest head: what the officer needs is where the log stops
        # and how much of what the witness saw is gone
        size, when, kind = max(cut)
        n = ctx.tree.size
        last = f"after seq {n - 1}" if n else "from the first record (seq 0) on"
        gone = f"records seq {n}-{size} were" if size > n else f"record seq {size} (that {kind} marker) was"
        ctx.add("truncated", f"records {last} are missing: the witness saw at least {size + 1} record(s) of this log "
                f"({when}: a tree head of {size} record(s) carried by the {kind} marker at seq {size}); the log now "
                f"holds {n}: {gone} cut from the end", n)
    witnessed = max((int(e["sth"]["size"]) for e in heads), default=0)
    if witnessed and witnessed < ctx.tree.size and witnessed in {r.seq for r in ctx.genuine[-1:]}:
        witnessed += 1  # the last record is the marker that carried the witness's latest head (an end marker)
    if witnessed < ctx.tree.size:
        ctx.warnings.append(f"{ctx.tree.size - witnessed} record(s) after the witness's last head are not witnessed "
                            "yet")


def witness_entries(witness: Any) -> list[dict[str, Any]]:
    """Every entry a witness (spec, Witness, or a list of entries) holds."""
    from .witness import open_witness

    if isinstance(witness, list):
        return witness
    w = open_witness(witness)
    assert w is not None
    try:
        return list(w.entries())
    finally:
        w.close()


witness_heads = witness_entries


# -- driver -----------------------------------------------------------------------------------------
def verify_items(items: Iterable[RawItem], *, hmac_key: bytes | None = None,
                 public_key: Ed25519PublicKey | None = None, allow_open_tail: bool = False,
                 anchors: Sequence[Mapping[str, Any]] = (), position_name: str = "line",
                 witness_heads: Sequence[Mapping[str, Any]] | None = None,
                 expected_log_id: str | None = None, resume: VerifiedState | None = None,
                 reread: Callable[[], Iterable[RawItem]] | None = None) -> VerifyReport:
    """Verify every stored item (in storage order).

    ``anchors``: tree heads (or v1 checkpoints) kept elsewhere that the log must still contain.
    ``witness_heads``: the witness's entries (see :func:`witness_entries`): the log must match every
    head the witness holds for it; ``expected_log_id``: the log must be this one.
    ``resume``: a :class:`VerifiedState` from an earlier report: ``items`` are then only the records
    stored after it (see :func:`verify_from`).
    ``reread``: reads the same items again (a list or tuple passed as ``items`` is its own): when the stored
    bytes were converted (CRLF line endings, empty lines at the end), the log is verified again with them
    restored, so the report names the cause and what else is wrong (it stays not ok: the bytes changed)."""
    if reread is None and isinstance(items, (list, tuple)):
        seq_items = items
        reread = lambda: seq_items  # noqa: E731
    kw: dict[str, Any] = dict(hmac_key=hmac_key, public_key=public_key, allow_open_tail=allow_open_tail,
                              anchors=anchors, position_name=position_name, witness_heads=witness_heads,
                              expected_log_id=expected_log_id)
    ctx = _Ctx(hmac_key, public_key, allow_open_tail, position_name)
    if resume is not None:
        ctx.seed = resume
        ctx.tree = Frontier.from_hex(resume.frontier_size, resume.frontier)
    want: set[int] = set()
    for a in anchors:
        if isinstance(a, Mapping) and isinstance(a.get("size"), int):
            want.add(int(a["size"]))
    for e in witness_heads or ():
        sth = e.get("sth") if isinstance(e, Mapping) else None
        if isinstance(sth, Mapping) and isinstance(sth.get("size"), int) and not isinstance(sth["size"], bool):
            want.add(int(sth["size"]))
    ctx.want_sizes = frozenset(want)
    _read(ctx, items)
    if resume is not None and ctx.last_resume < 0:
        ctx.last_resume = resume.position
    _chain(ctx)
    _torn(ctx)
    ended_cleanly = _tail(ctx)
    _heads(ctx, anchors)
    first_rec = ctx.genuine[0] if ctx.genuine and ctx.genuine[0].kind == "start" else None
    started = first_rec.time if first_rec else (resume.log_started if resume else None)
    if expected_log_id is not None and ctx.log_id is not None and ctx.log_id != expected_log_id:
        ctx.add("swapped", f"this is log {ctx.log_id} (started {started}), not the expected log {expected_log_id}: the "
                "log was swapped for another one")
    if witness_heads is not None:
        _witness(ctx, list(witness_heads), expected_log_id)
    for r in ctx.genuine:
        if r.kind == "discontinuity":
            d = (r.marker or {}).get("discontinuity") or {}
            reason = d.get("reason") if isinstance(d, dict) else None
            ticket = d.get("ticket") if isinstance(d, dict) else None
            ctx.discontinuities.append(f"seq {r.seq} ({r.time}): an operator recorded a discontinuity ({reason or '?'}"
                                       f"{', ticket ' + str(ticket) if ticket else ''}): records may have been lost or "
                                       "forged before it")
    last = ctx.genuine[-1] if ctx.genuine else None
    problems = ctx.problems
    problems.sort(key=lambda p: (p.seq is None, p.seq if p.seq is not None else p.line or 0, p.line or 0, p.kind))
    if problems and resume is None and reread is not None and (ctx.cr_lines or ctx.blank_run):
        return _converted(ctx, reread, kw)
    wrong_key = _wrong_key(ctx, problems) if resume is None else None
    if wrong_key is not None:
        problems = [Problem("wrong_key", wrong_key[1])]
    state = None
    if last is not None and not problems:
        state = _state_of(ctx, last, started)
    return VerifyReport(
        ok=not problems, problems=tuple(problems), warnings=tuple(ctx.warnings),
        first_seq=(resume.first_seq if resume else ctx.genuine[0].seq) if ctx.genuine else None,
        last_seq=last.seq if last else None,
        count=len(ctx.recs) + (resume.count if resume else 0), ended_cleanly=ended_cleanly, checkpoints_verified=ctx.checkpoints_verified,
        checkpoints_total=ctx.checkpoints_total, log_id=ctx.log_id,
        alg=(ALG_HMAC if hmac_key is not None else ALG_SHA256) if not ctx.unverifiable else None,
        last_time=last.time if last else None, end_position=last.pos if last else None,
        problem_kinds=frozenset(p.kind for p in problems), heads_verified=ctx.heads_verified,
        witness_heads_matched=ctx.witness_matched, witness_checked=witness_heads is not None,
        discontinuities=tuple(ctx.discontinuities), unreadable=any(b.oversize for b in ctx.bads),
        log_started=started, state=state, heads_total=ctx.heads_total,
        wrong_key=wrong_key[0] if wrong_key else None)


def _wrong_key(ctx: _Ctx, problems: Sequence[Problem]) -> tuple[str, str] | None:
    """("hmac" | "public", why) when the only thing wrong is that the key given is not this log's key.

    HMAC: not one record's MAC verifies under the key given, while every record is readable and chains to the
    one before it and nothing else is wrong. A log where some MACs verify and some do not stays the alarm (an
    edit). Tree heads signed with the public key, or a witness's heads, matching the records make it certain.
    Public key: every signed head fails only because it names another key (nothing else is wrong)."""
    import re as _re

    P = ctx.P
    if not problems:
        return None
    if (ctx.hmac_key is not None and not ctx.unverifiable and ctx.recs and not ctx.bads
            and all(r.self_ok is False for r in ctx.recs)
            and all(p.kind == "edited" and "content does not match its hash" in p.message for p in problems)):
        n = len(ctx.recs)
        sure = []
        if ctx.heads_verified:
            sure.append(f"{ctx.heads_verified} tree head(s) signed with the public key")
        if ctx.witness_matched:
            sure.append(f"{ctx.witness_matched} tree head(s) held by the witness")
        if sure:
            tail = (f", and {' and '.join(sure)} match the stored records, so the log is as it was written: the key "
                    "is wrong, not the log. Give the log's own HMAC key (the file made in docs/compliance.md step 2).")
        else:
            tail = (". Give the log's own HMAC key (the file made in docs/compliance.md step 2). If you are sure this "
                    "is the log's key, then every record was rewritten: treat that as tampering.")
        return "hmac", (f"the HMAC key given (--hmac-key-file) is not this log's key: it verifies none of the {n} "
                        f"record(s) ({P}s {ctx.recs[0].pos}-{ctx.recs[-1].pos}), while every record is readable and "
                        "chains to the one before it" + tail)
    if (ctx.public_key is not None and not ctx.heads_verified and not ctx.checkpoints_verified and all(
            p.kind == "bad_signature" and ("different key than the public key given" in p.message
                                            or "signed by a key that is not trusted" in p.message) for p in problems)):
        from .treehead import public_key_id

        ids = {m.group(1) for p in problems for m in [_re.search(r"key id ([0-9a-f]{8,})", p.message)] if m}
        theirs = f" (key id {sorted(ids)[0]})" if len(ids) == 1 else ""
        return "public", (f"--public-key: the key given (key id {public_key_id(ctx.public_key)}) is not the key this "
                          f"log's tree heads were signed with{theirs}: a wrong key file? Give the log's own public key "
                          "(the .pub file made in docs/compliance.md step 2). Nothing else was found wrong; if the key "
                          "id the log names is not one the city holds, the log was signed again by someone else: "
                          "treat that as tampering.")
    return None


def _normalised(items: Iterable[RawItem], drop_from: int) -> Iterator[RawItem]:
    """``items`` with CRLF line endings restored to LF and the empty lines at the end (from ``drop_from``) left out."""
    for i, item in enumerate(items):
        if i >= drop_from:
            return
        data = item.data
        if data.endswith(b"\r") and not data.isspace():
            data = data[:-1]
        yield RawItem(item.position, data, item.complete, item.oversize, item.sha256, item.resume)


def _converted(ctx: _Ctx, reread: Callable[[], Iterable[RawItem]], kw: dict[str, Any]) -> VerifyReport:
    """The report for a log whose bytes were converted (w16e F10): verified again with the conversion undone;
    not ok (the stored bytes changed), with one problem naming the cause first, then what still shows."""
    P = ctx.P
    again = verify_items(_normalised(reread(), ctx.total_items - ctx.blank_run), **kw)
    causes, kinds = [], []
    if ctx.cr_lines:
        lines = ctx.total_items - ctx.blank_run
        kinds.append("crlf")
        causes.append(f"line endings were converted (CRLF: {ctx.cr_lines} of {lines} {P}(s) end in a carriage "
                      "return, as after a copy through Windows or e-mail)")
    if ctx.blank_run:
        first = ctx.total_items - ctx.blank_run + 1
        kinds.append("blank_tail")
        causes.append(f"{'one empty ' + P if ctx.blank_run == 1 else str(ctx.blank_run) + ' empty ' + P + 's'} at the "
                      f"end of the file ({P} {first}{'' if ctx.blank_run == 1 else '-' + str(ctx.total_items)}), "
                      "not a record")
    what = " and ".join(causes)
    if again.ok:
        msg = (f"{what}: the records are otherwise intact (with the conversion undone every record, hash and link "
               "verifies). The stored bytes changed, so the log does not verify as stored: restore the original "
               "file (or convert it back) and verify again.")
    else:
        msg = (f"{what}. With the conversion undone, {len(again.problems)} problem(s) remain (listed after this "
               "one): those are not explained by the conversion.")
    problems = (Problem("converted", msg),) + tuple(again.problems)
    return VerifyReport(
        ok=False, problems=problems, warnings=again.warnings, first_seq=again.first_seq, last_seq=again.last_seq,
        count=again.count, ended_cleanly=again.ended_cleanly, checkpoints_verified=again.checkpoints_verified,
        checkpoints_total=again.checkpoints_total, log_id=again.log_id, alg=again.alg, last_time=again.last_time,
        end_position=again.end_position, problem_kinds=frozenset(p.kind for p in problems),
        heads_verified=again.heads_verified, witness_heads_matched=again.witness_heads_matched,
        witness_checked=again.witness_checked, discontinuities=again.discontinuities, unreadable=again.unreadable,
        log_started=again.log_started, state=None, heads_total=again.heads_total, wrong_key=again.wrong_key,
        converted="+".join(kinds))


def verify_from(state: VerifiedState, items: Iterable[RawItem], **kw: Any) -> VerifyReport:
    """Verify only the records stored after ``state`` (what an earlier report's ``state`` says was
    verified), with the same checks as :func:`verify_items` for them: each must chain onto the
    state's last record, match its hash, pass the allow-list, and every new tree head must match the
    Merkle root carried forward in the state. The caller must read ``items`` from ``state.position``
    (``sink.raw_items(start=state.position)``) and should first check that the log still holds the
    state's last record (:func:`verify_sink` does both)."""
    return verify_items(items, resume=state, **kw)


def prefix_problem(sink: Any, state: VerifiedState) -> str | None:
    """None when the log still holds the state's last record where it was, else what changed (O(1):
    one record is read back; changes *inside* the verified prefix need a full verification)."""
    if getattr(sink, "description", "").startswith("jsonl:"):
        import os

        from .sinks.lines import iter_backward

        try:
            fd = os.open(sink.path, os.O_RDONLY)
        except FileNotFoundError:
            return "the log file is gone"
        try:
            if os.fstat(fd).st_size < state.position:
                return f"the log is shorter than when it was verified ({state.position} bytes): records were cut"
            last = next(iter(iter_backward(fd, state.position)), None)
        finally:
            os.close(fd)
        data = last.data if last is not None and last.complete else b""
    else:
        item = next(iter(sink.raw_items(start=state.seq if not getattr(sink, "description", "").startswith("memory")
                                        else state.position - 1)), None)
        data = item.data if item is not None else b""
    try:
        rec = orjson.loads(data)
    except orjson.JSONDecodeError:
        rec = None
    if not isinstance(rec, dict) or rec.get("seq") != state.seq or rec.get("hash") != state.hash:
        return f"the record the earlier verification ended at (seq {state.seq}) is no longer there: verify in full"
    return None


def verify_sink(sink: Any, state: VerifiedState | None = None, **kw: Any) -> VerifyReport:
    """Verify a sink in full (``state`` None) or from an earlier report's ``state`` on. A changed
    prefix is reported as a ``truncated``/``edited`` problem, never silently re-based."""
    if state is None:
        return verify_items(sink.raw_items(), position_name=sink.position_name, **kw)
    why = prefix_problem(sink, state)
    if why is not None:
        return VerifyReport(ok=False, problems=(Problem("edited", why, state.seq),), warnings=(), first_seq=None,
                            last_seq=state.seq, count=state.count, ended_cleanly=False, checkpoints_verified=0,
                            checkpoints_total=0, log_id=state.log_id, alg=state.alg,
                            problem_kinds=frozenset({"edited"}))
    return verify_from(state, sink.raw_items(start=state.position), position_name=sink.position_name, **kw)


def _state_of(ctx: _Ctx, last: _Rec, started: str | None) -> VerifiedState:
    seed = ctx.seed
    opened, ended = _sessions([r for r in ctx.genuine if r.idx >= 0], seed)
    epoch = seed.epoch if seed else 0
    for r in ctx.genuine:
        sth = (r.marker or {}).get("sth")
        if isinstance(sth, dict) and isinstance(sth.get("epoch"), int):
            epoch = int(sth["epoch"])
    return VerifiedState(
        log_id=ctx.log_id, alg=ALG_HMAC if ctx.hmac_key is not None else ALG_SHA256, seq=last.seq, hash=last.hash,
        epoch=epoch, frontier_size=ctx.tree.size, frontier=tuple(h.hex() for h in ctx.tree.nodes),
        position=ctx.last_resume, line=last.pos, open_writers=tuple(opened.items()), ended_writers=tuple(ended),
        last_kind=last.kind, last_time=last.time, heads_verified=ctx.heads_verified,
        checkpoints_verified=ctx.checkpoints_verified, checkpoints_total=ctx.checkpoints_total,
        heads_total=ctx.heads_total,
        last_signed_size=ctx.last_signed_size if ctx.last_signed_size is not None else (
            seed.last_signed_size if seed else None),
        pending=ctx.pending,
        count=len(ctx.recs) + (seed.count if seed else 0), first_seq=(seed.first_seq if seed else
                                                                       (ctx.genuine[0].seq if ctx.genuine else 0)),
        log_started=started)
