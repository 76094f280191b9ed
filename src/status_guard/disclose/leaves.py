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
    """Leaves and keys of a JSON-like document (dicts, lists, tuples, scalars). A leaf's ``ref`` is
    the tuple of keys / positions that reaches it (``()`` for a bare scalar document); a key's
    ``ref`` is ``(location of its container, key)``. ``safe_key(k)``: whether ``k`` may be shown
    in paths; other keys are shown by position (``*0``)."""
    flat = Flat()
    leaves, keys = flat.leaves, flat.keys
    stack: list[tuple[Any, tuple[Any, ...], tuple[str, ...], str, int]] = [(document, (), (), "", 0)]
    while stack:
        node, loc, names, path, depth = stack.pop()
        if depth > max_depth:
            raise LimitExceededError("document depth", max_depth)
        if isinstance(node, Mapping):
            children = []
            for pos, (k, v) in enumerate(node.items()):
                ks = k if isinstance(k, str) else str(k)
                kpath = join(path, ks) if safe_key(ks) else masked(path, pos)
                keys.append(KeyRef(ks, names, kpath, (loc, k)))
                children.append((v, loc + (k,), names + (ks,), kpath, depth + 1))
            stack.extend(reversed(children))
        elif isinstance(node, (list, tuple)):
            for i in range(len(node) - 1, -1, -1):
                stack.append((node[i], loc + (i,), names, f"{path}[{i}]", depth + 1))
        else:
            leaves.append(Leaf(names, path, node, loc))
            if len(leaves) > max_leaves:
                raise LimitExceededError("document leaf count", max_leaves)
    return flat


__all__ = ["Flat", "KeyRef", "Leaf", "json_leaves", "join", "key_segment", "masked"]
