"""What a witness keeps: tree-head entries, and the stores an insider with write access to the log
cannot edit.

An entry is one JSON object::

    {"type": "status_guard.tree_head", "v": 1, "origin": "jsonl:/var/log/sg/audit.jsonl",
     "sth": {log, epoch, size, root, head, time, kind, writer, key_id, sig},
     "consistency": {"from": m, "proof": [hex, ...]},      # from the previous head in the log
     "discontinuity": {...}}                                # only on an operator's recovery

Writers submit one for every marker that carries a tree head (session start and end, every N
records and every T seconds, recoveries). A store only appends; checking is the
:class:`~status_guard.audit.witness.book.WitnessBook`'s job (``status-guard audit witness check``,
the HTTP witness server, ``audit verify --witness``).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from typing import Any

from ..errors import AuditConfigError
from ..treehead import shape_problem

ENTRY_TYPE = "status_guard.tree_head"
MAX_ENTRY_BYTES = 64 * 1024
MAX_PROOF = 128


class WitnessError(Exception):
    """The witness could not be written or read (unreachable, refused, full)."""


def make_entry(origin: str, rec: Mapping[str, Any]) -> dict[str, Any]:
    """The witness entry for a stored marker record that carries a tree head."""
    entry: dict[str, Any] = {"type": ENTRY_TYPE, "v": 1, "origin": origin, "sth": dict(rec["sth"])}
    if rec.get("consistency"):
        entry["consistency"] = dict(rec["consistency"])
    if rec.get("discontinuity"):
        entry["discontinuity"] = dict(rec["discontinuity"])
    return entry


def entry_problem(entry: Any) -> str | None:
    """None when ``entry`` has the shape of a witness entry, else what is wrong (never a value)."""
    if not isinstance(entry, Mapping):
        return "a witness entry must be a JSON object"
    if entry.get("type") != ENTRY_TYPE:
        return f"not a tree-head entry (type must be {ENTRY_TYPE!r})"
    if not isinstance(entry.get("origin"), str) or len(entry["origin"]) > 512:
        return "entry field 'origin' must be a string (at most 512 characters)"
    why = shape_problem(entry.get("sth"))
    if why:
        return why
    c = entry.get("consistency")
    if c is not None:
        if not isinstance(c, Mapping):
            return "entry field 'consistency' must be an object"
        f, p = c.get("from"), c.get("proof")
        if not isinstance(f, int) or isinstance(f, bool) or f < 0:
            return "consistency 'from' must be a non-negative integer"
        if (not isinstance(p, list) or len(p) > MAX_PROOF
                or not all(isinstance(h, str) and len(h) == 64 for h in p)):
            return f"consistency 'proof' must be a list of at most {MAX_PROOF} 64-hex hashes"
        try:
            for h in p:
                bytes.fromhex(h)
        except ValueError:
            return "consistency 'proof' must hold hex hashes"
    d = entry.get("discontinuity")
    if d is not None and not isinstance(d, Mapping):
        return "entry field 'discontinuity' must be an object"
    return None


class Witness(ABC):
    """A place tree heads are sent to, that the log's insider cannot edit."""

    description: str = "witness"
    #: True when the writer can read heads back (a readable witness lets a starting writer see that
    #: the log at its origin was deleted or cut while no writer was running)
    readable: bool = False

    @abstractmethod
    def submit(self, entry: Mapping[str, Any]) -> None:
        """Store one entry durably, or raise :class:`WitnessError`."""

    def latest(self, origin: str) -> dict[str, Any] | None:
        """The most recently stored entry for ``origin`` (None: none, or not readable)."""
        return None

    def entries(self) -> Iterator[dict[str, Any]]:
        """Every stored entry, oldest first (raises WitnessError when the store cannot be read)."""
        raise WitnessError(f"{self.description} cannot be read back; export its entries to a file")

    def close(self) -> None:  # noqa: B027 - optional
        pass


def open_witness(spec: str | Witness | None, *, timeout: float = 5.0) -> Witness | None:
    """``dir:PATH`` | ``file:PATH`` (read-only) | ``postgresql://...?table=NAME`` | ``syslog:`` |
    ``syslog+tcp://HOST:PORT`` | ``syslog+udp://HOST:PORT`` | ``http(s)://...`` | ``memory:``."""
    if spec is None or isinstance(spec, Witness):
        return spec
    if not isinstance(spec, str) or not spec.strip():
        raise AuditConfigError("witness spec must be dir:PATH, postgresql://..., syslog:, http(s)://... or memory:")
    spec = spec.strip()
    scheme, _, rest = spec.partition(":")
    scheme = scheme.lower()
    if scheme in ("dir", "file"):
        if not rest:
            raise AuditConfigError(f"witness spec {scheme}: needs a path")
        from .directory import DirectoryWitness, FileWitness

        return DirectoryWitness(rest) if scheme == "dir" else FileWitness(rest)
    if scheme in ("postgresql", "postgres"):
        from .postgres import PostgresWitness

        return PostgresWitness(spec, timeout=timeout)
    if scheme in ("syslog", "syslog+tcp", "syslog+udp", "journald"):
        from .syslog import SyslogWitness

        return SyslogWitness(spec, timeout=timeout)
    if scheme in ("http", "https"):
        from .http import HttpWitness

        return HttpWitness(spec, timeout=timeout)
    if scheme == "memory":
        from .memory import MemoryWitness

        return MemoryWitness()
    raise AuditConfigError("unknown witness spec scheme; use dir:PATH, postgresql://..., syslog:, http(s)://... "
                           "or memory:")
