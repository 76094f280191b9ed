"""Span-preserving folding of free text before detection.

Invisible characters (zero-width space, soft hyphen, bidi controls, BOM) are dropped, full-width
and compatibility characters are NFKC-folded per character, and Cyrillic/Greek look-alike letters
next to Latin letters are folded to Latin — so ``undo\u200bcumented`` or ``Ａ１２３４５６７８９``
are still found.  :func:`fold` returns the folded text and an offset map so that findings are
reported in the coordinates of the *original* text.  Plain ASCII and already-clean text take a
fast path with no copy.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import regex

_INVISIBLE = frozenset(
    [0x00AD, 0x034F, 0x061C, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180E, 0x3164, 0xFEFF, 0xFFA0]
    + list(range(0x200B, 0x2010))
    + list(range(0x202A, 0x202F))
    + list(range(0x2060, 0x2070))
    + list(range(0xFE00, 0xFE10))
)
_HOMOGLYPHS = {
    "а": "a", "в": "b", "е": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c",
    "т": "t", "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s", "ԁ": "d", "һ": "h", "ԛ": "q",
    "ԝ": "w", "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
    "С": "C", "Т": "T", "У": "Y", "Х": "X", "І": "I", "Ј": "J", "Ѕ": "S",
    "α": "a", "ο": "o", "ρ": "p", "ι": "i", "κ": "k", "ν": "v", "τ": "t", "υ": "u", "χ": "x",
    "ε": "e", "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M",
    "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
}
_SUSPECT = regex.compile(
    "[" + "".join(f"\\u{c:04x}" for c in sorted(_INVISIBLE)) + "".join(sorted(_HOMOGLYPHS)) + "]"
)


@dataclass(frozen=True, slots=True)
class Folded:
    text: str
    #: offsets[i] = index in the original text of folded character i (None: identity)
    offsets: tuple[int, ...] | None

    def span(self, start: int, end: int) -> tuple[int, int]:
        if self.offsets is None:
            return start, end
        return self.offsets[start], self.offsets[end - 1] + 1


def fold(text: str) -> Folded:
    if text.isascii() or (unicodedata.is_normalized("NFKC", text) and _SUSPECT.search(text) is None):
        return Folded(text, None)
    out: list[str] = []
    offsets: list[int] = []
    n = len(text)
    for i, ch in enumerate(text):
        if ord(ch) in _INVISIBLE:
            continue
        if ch in _HOMOGLYPHS and _latin_neighbour(text, i, n):
            rep = _HOMOGLYPHS[ch]
        elif ch.isascii():
            rep = ch
        else:
            rep = unicodedata.normalize("NFKC", ch) or ch
        out.append(rep)
        offsets.extend([i] * len(rep))
    return Folded("".join(out), tuple(offsets))


def _latin_neighbour(text: str, i: int, n: int) -> bool:
    for j in (i - 1, i + 1):
        while 0 <= j < n and ord(text[j]) in _INVISIBLE:
            j += -1 if j < i else 1
        if 0 <= j < n and (("a" <= text[j] <= "z") or ("A" <= text[j] <= "Z") or text[j] in _HOMOGLYPHS):
            return True
    return False
