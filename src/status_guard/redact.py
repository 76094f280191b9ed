"""Pure redaction of JSON-like documents by a Decision (no I/O, no adapter imports)."""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from functools import lru_cache
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


def _set(doc: Any, parts: tuple[str | int, ...], value: Any, remove: bool) -> None:
    node = doc
    for p in parts[:-1]:
        node = node[p]
    last = parts[-1]
    if remove and isinstance(node, dict):
        node.pop(last, None)
    else:
        node[last] = value


WITHHELD = frozenset({Effect.REDACT, Effect.STRIP, Effect.BLOCK})


def apply(document: Any, decision: Decision, placeholder: Any = REDACTED) -> Redaction:
    """Withhold every field whose outcome is redact/strip/block: strip removes the key, the
    others replace the value with ``placeholder``. The input is not modified."""
    doc = _copy(document)
    redacted: list[str] = []
    removed: list[str] = []
    # deepest paths first so removing a key never invalidates a later path
    outcomes = sorted((f for f in decision.fields if f.effect in WITHHELD), key=lambda f: -len(f.path))
    for f in outcomes:
        parts = split_path(f.path)
        if not parts:
            continue
        if f.effect is Effect.STRIP:
            _set(doc, parts, None, remove=True)
            removed.append(f.path)
        else:
            _set(doc, parts, placeholder, remove=False)
            redacted.append(f.path)
    return Redaction(doc, decision, tuple(sorted(redacted)), tuple(sorted(removed)))
