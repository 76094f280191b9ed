"""Verification: prove the stored chain, and name each record that breaks it.

Like CloudTrail's ``validate-logs``, the verifier reports each problem separately and by position:

* ``edited``       — a record's content no longer matches its hash (or its bytes are not the
                     canonical form of its content: something was added that the hash ignores);
* ``broken_link``  — a record does not chain to the one before it (that one was altered and
                     re-hashed, or this one was forged);
* ``missing``      — sequence numbers are absent (records deleted), including the log's beginning;
* ``inserted``     — a record claims a sequence number another record holds and is not on the
                     chain, or comes from a writer that never opened a session;
* ``reordered``    — records are stored out of sequence order;
* ``truncated``    — the log ends with a cut-off write, or without an ``end`` marker (unless the
                     caller accepts an open tail: a live log), or before an exported checkpoint;
* ``corrupt``      — a stored line is not a record at all;
* ``invalid_record`` — a record holds a key or value the allow-list refuses (a value leaked in);
* ``bad_signature`` / ``checkpoint_mismatch`` / ``unsigned`` — signed checkpoints fail, point at a
                     different head, or are absent when a public key is given;
* ``unverifiable`` — the chain uses HMAC and no key was given (or the reverse: a downgrade).
"""

from __future__ import annotations

import bisect
import hashlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from .canonical import ALG_HMAC, ALG_SHA256, GENESIS_HASH, canonical, hashes_equal, record_hash
from .checkpoint import check_signature
from .records import validate_stored
from .sinks.base import RawItem


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

    @property
    def tamper_evident(self) -> bool:
        """True when the result holds against an insider who can rewrite the stored log: the chain was
        checked with its HMAC key, or signed checkpoints were verified with the public key. A plain
        SHA-256 chain alone proves consistency only: anyone with write access can re-hash it."""
        return self.alg == ALG_HMAC or self.checkpoints_verified > 0

    @property
    def integrity_basis(self) -> str:
        """One sentence saying what the verification rests on, for every place that shows the result."""
        if self.alg == ALG_HMAC and self.checkpoints_verified:
            return (f"HMAC-SHA256 chain checked with its key and {self.checkpoints_verified} signed checkpoint(s) "
                    "verified with the public key.")
        if self.alg == ALG_HMAC:
            return ("HMAC-SHA256 chain checked with its key: records cannot be forged or re-hashed without "
                    "that key.")
        if self.checkpoints_verified:
            return f"{self.checkpoints_verified} signed checkpoint(s) verified with the public key."
        return ("Plain SHA-256 chain, with no HMAC key and no signed checkpoint verified: this shows the log "
                "is internally consistent (no accidental damage, no naive edit), NOT that it was not "
                "rewritten by someone with write access who recomputed every hash. Use an HMAC key or signed "
                "checkpoints (docs/audit.md) for proof against an insider.")

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "tamper_evident": self.tamper_evident, "integrity_basis": self.integrity_basis,
                "problems": [p.as_dict() for p in self.problems], "warnings": list(self.warnings),
                "first_seq": self.first_seq, "last_seq": self.last_seq, "count": self.count,
                "ended_cleanly": self.ended_cleanly, "checkpoints_verified": self.checkpoints_verified,
                "checkpoints_total": self.checkpoints_total, "log_id": self.log_id, "alg": self.alg,
                "last_time": self.last_time, "end_position": self.end_position}


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
    marker: dict[str, Any] | None  # start/continuation/checkpoint bodies


@dataclass
class _Bad:
    idx: int
    pos: int
    nbytes: int
    sha256: str
    complete: bool


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


def verify_items(items: Iterable[RawItem], *, hmac_key: bytes | None = None,
                 public_key: Ed25519PublicKey | None = None, allow_open_tail: bool = False,
                 anchors: Sequence[Mapping[str, Any]] = (), position_name: str = "line") -> VerifyReport:
    problems: list[Problem] = []
    warnings: list[str] = []
    recs: list[_Rec] = []
    bads: list[_Bad] = []
    expected_alg = ALG_HMAC if hmac_key is not None else ALG_SHA256
    unverifiable = False
    idx = -1
    P = position_name

    for idx, item in enumerate(items):
        data = item.data
        try:
            rec = orjson.loads(data)
            if not isinstance(rec, dict):
                raise ValueError
            seq, prev, h = rec["seq"], rec["prev_hash"], rec["hash"]
            if not (isinstance(seq, int) and not isinstance(seq, bool) and seq >= 0
                    and isinstance(prev, str) and isinstance(h, str)):
                raise ValueError
        except (orjson.JSONDecodeError, ValueError, KeyError, TypeError):
            bads.append(_Bad(idx, item.position, len(data), hashlib.sha256(data).hexdigest(), item.complete))
            continue
        kind = str(rec.get("kind"))
        if kind in ("start", "continuation"):
            alg = (rec.get("chain") or {}).get("alg") if isinstance(rec.get("chain"), dict) else None
            if alg != expected_alg and not unverifiable:
                unverifiable = True
                if alg == ALG_HMAC:
                    problems.append(Problem("unverifiable", f"the log is HMAC-chained (from seq {seq}); pass the "
                                            "HMAC key to verify its records", seq, item.position))
                else:
                    problems.append(Problem("unverifiable", f"an HMAC key was given but the log declares "
                                            f"{alg!s} chaining at seq {seq} (a downgrade, or the wrong log)",
                                            seq, item.position))
        self_ok: bool | None = None
        if not unverifiable:
            self_ok = hashes_equal(record_hash(rec, hmac_key), h)
            if not self_ok:
                problems.append(Problem("edited", f"seq {seq} ({P} {item.position}): content does not match "
                                        "its hash (the record was changed)", seq, item.position))
        if self_ok is not False and canonical(rec) != data:
            problems.append(Problem("edited", f"seq {seq} ({P} {item.position}): stored bytes are not the "
                                    "canonical form of the record (content was added outside the hash)",
                                    seq, item.position))
        invalid = validate_stored(rec)
        if invalid is not None:
            problems.append(Problem("invalid_record", f"seq {seq} ({P} {item.position}): {invalid}",
                                    seq, item.position))
        marker = None
        if kind in ("start", "continuation", "checkpoint"):
            marker = {k: rec.get(k) for k in ("log", "chain", "recovered", "checkpoint")}
        time = rec.get("time") if isinstance(rec.get("time"), str) else None
        writer = rec.get("writer") if isinstance(rec.get("writer"), str) else None
        recs.append(_Rec(idx, item.position, seq, prev, h, kind, writer, time, self_ok, marker))
    total_items = idx + 1

    # -- duplicates: one genuine record per seq ------------------------------------------------
    by_seq: dict[int, list[_Rec]] = {}
    for r in recs:
        by_seq.setdefault(r.seq, []).append(r)
    prev_links: dict[int, set[str]] = {}
    for r in recs:
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
                problems.append(Problem("inserted", f"seq {seq} ({P} {r.pos}): a second record claims this "
                                        f"sequence number and is not on the chain (the chained one is at "
                                        f"{P} {best.pos})", seq, r.pos))

    # -- order: stored order must follow sequence order -----------------------------------------
    keep = _lis_members([r.idx for r in genuine])
    for i, r in enumerate(genuine):
        if i not in keep:
            problems.append(Problem("reordered", f"seq {r.seq} is stored out of order ({P} {r.pos})", r.seq, r.pos))

    # -- chain walk in sequence order ------------------------------------------------------------
    log_id: str | None = None
    if genuine:
        first = genuine[0]
        if first.seq != 0:
            problems.append(Problem("missing", f"seq 0-{first.seq - 1}: the beginning of the log is missing "
                                    f"(first record is seq {first.seq})", 0, None))
        elif first.kind != "start" or first.prev != GENESIS_HASH:
            problems.append(Problem("broken_link", "seq 0 is not a start marker chained to the genesis hash",
                                    0, first.pos))
        for m in genuine:
            if m.kind == "start" and m.marker and isinstance(m.marker.get("log"), str):
                log_id = m.marker["log"]
                break
        for a, b in zip(genuine, genuine[1:]):
            if b.seq > a.seq + 1:
                problems.append(Problem("missing", f"seq {_ranges([a.seq + 1, b.seq - 1])}: "
                                        f"{b.seq - a.seq - 1} record(s) missing between seq {a.seq} and seq {b.seq}",
                                        a.seq + 1, None))
            elif not hashes_equal(b.prev, a.hash):
                problems.append(Problem("broken_link", f"seq {b.seq} ({P} {b.pos}) does not chain to seq {a.seq}: "
                                        f"seq {a.seq} was altered and re-hashed, or seq {b.seq} was forged",
                                        b.seq, b.pos))
            if b.kind == "start":
                problems.append(Problem("inserted", f"seq {b.seq} ({P} {b.pos}): a second start marker inside "
                                        "the log", b.seq, b.pos))

    # -- torn and corrupt lines ----------------------------------------------------------------
    recs_by_idx = sorted(recs, key=lambda r: r.idx)
    idxs = [r.idx for r in recs_by_idx]
    for bad in bads:
        j = bisect.bisect_right(idxs, bad.idx)
        nxt = recs_by_idx[j] if j < len(recs_by_idx) else None
        if nxt is None and bad.idx == total_items - 1:
            last = genuine[-1] if genuine else None
            where = f"last complete record is seq {last.seq} ({P} {last.pos})" if last else "no complete record"
            problems.append(Problem("truncated", f"{P} {bad.pos}: the log ends with an incomplete record "
                                    f"({bad.nbytes} bytes; a write was cut off); {where}", None, bad.pos))
            continue
        rec_ack = (nxt.marker or {}).get("recovered") if nxt is not None else None
        if (nxt is not None and nxt.kind in ("continuation", "start") and isinstance(rec_ack, dict)
                and rec_ack.get("torn_sha256") == bad.sha256 and rec_ack.get("torn_bytes") == bad.nbytes):
            warnings.append(f"{P} {bad.pos}: an incomplete write ({bad.nbytes} bytes) from a crashed writer, "
                            f"acknowledged by the continuation marker seq {nxt.seq}")
        else:
            problems.append(Problem("corrupt", f"{P} {bad.pos}: not a readable record ({bad.nbytes} bytes)",
                                    None, bad.pos))

    # -- writer sessions -----------------------------------------------------------------------
    opened: dict[str, int] = {}
    ended: set[str] = set()
    has_missing = any(p.kind == "missing" for p in problems)
    for r in genuine:
        if r.writer is None:
            continue
        if r.kind in ("start", "continuation"):
            opened[r.writer] = r.seq
            ended.discard(r.writer)
        elif r.kind == "end":
            ended.add(r.writer)
        elif r.writer not in opened and not has_missing:
            problems.append(Problem("inserted", f"seq {r.seq} ({P} {r.pos}): written by a writer that never "
                                    "opened a session", r.seq, r.pos))
            opened[r.writer] = r.seq
        elif r.writer in ended:
            problems.append(Problem("inserted", f"seq {r.seq} ({P} {r.pos}): written by a writer after its "
                                    "end marker", r.seq, r.pos))
    last = genuine[-1] if genuine else None
    for w, s in opened.items():
        if w not in ended and (last is None or last.writer != w):
            warnings.append(f"writer {w} (opened at seq {s}) wrote no end marker: it crashed, or is still running")

    # -- tail ----------------------------------------------------------------------------------
    torn_tail = any(p.kind == "truncated" for p in problems)
    ended_cleanly = bool(last is not None and last.kind == "end" and not torn_tail)
    if last is not None and last.kind != "end" and not torn_tail:
        msg = (f"the log ends at seq {last.seq} ({P} {last.pos}, {last.time}) without an end marker: its "
               "writer is still running, crashed, or the tail was cut")
        if allow_open_tail:
            warnings.append(msg)
        else:
            problems.append(Problem("truncated", msg, last.seq, last.pos))
    if last is None and not bads:
        warnings.append("the log is empty")

    # -- checkpoints and anchors ---------------------------------------------------------------
    by_seq_genuine = {r.seq: r for r in genuine}
    cps = [r for r in genuine if r.kind == "checkpoint"]
    verified = 0
    last_verified_seq: int | None = None
    for r in cps:
        cp = (r.marker or {}).get("checkpoint")
        if not isinstance(cp, dict):
            problems.append(Problem("checkpoint_mismatch", f"seq {r.seq}: checkpoint record without a checkpoint",
                                    r.seq, r.pos))
            continue
        problem = _check_anchor(cp, by_seq_genuine, log_id, public_key, last)
        if problem is not None:
            kind, text = problem
            kind = "truncated" if kind == "missing_head" else kind
            problems.append(Problem(kind, f"checkpoint seq {r.seq} ({P} {r.pos}): {text}", r.seq, r.pos))
        elif public_key is not None:
            verified += 1
            last_verified_seq = int(cp["seq"])
    if public_key is not None:
        if not cps:
            problems.append(Problem("unsigned", "no signed checkpoint in the log, but a public key was given: "
                                    "the whole chain could have been rewritten", None, None))
        elif last is not None and last_verified_seq is not None:
            uncovered = sum(1 for r in genuine if r.seq > last_verified_seq and r.kind not in ("checkpoint", "end"))
            if uncovered and last.kind == "end":
                # a signing writer always checkpoints right before its end marker (close()): signed
                # records followed by an unsigned tail is what a rewrite that dropped the later
                # checkpoints leaves behind, so a closed log must be signed to its end.
                problems.append(Problem("unsigned", f"{uncovered} record(s) after seq {last_verified_seq} are "
                                        "not covered by a signed checkpoint, although the log is closed: the "
                                        "tail could have been rewritten (a signing writer checkpoints before "
                                        "its end marker)", last.seq, last.pos))
            elif uncovered:
                warnings.append(f"{uncovered} record(s) after seq {last_verified_seq} are not covered by a signed "
                                "checkpoint")
    elif cps:
        warnings.append(f"{len(cps)} checkpoint(s) present but not verified: no public key given")
    for n, cp in enumerate(anchors, 1):
        problem = _check_anchor(cp, by_seq_genuine, log_id, public_key, last)
        if problem is not None:
            kind, text = problem
            kind = "truncated" if kind == "missing_head" else kind
            problems.append(Problem(kind, f"anchor {n}: {text}",
                                    cp.get("seq") if isinstance(cp.get("seq"), int) else None, None))

    # record problems in sequence order, then line-only ones (corrupt / torn lines) in file order
    problems.sort(key=lambda p: (p.seq is None, p.seq if p.seq is not None else p.line or 0, p.line or 0, p.kind))
    return VerifyReport(
        ok=not problems, problems=tuple(problems), warnings=tuple(warnings),
        first_seq=genuine[0].seq if genuine else None, last_seq=last.seq if last else None, count=len(recs),
        ended_cleanly=ended_cleanly, checkpoints_verified=verified, checkpoints_total=len(cps), log_id=log_id,
        alg=expected_alg if not unverifiable else None, last_time=last.time if last else None,
        end_position=last.pos if last else None, problem_kinds=frozenset(p.kind for p in problems))


def _check_anchor(cp: Mapping[str, Any], by_seq: Mapping[int, _Rec], log_id: str | None,
                  public_key: Ed25519PublicKey | None, last: _Rec | None) -> tuple[str, str] | None:
    seq, h = cp.get("seq"), cp.get("hash")
    if not isinstance(seq, int) or not isinstance(h, str):
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
