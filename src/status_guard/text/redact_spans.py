"""Replace spans of free text (a plain span replacer; no Presidio anonymizer needed).

Overlapping or touching findings are merged into one replaced span, so no fragment of a value
survives between two overlapping detections.  The replacement may use ``{category}``; a merged
span names its categories joined by ``+`` in sorted order.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

DEFAULT_REPLACEMENT = "[REDACTED:{category}]"


class _Span(Protocol):
    category: str
    start: int
    end: int


def merge_spans(findings: Iterable[_Span], length: int) -> list[tuple[int, int, tuple[str, ...]]]:
    """Sorted, merged ``(start, end, categories)``; spans are clipped to ``[0, length]``."""
    spans = sorted(
        (max(0, f.start), min(length, f.end), f.category) for f in findings if f.end > 0 and f.start < length
    )
    merged: list[tuple[int, int, set[str]]] = []
    for start, end, cat in spans:
        if start >= end:
            continue
        if merged and start <= merged[-1][1]:
            last = merged[-1]
            merged[-1] = (last[0], max(last[1], end), last[2] | {cat})
        else:
            merged.append((start, end, {cat}))
    return [(s, e, tuple(sorted(c))) for s, e, c in merged]


def redact_spans(text: str, findings: Iterable[_Span], replacement: str = DEFAULT_REPLACEMENT) -> str:
    """``text`` with every finding's span replaced by ``replacement`` (formatted per span)."""
    out: list[str] = []
    pos = 0
    for start, end, cats in merge_spans(findings, len(text)):
        out.append(text[pos:start])
        out.append(replacement.replace("{category}", "+".join(cats)))
        pos = end
    out.append(text[pos:])
    return "".join(out)
