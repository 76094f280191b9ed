"""Pass 5 — free text: inside a value the audience may see (a public-record narrative, a note a
school clerk receives), spans of protected categories are replaced, the rest stays visible.

The detector is the optional text adapter (presidio, offline), reached through the Guard; this
pass only says which leaves to look in and what to do with the answer. Fails closed: a value the
detector cannot check is withheld whole.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..model import Item
from .leaves import Leaf

MIN_FREE_TEXT_LENGTH = 24
REPLACEMENT = "[REDACTED:{category}]"


def looks_like_free_text(value: Any) -> bool:
    return isinstance(value, str) and len(value) >= MIN_FREE_TEXT_LENGTH and " " in value.strip()


@dataclass
class TextOutcome:
    #: leaf index -> the value with protected spans replaced
    rewritten: dict[int, str] = field(default_factory=dict)
    #: leaf index -> item describing what was found (categories, reasons) for the decision
    items: dict[int, Item] = field(default_factory=dict)
    #: leaf indices whose value could not be checked: withheld whole
    unchecked: set[int] = field(default_factory=set)


def redact_free_text(detector: Any, hidden: frozenset[str], leaves: Sequence[Leaf], visible: Sequence[int],
                     short: frozenset[int] = frozenset()) -> TextOutcome:
    """``detector``: an object with ``categories`` and ``detect(text, categories=...)`` returning
    findings (``category``, ``start``, ``end``); ``visible``: indices of leaves left visible;
    ``short``: indices looked into even when the text is short (declared public-record values:
    "Trespass at 12 Elm St" in a charge column)."""
    out = TextOutcome()
    covered = frozenset(hidden) & frozenset(detector.categories)
    if not covered:
        return out
    for i in visible:
        value = leaves[i].value
        if not looks_like_free_text(value) and not (i in short and isinstance(value, str) and " " in value.strip()):
            continue
        try:
            found = detector.detect(value, categories=covered)
        except Exception:  # any detector failure: the value cannot be shown unchecked
            out.unchecked.add(i)
            out.items[i] = Item(leaves[i].path, hidden, ("free text could not be checked",), carve_out=False)
            continue
        if found:
            out.rewritten[i] = replace_spans(value, found)
            out.items[i] = Item(leaves[i].path, frozenset(f.category for f in found), ("free text mentions it",),
                                carve_out=False)
    return out


def replace_spans(text: str, findings: Sequence[Any]) -> str:
    """``text`` with every finding's span replaced; overlapping or touching spans are merged so no
    fragment survives between two detections."""
    spans = sorted((max(0, f.start), min(len(text), f.end), f.category) for f in findings if f.end > f.start)
    merged: list[list[Any]] = []
    for start, end, cat in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
            merged[-1][2].add(cat)
        else:
            merged.append([start, end, {cat}])
    out: list[str] = []
    pos = 0
    for start, end, cats in merged:
        out.append(text[pos:start])
        out.append(REPLACEMENT.replace("{category}", "+".join(sorted(cats))))
        pos = end
    out.append(text[pos:])
    return "".join(out)


__all__ = ["TextOutcome", "looks_like_free_text", "redact_free_text", "replace_spans"]
