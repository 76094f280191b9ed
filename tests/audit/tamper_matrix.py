"""The tamper matrix: every kind of edit an insider with write access (and no keys) can make, under
each key set-up, and whether it is caught — and by what. Each cell is computed by running the edit
against a real log (see test_tamper_matrix.py, which asserts every cell and that docs/audit.md shows
exactly this table). Regenerate the table with:

    .venv/bin/python tests/audit/tamper_matrix.py
"""

from __future__ import annotations

import os
import secrets
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from status_guard.audit import AuditDiscontinuityError, open_audit
from status_guard.audit.canonical import canonical, record_hash
from status_guard.audit.merkle import Frontier, leaf_hash
from status_guard.audit.sinks.jsonl import JsonlSink
from status_guard.audit.verify import verify_items
from status_guard.audit.witness.memory import MemoryWitness

SETUPS = ("none", "hmac", "signing", "witness")
SETUP_TITLES = {"none": "no key", "hmac": "HMAC key", "signing": "signing key", "witness": "signing key + witness"}
REC = {"action": "collect", "effect": "block", "adapter": "asgi", "citations": ["2.129.040(b)"],
       "fields": ["guardian.citizenship"], "requester": {"class": "local"}}
SK = Ed25519PrivateKey.generate()
HK = secrets.token_bytes(32)

CAUGHT_VERIFY = "caught (verify)"
CAUGHT_WRITER = "caught (writer refuses)"
CAUGHT_WITNESS = "caught (verify --witness)"
NOT = "NOT caught"


class Env:
    def __init__(self, setup: str, d: Path) -> None:
        self.setup, self.d = setup, d
        self.path = d / "audit.jsonl"
        self.witness = MemoryWitness() if setup == "witness" else None

    def writer(self, path: Path | None = None) -> Any:
        kw: dict[str, Any] = {}
        if self.setup == "hmac":
            kw["hmac_key"] = HK
        if self.setup in ("signing", "witness"):
            kw["signing_key"] = SK
        log = open_audit(f"jsonl:{path or self.path}", fsync="never", checkpoint_every=4, checkpoint_seconds=0,
                         witness=self.witness, **kw)
        log.recheck_interval = 0.0
        return log

    def build(self, sessions: int = 2, per: int = 6) -> None:
        for _ in range(sessions):
            log = self.writer()
            for i in range(per):
                log.append({**REC, "request_id": f"req-{i}"})
            log.close()

    def lines(self) -> list[bytes]:
        return self.path.read_bytes().splitlines()

    def save(self, lines: list[bytes]) -> None:
        self.path.write_bytes(b"".join(x + b"\n" for x in lines))

    def verify(self, path: Path | None = None, **kw: Any) -> Any:
        return verify_items(JsonlSink(str(path or self.path)).raw_items(),
                            hmac_key=HK if self.setup == "hmac" else None,
                            public_key=SK.public_key() if self.setup in ("signing", "witness") else None,
                            witness_heads=list(self.witness.stored) if self.witness else None, **kw)

    def verdict(self, **kw: Any) -> str:
        r = self.verify(**kw)
        if r.ok:
            return NOT
        if self.witness is not None and self.verify_without_witness(**kw).ok:
            return CAUGHT_WITNESS
        return CAUGHT_VERIFY

    def verify_without_witness(self, **kw: Any) -> Any:
        w, self.witness = self.witness, None
        try:
            return self.verify(**kw)
        finally:
            self.witness = w


# -- what an insider without keys can do to the bytes --------------------------------------------------------
def rechain(lines: list[bytes], start: int, change: Callable[[dict[str, Any]], None] | None = None,
            renumber: bool = False) -> list[bytes]:
    """Recompute every SHA-256 hash, link, seq (``renumber``) and tree head root from ``start`` on, the
    way an insider without keys can; signatures and writer codes cannot be recomputed and are left
    (heads) or dropped (codes)."""
    out = list(lines[:start])
    tree = Frontier()
    for x in out:
        tree.append(leaf_hash(x))
    prev = orjson.loads(out[-1])["hash"] if out else "0" * 64
    seq = orjson.loads(out[-1])["seq"] + 1 if out else 0
    for j, line in enumerate(lines[start:]):
        rec = orjson.loads(line)
        if j == 0 and change is not None:
            change(rec)
        rec.pop("auth", None)
        if renumber:
            rec["seq"] = seq
        rec["prev_hash"] = prev
        if isinstance(rec.get("sth"), dict):
            rec["sth"].update(root=tree.root().hex(), head=prev, size=rec["seq"])
            rec["frontier"] = tree.to_hex()
            rec.pop("consistency", None)
        rec["hash"] = prev = record_hash(rec, None)
        data = canonical(rec)
        tree.append(leaf_hash(data))
        out.append(data)
        seq = rec["seq"] + 1
    return out


def _decision_index(lines: list[bytes], n: int = 0) -> int:
    idx = [i for i, x in enumerate(lines) if b'"kind":"decision"' in x]
    return idx[n]


def _flip(rec: dict[str, Any]) -> None:
    rec["effect"] = "allow"


def forged_session(lines: list[bytes], with_end: bool) -> list[bytes]:
    """A forged writer session: a continuation marker, a decision, and (optionally) an end marker,
    chained onto the last record (its own writer id, no writer code, no signed head)."""
    last = orjson.loads(lines[-1])
    first = orjson.loads(lines[0])
    w = secrets.token_hex(8)
    out = list(lines)
    prev, seq = last["hash"], last["seq"] + 1
    bodies = [{"kind": "continuation", "log": first.get("log"), "chain": {"alg": "sha256"}},
              {**REC, "kind": "decision", "effect": "allow"}]
    if with_end:
        bodies.append({"kind": "end"})
    for body in bodies:
        rec = {"v": 2, **body, "seq": seq, "time": last["time"], "writer": w, "prev_hash": prev}
        rec["hash"] = prev = record_hash(rec, None)
        out.append(canonical(rec))
        seq += 1
    return out


def forged_end(lines: list[bytes]) -> list[bytes]:
    last = orjson.loads(lines[-1])
    rec = {"v": 2, "kind": "end", "seq": last["seq"] + 1, "time": last["time"], "writer": last["writer"],
           "prev_hash": last["hash"]}
    rec["hash"] = record_hash(rec, None)
    return lines + [canonical(rec)]


# -- the rows -------------------------------------------------------------------------------------------------
def row_edit(env: Env) -> str:
    env.build()
    lines = env.lines()
    i = _decision_index(lines, 2)
    lines[i] = lines[i].replace(b'"effect":"block"', b'"effect":"allow"')
    env.save(lines)
    return env.verdict()


def row_edit_rehash_one(env: Env) -> str:
    env.build()
    lines = env.lines()
    i = _decision_index(lines, 2)
    rec = orjson.loads(lines[i])
    rec["effect"] = "allow"
    rec.pop("auth", None)
    rec["hash"] = record_hash(rec, None)
    lines[i] = canonical(rec)
    env.save(lines)
    return env.verdict()


def row_rewrite(env: Env) -> str:
    env.build()
    lines = env.lines()
    env.save(rechain(lines, _decision_index(lines, 2), _flip))
    return env.verdict()


def row_delete(env: Env) -> str:
    env.build()
    lines = env.lines()
    del lines[_decision_index(lines, 2)]
    env.save(lines)
    return env.verdict()


def row_delete_rechain(env: Env) -> str:
    env.build()
    lines = env.lines()
    i = _decision_index(lines, 2)
    env.save(rechain(lines[:i] + lines[i + 1:], i, renumber=True))
    return env.verdict()


def row_insert_rechain(env: Env) -> str:
    env.build()
    lines = env.lines()
    i = _decision_index(lines, 2)
    forged = orjson.loads(lines[i])
    forged["effect"] = "allow"
    env.save(rechain(lines[:i] + [canonical(forged)] + lines[i:], i, renumber=True))
    return env.verdict()


def row_reorder(env: Env) -> str:
    env.build()
    lines = env.lines()
    i = _decision_index(lines, 1)
    lines[i], lines[i + 1] = lines[i + 1], lines[i]
    env.save(lines)
    return env.verdict()


def row_append_forged_session(env: Env) -> str:
    env.build()
    env.save(forged_session(env.lines(), with_end=True))
    return env.verdict()


def row_cut_tail(env: Env) -> str:
    env.build()
    env.save(env.lines()[:-3])
    return env.verdict()


def row_cut_tail_forged_end(env: Env) -> str:
    env.build()
    env.save(forged_end(env.lines()[:-3]))
    return env.verdict()


def row_cut_after_checkpoint_forged_end(env: Env) -> str:
    env.build()
    lines = env.lines()
    cps = [i for i, x in enumerate(lines) if b'"kind":"checkpoint"' in x]  # (no tree heads: no checkpoints)
    env.save(forged_end(lines[: cps[-1] + 1] if cps else lines[:-3]))
    return env.verdict()


def row_cut_to_session_end(env: Env) -> str:
    env.build()
    lines = env.lines()
    end = min(i for i, x in enumerate(lines) if b'"kind":"end"' in x)
    env.save(lines[: end + 1])
    return env.verdict()


def row_swap_log(env: Env) -> str:
    env.build()
    first = env.verify().log_id
    other = env.d / "other-day.jsonl"
    w = env.witness
    env.witness = MemoryWitness() if w is not None else None  # another day's log, witnessed elsewhere
    log = env.writer(other)
    log.append(REC)
    log.close()
    env.witness = w
    os.replace(other, env.path)
    plain = env.verdict()
    pinned = env.verify(expected_log_id=first)
    return f"{plain}; with --log-id: caught" if plain == NOT and not pinned.ok else plain


def row_delete_log_restart(env: Env) -> str:
    env.build()
    old = env.verify().log_id
    env.path.unlink()
    log = env.writer()
    try:
        log.append(REC)
    except AuditDiscontinuityError:
        return CAUGHT_WRITER
    log.close()
    plain = env.verdict()
    pinned = env.verify(expected_log_id=old)
    return f"{plain}; with --log-id: caught" if plain == NOT and not pinned.ok else plain


def row_cut_while_stopped(env: Env) -> str:
    env.build()
    env.save(env.lines()[:-3])
    log = env.writer()  # the app starts again on the cut log
    try:
        log.append(REC)
    except AuditDiscontinuityError:
        return CAUGHT_WRITER
    log.close()
    return env.verdict()


def _live(env: Env, tamper: Callable[[Env], None]) -> str:
    log = env.writer()
    for i in range(5):
        log.append({**REC, "request_id": f"live-{i}"})
    tamper(env)
    try:
        for _ in range(2):
            log.append(REC)
    except AuditDiscontinuityError:
        return CAUGHT_WRITER
    log.close()
    if not env.path.exists():
        return NOT
    return env.verdict()


def row_live_cut(env: Env) -> str:
    return _live(env, lambda e: e.save(e.lines()[:-2]))


def row_live_forged_append(env: Env) -> str:
    return _live(env, lambda e: e.save(forged_session(e.lines(), with_end=False)))


def row_live_delete(env: Env) -> str:
    return _live(env, lambda e: e.path.unlink())


def row_strip_heads(env: Env) -> str:
    env.build()
    kept = []
    for line in env.lines():
        rec = orjson.loads(line)
        if rec["kind"] == "checkpoint":
            continue
        for k in ("sth", "frontier", "consistency", "auth"):
            rec.pop(k, None)
        kept.append(canonical(rec))
    env.save(rechain(kept, 0, renumber=True))
    return env.verdict()


def row_rewrite_whole(env: Env) -> str:
    """A whole new log written by the insider with the same content, as a plain SHA-256 chain."""
    env.build()
    lines = [orjson.loads(x) for x in env.lines()]
    for rec in lines:
        for k in ("sth", "frontier", "consistency", "auth"):
            rec.pop(k, None)
        if rec["kind"] in ("start", "continuation"):
            rec["chain"] = {"alg": "sha256"}
    lines = [r for r in lines if r["kind"] != "checkpoint"]
    env.save(rechain([canonical(r) for r in lines], 0, renumber=True))
    return env.verdict()


ROWS: dict[str, tuple[str, Callable[[Env], str]]] = {
    "edit": ("Change a record (hash left as it was)", row_edit),
    "edit_rehash": ("Change a record and recompute its hash", row_edit_rehash_one),
    "rewrite": ("Change a record and recompute every hash, link and tree-head root after it", row_rewrite),
    "delete": ("Delete a record", row_delete),
    "delete_rechain": ("Delete a record, renumber and re-chain everything after it", row_delete_rechain),
    "insert_rechain": ("Insert a forged record, renumber and re-chain everything after it", row_insert_rechain),
    "reorder": ("Swap two records", row_reorder),
    "append_session": ("Append a forged writer session (continuation, record, end) to a closed log",
                       row_append_forged_session),
    "cut_tail": ("Cut the tail of a closed log", row_cut_tail),
    "cut_forged_end": ("Cut the tail and forge an end marker", row_cut_tail_forged_end),
    "cut_checkpoint_end": ("Cut right after a checkpoint and forge an end marker",
                           row_cut_after_checkpoint_forged_end),
    "cut_session": ("Cut back to an earlier session's end marker", row_cut_to_session_end),
    "swap": ("Swap the log for another genuine log (another day's)", row_swap_log),
    "delete_restart": ("Delete the log; the app restarts and writes a new one", row_delete_log_restart),
    "cut_restart": ("Cut the tail while the app is stopped; the app starts again on the cut log",
                    row_cut_while_stopped),
    "strip_heads": ("Strip every tree head and checkpoint, re-chain", row_strip_heads),
    "rewrite_whole": ("Rewrite the whole log as a plain SHA-256 chain (downgrade)", row_rewrite_whole),
    "live_cut": ("Running log: cut its tail", row_live_cut),
    "live_forge": ("Running log: append a forged session and record", row_live_forged_append),
    "live_delete": ("Running log: delete the file", row_live_delete),
}


def run_cell(row: str, setup: str) -> str:
    with tempfile.TemporaryDirectory() as d:
        return ROWS[row][1](Env(setup, Path(d)))


def render(cells: dict[tuple[str, str], str]) -> str:
    head = "| edit (insider with write access, no keys) | " + " | ".join(SETUP_TITLES[s] for s in SETUPS) + " |"
    sep = "| --- |" + " --- |" * len(SETUPS)
    rows = [f"| {ROWS[r][0]} | " + " | ".join(cells[(r, s)] for s in SETUPS) + " |" for r in ROWS]
    return "\n".join([head, sep, *rows])


if __name__ == "__main__":
    results = {(r, s): run_cell(r, s) for r in ROWS for s in SETUPS}
    print(render(results))
    sys.exit(0)
