"""The witness's book: the heads it holds, and whether they tell one consistent story.

Within one log and epoch, heads sorted by size must form a single chain: every head's consistency
proof starts at the head just before it (the writer proves each new head against the previous
tree head *in the log*, so a log that only grew always satisfies this). What breaks it:

* ``equivocation`` — two different roots for the same size: two different logs were shown;
* ``inconsistent`` — a proof from the previous head does not verify: the older records changed;
* ``fork`` — a head proves itself against an older head than the one before it: the log was cut
  back and grown again (a rewritten history);
* ``gap`` — the head a proof starts from was never received (an export was lost): the two
  neighbours are not shown consistent (a warning: it proves nothing either way);
* ``bad_signature`` / ``unsigned`` — with public keys given, a head not signed by one of them;
* ``discontinuity`` — an operator's declared recovery (``audit recover``): a new epoch begins.

None of this reads the log: only the heads and their proofs (O(log n) hashes each).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from ..keys import public_key_id
from ..merkle import verify_consistency
from ..treehead import check_head_signature
from .base import entry_problem

PROBLEM_KINDS = frozenset({"equivocation", "inconsistent", "fork", "bad_signature", "unsigned", "malformed"})


@dataclass(frozen=True)
class Finding:
    kind: str
    message: str
    log: str | None = None
    epoch: int | None = None
    size: int | None = None

    @property
    def is_problem(self) -> bool:
        return self.kind in PROBLEM_KINDS

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "message": self.message, "log": self.log, "epoch": self.epoch, "size": self.size}


@dataclass
class Head:
    entry: dict[str, Any]
    index: int  # arrival order

    @property
    def sth(self) -> dict[str, Any]:
        return self.entry["sth"]

    @property
    def size(self) -> int:
        return int(self.sth["size"])

    @property
    def root(self) -> str:
        return str(self.sth["root"])


@dataclass
class LogSummary:
    log: str
    origins: set[str] = field(default_factory=set)
    epochs: dict[int, list[Head]] = field(default_factory=dict)

    @property
    def latest(self) -> Head | None:
        top = max(self.epochs) if self.epochs else None
        if top is None:
            return None
        return max(self.epochs[top], key=lambda h: (h.size, h.index))


class WitnessBook:
    """Heads received, grouped by log and epoch; :meth:`check` says whether they are consistent."""

    def __init__(self, public_keys: Sequence[Ed25519PublicKey] = ()) -> None:
        self.public_keys = {public_key_id(k): k for k in public_keys}
        self.logs: dict[str, LogSummary] = {}
        self.by_origin: dict[str, Head] = {}
        self.malformed: list[Finding] = []
        self._count = 0

    # -- filling ---------------------------------------------------------------------------------
    def add(self, entry: Any) -> Head | None:
        why = entry_problem(entry)
        if why is not None:
            self.malformed.append(Finding("malformed", f"entry {self._count + 1}: {why}"))
            self._count += 1
            return None
        self._count += 1
        head = Head(dict(entry), self._count)
        sth = head.sth
        summary = self.logs.setdefault(sth["log"], LogSummary(sth["log"]))
        summary.origins.add(entry["origin"])
        summary.epochs.setdefault(int(sth["epoch"]), []).append(head)
        self.by_origin[entry["origin"]] = head
        return head

    def extend(self, entries: Iterable[Any]) -> WitnessBook:
        for e in entries:
            self.add(e)
        return self

    def latest(self, origin: str) -> dict[str, Any] | None:
        h = self.by_origin.get(origin)
        return h.entry if h else None

    def heads_for(self, log: str) -> list[dict[str, Any]]:
        s = self.logs.get(log)
        if s is None:
            return []
        return [h.entry for e in sorted(s.epochs) for h in sorted(s.epochs[e], key=lambda h: (h.size, h.index))]

    # -- checking --------------------------------------------------------------------------------
    def check(self, log: str | None = None) -> list[Finding]:
        out = list(self.malformed) if log is None else []
        for name in sorted(self.logs) if log is None else [log]:
            summary = self.logs.get(name)
            if summary is None:
                continue
            for epoch in sorted(summary.epochs):
                out.extend(self._check_group(name, epoch, summary.epochs[epoch]))
        return out

    def signature_problem(self, sth: Mapping[str, Any]) -> Finding | None:
        """None when no keys are trusted, or the head is signed by one of them."""
        if not self.public_keys:
            return None
        size = sth.get("size")
        key = self.public_keys.get(str(sth.get("key_id")))
        if not sth.get("sig"):
            return Finding("unsigned", f"head of size {size} is not signed", sth.get("log"), sth.get("epoch"), size)
        if key is None:
            return Finding("bad_signature", f"head of size {size} is signed by a key that is not trusted "
                           f"(key id {sth.get('key_id')})", sth.get("log"), sth.get("epoch"), size)
        why = check_head_signature(sth, key)
        if why:
            return Finding("bad_signature", f"head of size {size}: {why}", sth.get("log"), sth.get("epoch"), size)
        return None

    def _check_group(self, log: str, epoch: int, heads: list[Head]) -> list[Finding]:
        out: list[Finding] = []
        good: list[Head] = []
        for h in heads:
            f = self.signature_problem(h.sth)
            if f is not None:
                out.append(f)
            else:
                good.append(h)
        by_size: dict[int, Head] = {}
        top: Head | None = None
        for h in sorted(good, key=lambda h: h.index):
            first = by_size.get(h.size)
            if first is not None and first.sth == h.sth and top is not None and top.size > h.size:
                # the same head again, after a larger one: a replay (an insider who can append to the store
                # makes an old head look like the latest) or a late retry. Never the latest; an alarm.
                out.append(Finding("replayed", f"head of size {h.size} (entry {first.index}) was received again as "
                                   f"entry {h.index}, after a head of size {top.size}: a replayed older head",
                                   log, epoch, h.size))
            if top is None or h.size > top.size:
                top = h
            if first is None:
                by_size[h.size] = h
            elif first.root != h.root:
                out.append(Finding("equivocation", f"two different roots for size {h.size} (received as entries "
                                   f"{first.index} and {h.index}): the log showed two different histories",
                                   log, epoch, h.size))
        chain = [by_size[s] for s in sorted(by_size)]
        for i, h in enumerate(chain):
            d = h.entry.get("discontinuity")
            if d is not None and i == 0:
                ticket = d.get("ticket") if isinstance(d, Mapping) else None
                out.append(Finding("discontinuity", f"declared by an operator at size {h.size} ({h.sth['time']})"
                                   + (f", ticket {ticket}" if isinstance(ticket, str) else ""), log, epoch, h.size))
            if i == 0:
                continue
            prev = chain[i - 1]
            c = h.entry.get("consistency")
            if not isinstance(c, Mapping):
                out.append(Finding("gap", f"head of size {h.size} carries no consistency proof: not shown "
                                   f"consistent with the head of size {prev.size}", log, epoch, h.size))
                continue
            start = int(c["from"])
            if start == prev.size:
                proof = [bytes.fromhex(p) for p in c["proof"]]
                if not verify_consistency(prev.size, h.size, bytes.fromhex(prev.root), bytes.fromhex(h.root), proof):
                    out.append(Finding("inconsistent", f"head of size {h.size} is not an extension of the head of "
                                       f"size {prev.size}: records before seq {prev.size} were changed",
                                       log, epoch, h.size))
            elif start < prev.size:
                out.append(Finding("fork", f"head of size {h.size} extends size {start}, but the witness holds a "
                                   f"head of size {prev.size} in between: the log was cut back to {start} records "
                                   "and grown again", log, epoch, h.size))
            else:
                out.append(Finding("gap", f"head of size {h.size} extends size {start}, which the witness never "
                                   f"received: not shown consistent with the head of size {prev.size}",
                                   log, epoch, h.size))
        return out
