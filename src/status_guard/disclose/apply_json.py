"""Pass 6 (JSON) — apply: the redacted document from an :class:`Outcome`.

Leaves are found again by the very container that holds them (``json_leaves`` recorded it), never
by re-splitting a path string. Withheld values become the placeholder (``strip``
removes the key from its object); withheld keys are renamed ``[REDACTED]``, ``[REDACTED 2]`` …;
span-redacted text replaces its value.
"""

from __future__ import annotations

import copy
from typing import Any

from ..model import Effect
from .audience import WITHHELD
from .leaves import Flat
from .pipeline import Outcome

REDACTED = "[REDACTED]"


def deep_copy(node: Any) -> Any:
    """A deep copy of JSON-like data (tuples become lists); anything else via copy.deepcopy."""
    if isinstance(node, dict):
        return {k: deep_copy(v) for k, v in node.items()}
    if isinstance(node, (list, tuple)):
        return [deep_copy(v) for v in node]
    if node is None or isinstance(node, (str, int, float, bool)):
        return node
    return copy.deepcopy(node)


def apply_json(document: Any, flat: Flat, outcome: Outcome, placeholder: Any = REDACTED) -> Any:
    """Apply ``outcome`` **in place** to ``document`` — the object ``flat`` was built from (copy
    first with :func:`deep_copy` when the caller's document must stay as it was). Returns the
    document (the placeholder itself for a withheld bare scalar)."""
    if not outcome.changed:
        return document
    strips: list[tuple[Any, Any]] = []
    for i, leaf in enumerate(flat.leaves):
        e = outcome.effects[i]
        ref = leaf.ref
        if i in outcome.rewritten:  # visible, with protected spans replaced
            if ref is None:
                return outcome.rewritten[i]
            ref[0][ref[1]] = outcome.rewritten[i]
        elif e in WITHHELD:
            if ref is None:
                return placeholder  # the document is one scalar
            if e is Effect.STRIP and isinstance(ref[0], dict):
                strips.append(ref)
            else:
                ref[0][ref[1]] = placeholder
    for container, key in strips:
        container.pop(key, None)
    if outcome.keys_withheld:
        renames: dict[int, tuple[dict[Any, Any], set[Any]]] = {}
        for k in outcome.keys_withheld:
            node, key = flat.keys[k].ref
            renames.setdefault(id(node), (node, set()))[1].add(key)
        for node, gone in renames.values():
            new: dict[Any, Any] = {}
            n = 0
            for k, v in node.items():
                if k in gone:
                    n += 1
                    nk = REDACTED if n == 1 else f"{REDACTED} {n}"
                    while nk in node or nk in new:
                        n += 1
                        nk = f"{REDACTED} {n}"
                    new[nk] = v
                else:
                    new[k] = v
            node.clear()
            node.update(new)
    return document


__all__ = ["REDACTED", "apply_json", "deep_copy"]
