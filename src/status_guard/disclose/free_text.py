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
import re

from ..model import Item
from .custody_spans import CATEGORY as CUSTODY
from .custody_spans import custody_spans
from .leaves import Leaf

MIN_FREE_TEXT_LENGTH = 24
REPLACEMENT = "[REDACTED:{category}]"
#: a text longer than the detector's bound is read in windows of this many characters, each
#: overlapping the next by OVERLAP (longer than any entity and its context words), so a span that
#: crosses a window's edge is whole in one of them — a long note is checked, not withheld whole
WINDOW = 20_000
OVERLAP = 1_000


#: scripts written without spaces between words (Han, kana, Thai, Lao, Khmer, Myanmar): a text in
#: them is free text without a space in it (r13e F01); a character carries a word's weight
_NO_SPACE_SCRIPT = re.compile(r"[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf"
                              r"\u4e00-\u9fff\uf900-\ufaff]")
MIN_NO_SPACE_LENGTH = 8
#: a finding of these categories is never "the declared value itself": a public-record field
#: releases an incident's address or date, not a custody, birthplace or status sentence (r13e F02)
_NEVER_WHOLE = frozenset({"incarceration_status", "place_of_birth", "immigration_status", "citizenship_status",
                          "detention_basis", "alien_registration_number", "visa_or_passport", "national_origin",
                          "release_date", "hearing_information", "work_address"})
_INNER_SPACE = re.compile(r"\s")
_LETTER_WORD = re.compile(r"[^\W\d_]{2,}")


def _no_space_text(value: str) -> bool:
    return len(_NO_SPACE_SCRIPT.findall(value)) >= MIN_NO_SPACE_LENGTH


def looks_like_free_text(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    # any whitespace between words: a pasted one-column export ("POB\nJacmel\nCITZ\nHT") has only
    # line breaks, and is free text all the same (r13e F14)
    return (len(value) >= MIN_FREE_TEXT_LENGTH and _INNER_SPACE.search(value.strip()) is not None) \
        or _no_space_text(value)


def released_as_declared(value: str, found: Sequence[Any]) -> bool:
    """A declared public-record value that is one address or one date and nothing else: what the
    declaration releases. Never a labelled value (``Country of birth: …``), a sentence (five or more
    words) or a custody/status/birthplace/release/hearing/work finding."""
    if not whole_value(value, found) or any(f.category in _NEVER_WHOLE for f in found):
        return False
    return ":" not in value and "=" not in value and len(_LETTER_WORD.findall(value)) < 5


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
        if not looks_like_free_text(value) and not (i in short and isinstance(value, str)
                                                    and (" " in value.strip() or leaves[i].kind == "text"
                                                         or bool(_NO_SPACE_SCRIPT.search(value)))):
            continue
        try:
            found = detect_windows(detector, value, covered)
            if CUSTODY in covered:  # named custody places and detention (custody_spans, r10b F07)
                found = [*found, *custody_spans(value)]
            if i in short and found and leaves[i].kind == "value" and released_as_declared(value, found):
                # a declared public-record leaf whose whole value is one address / one date: that
                # value is what the declaration releases (an incident location, an arrest date);
                # spans are removed only from a longer text that mentions them. Only a field's
                # own value: a piece of mixed content (XML text after a child) is part of a
                # longer text, never "the whole value" (r10b F08)
                found = []
        except Exception:  # any detector failure: the value cannot be shown unchecked
            out.unchecked.add(i)
            out.items[i] = Item(leaves[i].path, hidden, ("free text could not be checked",), carve_out=False)
            continue
        if found:
            out.rewritten[i] = replace_spans(value, found)
            out.items[i] = Item(leaves[i].path, frozenset(f.category for f in found), ("free text mentions it",),
                                carve_out=False)
    return out


def detect_windows(detector: Any, text: str, categories: frozenset[str]) -> list[Any]:
    """Findings in ``text``, however long: windows of ``WINDOW`` characters (cut at white space)
    overlapping by ``OVERLAP``; spans are returned in ``text``'s positions."""
    config = getattr(detector, "config", None)
    bound = int(getattr(config, "max_chars", 0) or 0) or WINDOW
    if len(text) <= bound:
        return list(detector.detect(text, categories=categories))
    size = max(2 * OVERLAP, min(WINDOW, bound))
    out: list[Any] = []
    start = 0
    n = len(text)
    while start < n:
        end = min(n, start + size)
        if end < n:  # cut at white space, so no word is split
            cut = text.rfind(" ", start + size // 2, end)
            if cut > start:
                end = cut
        for f in detector.detect(text[start:end], categories=categories):
            out.append(_Shifted(f.category, f.start + start, f.end + start))
        if end >= n:
            break
        start = max(start + 1, end - OVERLAP)
        ws = text.find(" ", start, end)  # start a window at a word
        if ws != -1:
            start = ws + 1
    return out


@dataclass(frozen=True)
class _Shifted:
    category: str
    start: int
    end: int


def whole_value(text: str, findings: Sequence[Any]) -> bool:
    """Whether the findings together cover every letter and digit of ``text``."""
    covered = bytearray(len(text))
    for f in findings:
        for k in range(max(0, f.start), min(len(text), f.end)):
            covered[k] = 1
    return all(covered[k] or not ch.isalnum() for k, ch in enumerate(text))


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


__all__ = ["TextOutcome", "detect_windows", "looks_like_free_text", "redact_free_text", "replace_spans", "whole_value"]
