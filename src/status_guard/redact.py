"""Pure redaction of JSON-like documents by a Decision (no I/O, no adapter imports)."""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from functools import lru_cache
from collections.abc import Mapping, Sequence
from typing import Any

from .model import Decision, Effect

REDACTED = "[REDACTED]"
_PATH_TOKEN = re.compile(r"\[(\d+)\]|\.?([^.\[\]]+)")


@dataclass(frozen=True)
class Redaction:
    """The redacted copy of a document and the decision that shaped it."""

    document: Any
    decision: Decision
    redacted: tuple[str, ...]
    removed: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.redacted or self.removed)


@lru_cache(maxsize=65536)
def split_path(path: str) -> tuple[str | int, ...]:
    return tuple(int(m.group(1)) if m.group(1) is not None else m.group(2) for m in _PATH_TOKEN.finditer(path))


def _copy(node: Any) -> Any:
    """A deep copy of JSON-like data (dicts, lists, scalars); anything else via copy.deepcopy."""
    if isinstance(node, dict):
        return {k: _copy(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_copy(v) for v in node]
    if node is None or isinstance(node, (str, int, float, bool)):
        return node
    return copy.deepcopy(node)


def _set(doc: Any, parts: tuple[str | int, ...], value: Any, remove: bool) -> Any:
    """Set (or remove) the leaf at ``parts``; returns the document (``value`` itself for the root)."""
    if not parts:
        return value
    node = doc
    for p in parts[:-1]:
        node = node[p]
    last = parts[-1]
    if remove and isinstance(node, dict):
        node.pop(last, None)
    else:
        node[last] = value
    return doc


WITHHELD = frozenset({Effect.REDACT, Effect.STRIP, Effect.BLOCK})


def apply(
    document: Any,
    decision: Decision,
    placeholder: Any = REDACTED,
    locations: Mapping[str, Sequence[tuple[str | int, ...]]] | None = None,
) -> Redaction:
    """Withhold every field whose outcome is redact/strip/block: strip removes the key, the
    others replace the value with ``placeholder``. The input is not modified.

    ``locations`` maps a field path to the exact key/index tuples it stands for (see
    ``classify.flatten_located``): a key may contain ``.`` or ``[``, so a path string alone can name
    the wrong place (or two places). Without it, paths are split on ``.`` and ``[n]``. The empty
    tuple is the document itself (a bare string or number)."""
    doc = _copy(document)
    redacted: list[str] = []
    removed: list[str] = []
    targets: list[tuple[tuple[str | int, ...], str, bool]] = []
    for f in decision.fields:
        if f.effect not in WITHHELD:
            continue
        places = locations.get(f.path) if locations is not None else None
        if places is None:
            parts = split_path(f.path)
            if not parts:
                continue
            places = (parts,)
        for parts in places:
            targets.append((tuple(parts), f.path, f.effect is Effect.STRIP))
        (removed if f.effect is Effect.STRIP else redacted).append(f.path)
    # deepest locations first so removing a key never invalidates a later one
    targets.sort(key=lambda t: -len(t[0]))
    for parts, _path, strip in targets:
        doc = _set(doc, parts, placeholder if (not strip or not parts) else None, remove=strip)
    return Redaction(doc, decision, tuple(sorted(set(redacted))), tuple(sorted(set(removed))))
