"""Pass 1 — flatten: a document becomes leaves (values) and keys (names that may be values).

Every response format reduces to the same two lists, so every later pass is format-blind:

* :class:`Leaf` — one scalar value: a JSON scalar (each element of a list of scalars is a leaf of
  its own), a CSV cell, an HTML-table cell or attribute, an XML element's text or an attribute.
  ``names`` are the names on the way to it (mapping keys, column header, element / attribute local
  names), list positions left out; ``path`` is unique per leaf and shows positions
  (``bookings[3].charge``); ``ref`` is where the format's apply step finds it again.
* :class:`KeyRef` — one name that structures the document but might itself be a value: a mapping
  key (``{"A123456789": {...}}``), a CSV / table header cell, an XML element or attribute name.

Containers are never leaves: nothing is decided for a subtree, only for each value in it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import LimitExceededError


@dataclass(slots=True)
class Leaf:
    names: tuple[str, ...]
    path: str
    value: Any
    ref: Any = None
    #: "value" (a field's value) or "text" (document text with no field name: a CSV preamble line,
    #: a table caption, XML mixed content) — text is never covered by a carve-out
    kind: str = "value"


@dataclass(slots=True)
class KeyRef:
    name: str
    #: the names of the container the key sits in (for ``{"a": {"K": 1}}``: ``("a",)``)
    container: tuple[str, ...]
    path: str
    ref: Any = None


@dataclass(slots=True)
class Flat:
    leaves: list[Leaf] = field(default_factory=list)
    keys: list[KeyRef] = field(default_factory=list)


_PLAIN_KEY = re.compile(r'[^.\[\]"\s*][^.\[\]"]*')


@lru_cache(maxsize=65536)
def key_segment(key: str) -> str:
    """A key as it appears in a path: plain when unambiguous, else quoted (``["a.b"]``), so two
    leaves never share a path string (``{"a.b": 1}`` vs ``{"a": {"b": 2}}``)."""
    if _PLAIN_KEY.fullmatch(key) and not key.endswith(" "):
        return key
    return "[" + '"' + key.replace("\\", "\\\\").replace('"', '\\"') + '"' + "]"


def join(path: str, key: str) -> str:
    seg = key_segment(key)
    if not path:
        return seg
    return path + seg if seg.startswith("[") else f"{path}.{seg}"


def masked(path: str, position: int) -> str:
    """The path of a key that must not be shown (it may be a value): its position, ``*3``."""
    seg = f"*{position}"
    return f"{path}.{seg}" if path else seg


SCALARS = (str, int, float, bool, type(None))


def _always(_key: str) -> bool:
    return True


def json_leaves(document: Any, *, safe_key: Callable[[str], bool] = _always, max_depth: int = 64,
                max_leaves: int = 2_000_000) -> Flat:
    """Leaves and keys of a JSON-like document (dicts, lists, scalars). A leaf's ``ref`` is
    ``(container, key or position)`` — the very object that holds it, so the apply step writes in
    place (``None`` for a bare scalar document); a key's ``ref`` is ``(its mapping, key)``.
    ``safe_key(k)``: whether ``k`` may be shown in paths; other keys are shown by position
    (``*0``). Tuples are walked like lists but cannot be written: copy first (``apply_json``)."""
    flat = Flat()
    leaves, keys = flat.leaves, flat.keys
    if not isinstance(document, (Mapping, list, tuple)):
        leaves.append(Leaf((), "", document, None))
        return flat
    stack: list[tuple[Any, tuple[str, ...], str, int]] = [(document, (), "", 0)]
    pop, push = stack.pop, stack.append
    append_leaf = leaves.append
    for_key = keys.append
    while stack:
        node, names, path, depth = pop()
        if depth > max_depth:
            raise LimitExceededError("document depth", max_depth)
        if isinstance(node, Mapping):
            children = []
            for pos, (k, v) in enumerate(node.items()):
                ks = k if isinstance(k, str) else str(k)
                kpath = join(path, ks) if safe_key(ks) else masked(path, pos)
                for_key(KeyRef(ks, names, kpath, (node, k)))
                if isinstance(v, (Mapping, list, tuple)):
                    children.append((v, names + (ks,), kpath, depth + 1))
                else:
                    append_leaf(Leaf(names + (ks,), kpath, v, (node, k)))
            stack.extend(reversed(children))
        else:
            children = []
            for i, v in enumerate(node):
                ipath = f"{path}[{i}]"
                if isinstance(v, (Mapping, list, tuple)):
                    children.append((v, names, ipath, depth + 1))
                else:
                    append_leaf(Leaf(names, ipath, v, (node, i)))
            stack.extend(reversed(children))
        if len(leaves) > max_leaves:
            raise LimitExceededError("document leaf count", max_leaves)
    return flat


__all__ = ["Flat", "KeyRef", "Leaf", "json_leaves", "join", "key_segment", "masked"]
