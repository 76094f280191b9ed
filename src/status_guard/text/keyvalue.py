"""Key–value lines inside a narrative go through the *field* classifier (issue 13, item 5).

Booking narratives and intake notes carry fields as text: ``POB: Port-au-Prince``,
``Citizenship: Haiti``, ``Employer - Star Market``, ``USCIS# 098-765-432``, ``Ngày ra tòa: 9/12``.
Each key is classified exactly like a form field name (abbreviations, languages, typos), and the
value after it is reported with the key's categories. A value that says nothing (``N/A``,
``none``, ``unknown``, ``—``) is skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import regex

#: an export-style key that may start a field in the middle of a line: a word joined by "_"
#: (``BKG_RLS_DT``, ``alien_reg_nbr``) followed by its separator
_JOINED_KEY = r"\p{L}[\p{L}\p{N}]*(?:_[\p{L}\p{N}]+)+[ \t]*[:=：]"
#: a key: 1-6 words starting with a letter (any script; a word may join its parts with "_", ".",
#: "-" or run camelCase together, as export columns do), at the start of a line, after ; | • , after
#: a sentence or a comma, after a wide gap (two spaces or a tab: a pasted export row), or — for a
#: "_"-joined key — after any space; then ":" "=" "：" " - " or "#" (USCIS#, A#), then the value up to
#: the end of the line, the next separator, or the next "Key:" on the same line
_KEY_VALUE = regex.compile(
    r"(?:^|(?<=[\n;|•·؛])|(?<=[.!?。]\s)|(?<=[,،]\s)|(?<=[ ]{2}|\t)|(?<=[ \t])(?=" + _JOINED_KEY + r"))[ \t]*"
    r"(?P<key>\p{L}[\p{L}\p{M}\p{N}_'’./()&-]*(?:[ \t]+[\p{L}\p{M}\p{N}_'’./()&-]+){0,5}?)"
    r"[ \t]*(?P<sep>[:=：]|[ \t]-[ \t]|\#)[ \t]*"
    r"(?P<value>[^\n;|•؛]{1,160}?)"
    # the value ends at the line's end, a separator, or where the next "Key:" starts after a comma
    # or a full stop (Arabic and CJK have no capital letters to mark a sentence), after a wide gap,
    # or where a "_"-joined key starts
    r"(?=[ \t]*(?:$|[\n;|•؛]|[,،.。][ \t]*\p{L}[\p{L}\p{M}_'’./ -]{0,30}?[ \t]*[:=：]|\.[ \t]+\p{Lu}|\.$)"
    r"|(?:[ ]{2,}|\t)[ \t]*\p{L}[\p{L}\p{M}\p{N}_'’./()&-]{0,40}(?:[ ][\p{L}\p{M}\p{N}_'’./()&-]+){0,3}[ \t]*[:=：]"
    r"|[ \t]+" + _JOINED_KEY + ")",
    regex.MULTILINE,
)
_EMPTY_VALUE = regex.compile(r"^\W*(?:n/?a|none|unknown|unk|not known|not applicable|nil|null|-+|—|\?+)?\W*$",
                             regex.IGNORECASE)
_NOT_KEY = regex.compile(r"^(?:https?|ftp|mailto|tel|re|fw|fwd|note|notes|update|nb|ps|p\.s)$", regex.IGNORECASE)
SCORE = 0.85

#: a number written right after its label ("Alien Reg No 098-765-432", "USCIS Number A098765432",
#: "Alien Reg. No.: 098765432" inside another field's value): up to 5 words of label, then an
#: A-number-shaped value
#: Each label word is bounded (``LABEL_WORD_MAX`` characters): unbounded, the search tried every
#: position of a long unbroken token (a pasted link, a base64 blob) and scanned to its end from each,
#: O(n²) — 4 000 characters cost ~2 s (review r15b F01/F03).  A label word longer than that names
#: nothing the field classifier reads; the number is still found after the label's last words.
LABEL_WORD_MAX = 64
_LW = "{0,%d}" % (LABEL_WORD_MAX - 1)
_LW1 = "{1,%d}" % LABEL_WORD_MAX
_LABEL_NUMBER = regex.compile(
    r"(?P<label>\p{L}[\p{L}\p{M}\p{N}_'’./()-]" + _LW + r"(?:[ \t]+[\p{L}\p{M}\p{N}_'’./()-]" + _LW1
    + r"){0,4})(?:[ \t]*[.:：#=-]+[ \t]*|[ \t]+)"
    r"(?P<value>(?<![\w-])A?[- ]?(?:\d{3}[- ]?\d{3}[- ]?\d{3}|\d{2}[- ]?\d{3}[- ]?\d{3})(?![\w-]))"
)
#: the categories a label before a bare number may give it: an identifier, never a date or a place
LABEL_NUMBER_CATEGORIES = frozenset({"alien_registration_number"})
#: every value _LABEL_NUMBER can match holds this (both number shapes end in it): without it the
#: (linear but not free) label search is skipped
_VALUE_CORE = regex.compile(r"\d{2}[- ]?\d{3}[- ]?\d{3}")


@dataclass(frozen=True, slots=True)
class KeyValue:
    key: str
    value_start: int
    value_end: int


def key_values(text: str, _depth: int = 0) -> list[KeyValue]:
    out: list[KeyValue] = []
    if ":" not in text and "=" not in text and "：" not in text and "#" not in text and " - " not in text:
        return out
    for m in _KEY_VALUE.finditer(text, timeout=1.0):
        key = m.group("key").strip()
        if not key or _NOT_KEY.match(key) or len(key) > 60:
            continue
        value = m.group("value")
        if _EMPTY_VALUE.match(value):
            continue
        s, e = m.span("value")
        while e > s and text[e - 1] in " \t,.":
            e -= 1
        if m.group("sep") == "#":
            # USCIS# 098-765-432, A# 204-113-998: the word before #; and the whole key when it is a
            # label of several words ("Alien Reg No # 098-765-432")
            words = key.split()
            if len(words) > 1:
                out.append(KeyValue(key + " number", s, e))
            key = words[-1] + " number"
        out.append(KeyValue(key, s, e))
        if _depth < 2:
            # a value may itself be a field ("Intake: Alien Reg No: 098-765-432"): read it too
            out.extend(KeyValue(kv.key, s + kv.value_start, s + kv.value_end)
                       for kv in key_values(text[s:e], _depth + 1))
    return out


def classify_key_values(text: str, classify: Callable[[str], Iterable[str]]) -> list[tuple[str, int, int]]:
    """(category, start, end) for each value whose key the field classifier recognises."""
    found: list[tuple[str, int, int]] = []
    for kv in key_values(text):
        for cat in sorted(classify(kv.key)):
            found.append((cat, kv.value_start, kv.value_end))
    numbers = _LABEL_NUMBER.finditer(text, timeout=1.0, overlapped=False) if _VALUE_CORE.search(text) else ()
    for m in numbers:
        words = m.group("label").split()
        # the label is the last 1-5 words before the number; the longest one the classifier reads wins
        for n in range(len(words), 0, -1):
            cats = set(classify(" ".join(words[-n:]))) & LABEL_NUMBER_CATEGORIES
            if cats:
                for cat in sorted(cats):
                    found.append((cat, *m.span("value")))
                break
    return found
