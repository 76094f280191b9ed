"""Pass 6 (JSON) — apply: a redacted copy of a JSON-like document from an :class:`Outcome`.

Leaves are found again by their exact location (the tuple of keys and positions ``json_leaves``
recorded), never by re-splitting a path string. Withheld values become the placeholder (``strip``
removes the key from its object); withheld keys are renamed ``[REDACTED]``, ``[REDACTED 2]`` …;
span-redacted text replaces its value. The input is not modified.
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


def _at(doc: Any, loc: tuple[Any, ...]) -> Any:
    node = doc
    for p in loc:
        node = node[p]
    return node


def apply_json(document: Any, flat: Flat, outcome: Outcome, placeholder: Any = REDACTED) -> Any:
    if not outcome.changed:
        return deep_copy(document) if isinstance(document, (dict, list, tuple)) else document
    doc = deep_copy(document)
    strips: list[tuple[Any, ...]] = []
    for i, leaf in enumerate(flat.leaves):
        e = outcome.effects[i]
        loc = leaf.ref
        if i in outcome.rewritten:  # visible, with protected spans replaced
            if not loc:
                return outcome.rewritten[i]
            _at(doc, loc[:-1])[loc[-1]] = outcome.rewritten[i]
        elif e in WITHHELD:
            if not loc:
                return placeholder  # the document is one scalar
            if e is Effect.STRIP and isinstance(_at(doc, loc[:-1]), dict):
                strips.append(loc)
            else:
                _at(doc, loc[:-1])[loc[-1]] = placeholder
    for loc in strips:
        _at(doc, loc[:-1]).pop(loc[-1], None)
    if outcome.keys_withheld:
        # deepest containers first: renaming a key never moves a container found later
        renames: dict[tuple[Any, ...], set[Any]] = {}
        for k in outcome.keys_withheld:
            cloc, key = flat.keys[k].ref
            renames.setdefault(cloc, set()).add(key)
        for cloc in sorted(renames, key=len, reverse=True):
            node = _at(doc, cloc)
            if not isinstance(node, dict):
                continue
            gone = renames[cloc]
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
    return doc


__all__ = ["REDACTED", "apply_json", "deep_copy"]
