"""Span-preserving folding of free text before detection.

Invisible characters (zero-width space, soft hyphen, bidi controls, BOM) are dropped, full-width
and compatibility characters are NFKC-folded per character, digits of other scripts (٩, ৯) are
read as ASCII digits, and Cyrillic/Greek look-alike letters next to Latin letters are folded to Latin — so ``undo\u200bcumented`` or ``Ａ１２３４５６７８９``
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
# Amharic homophone letter series (ሠ/ሰ, ሐ/ኀ/ሀ, ዐ/አ, ፀ/ጸ) read as one, like the field classifier
_ETHIOPIC_HOMOPHONES = {
    **{0x1210 + i: 0x1200 + i for i in range(8)}, **{0x1280 + i: 0x1200 + i for i in range(8)},
    **{0x1220 + i: 0x1230 + i for i in range(8)}, **{0x12D0 + i: 0x12A0 + i for i in range(8)},
    **{0x1340 + i: 0x1338 + i for i in range(8)},
}
_INVISIBLE_RE = regex.compile("[" + "".join(f"\\u{c:04x}" for c in sorted(_INVISIBLE)) + "]")
# decimal digits of other scripts (Arabic-Indic, Persian, Devanagari, Bengali, ...): read as 0-9
_SUSPECT = regex.compile("[" + "".join(f"\\u{c:04x}" for c in sorted(_INVISIBLE)) + "".join(sorted(_HOMOGLYPHS))
                         + "\u1210-\u1217\u1220-\u1227\u1280-\u1287\u12d0-\u12d7\u1340-\u1347]|(?![0-9])\\d")


class _FoldMap(dict[int, "str | None"]):
    """ord(char) -> folded replacement (None: drop), computed once per character."""

    def __missing__(self, o: int) -> str | None:
        c = chr(o)
        rep: str | None
        if o in _INVISIBLE:
            rep = None
        elif o in _ETHIOPIC_HOMOPHONES:
            rep = chr(_ETHIOPIC_HOMOPHONES[o])
        elif c.isdecimal() and not c.isascii():
            rep = str(unicodedata.decimal(c))
        else:
            rep = unicodedata.normalize("NFKC", c) or c
        self[o] = rep
        return rep


_FOLD = _FoldMap()


@dataclass(frozen=True, slots=True)
class Folded:
    text: str
    #: offsets[i] = index in the original text of folded character i (None: identity)
    offsets: tuple[int, ...] | None
    #: ends[i] = index in the original text just past what folded character i came from (None:
    #: offsets[i] + 1); a character composed from a base and its combining marks ends after them
    ends: tuple[int, ...] | None = None

    def span(self, start: int, end: int) -> tuple[int, int]:
        if self.offsets is None:
            return start, end
        if self.ends is not None:
            return self.offsets[start], self.ends[end - 1]
        return self.offsets[start], self.offsets[end - 1] + 1


_WORD = regex.compile(r"\w+")
_HOMOGLYPH_TABLE = str.maketrans(_HOMOGLYPHS)


def _is_latin(ch: str) -> bool:
    return ch.isascii() and ch.isalpha() or "\u00c0" <= ch <= "\u024f"


def _fold_homoglyph_words(text: str) -> str:
    """Cyrillic/Greek look-alike letters are read as Latin inside words that also hold Latin
    letters (``undоcumented``), and in words made only of look-alikes unless the text is real
    Russian/Greek (a word with a letter no Latin one looks like): then ``марта`` stays Russian.
    One character for one: offsets do not move."""
    real = any(any(c.isalpha() and not _is_latin(c) and c not in _HOMOGLYPHS and ("\u0370" <= c <= "\u04ff")
                   for c in w) for w in _WORD.findall(text))

    def fold_word(m: regex.Match[str]) -> str:
        word = m.group(0)
        if not any(c in _HOMOGLYPHS for c in word):
            return word
        letters = [c for c in word if c.isalpha()]
        if any(_is_latin(c) for c in letters) or (not real and all(c in _HOMOGLYPHS for c in letters)):
            return word.translate(_HOMOGLYPH_TABLE)
        return word
    return _WORD.sub(fold_word, text)


#: a typographic dash or separator between digits (or after an A-number's "A"): word processors
#: write ``01–14–2027`` (en dash), phones ``A‑204‑113‑998`` (non-breaking hyphen), some exports a
#: minus sign or a middle dot; read as "-" (review r13f F12).  Only between digits, so a dash in
#: prose ("released — later") is not turned into a field separator.
_DIGIT_SEP = regex.compile(
    "(?<=[0-9]|(?<![\\w.])A)[\u2010-\u2015\u2212\ufe58\ufe63\uff0d\u00b7\u2027\u30fb\u2219\u22c5](?=[0-9])")
#: a date written with spaces between its parts ("01 14 2027", also with no-break or thin spaces)
_SPACED_DATE = regex.compile(
    r"(?<![\w.,:/-])(?:0?[1-9]|[12][0-9]|3[01])[ \u00a0\u2009\u202f](?:0?[1-9]|[12][0-9]|3[01])"
    r"[ \u00a0\u2009\u202f](?:19|20)[0-9]{2}(?![\w]|[.,][0-9])")
#: an A-number written with full stops between its groups ("A.204.113.998")
_DOTTED_A = regex.compile(r"(?<![\w.])A\.[0-9]{3}\.[0-9]{3}\.[0-9]{3}(?![\w]|\.[0-9])")
_SEP_TABLE = str.maketrans({" ": "-", "\u00a0": "-", "\u2009": "-", "\u202f": "-", ".": "-"})


def _fold_separators(text: str) -> str:
    """Digit-group separators read as "-"; one character for one (offsets do not move)."""
    if text.isascii() and " " not in text and "A." not in text:
        return text
    text = _DIGIT_SEP.sub("-", text)
    text = _SPACED_DATE.sub(lambda m: m.group(0).translate(_SEP_TABLE), text)
    return _DOTTED_A.sub(lambda m: m.group(0).translate(_SEP_TABLE), text)


def fold(text: str) -> Folded:
    """Fold ``text`` for detection; ``span()`` maps folded spans back to the original text.
    Digit-group separators are folded last, one character for one (``_fold_separators``)."""
    f = _fold(text)
    sep = _fold_separators(f.text)
    return f if sep is f.text or sep == f.text else Folded(sep, f.offsets, f.ends)


def _fold(text: str) -> Folded:
    """Fold ``text`` for detection; ``span()`` maps folded spans back to the original text.

    Term lists are folded the same way (``phrases.phrase_key``), so a Russian term made only of
    look-alike letters (``раса``) meets the text it was folded from."""
    if text.isascii() or (unicodedata.is_normalized("NFKC", text) and _SUSPECT.search(text) is None):
        return Folded(text, None)
    if not unicodedata.is_normalized("NFC", text):
        return _fold_composing(text)
    folded = _fold_homoglyph_words(text.translate(_FOLD))
    if len(folded) == len(text) and _INVISIBLE_RE.search(text) is None:
        return Folded(folded, None)  # nothing dropped and same length: every replacement was 1:1
    out: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(text):
        rep = _FOLD[ord(ch)]
        if not rep:
            continue
        out.append(rep)
        offsets.extend([i] * len(rep))
    return Folded(_fold_homoglyph_words("".join(out)), tuple(offsets))


#: a character with the combining marks after it (a lone mark at the start is its own cluster)
_CLUSTER = regex.compile(r"(?s).\p{M}+")


def _fold_composing(text: str) -> Folded:
    """``fold`` for text that is not in NFC (decomposed accents: ``man\u0303ana``, as macOS and some
    keyboards write it): each character with its combining marks is folded and then composed
    (NFKC), so ``mañana`` reads the same in NFC and NFD (docs/text.md: NFKC folding; review r15b
    F09).  Spans map back over the whole cluster."""
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    for m in _CLUSTER.finditer(text):
        s, e = m.span()
        for i in range(pos, s):  # characters without marks: as fold() reads them
            rep = _FOLD[ord(text[i])]
            if rep:
                out.append(rep)
                starts.extend([i] * len(rep))
                ends.extend([i + 1] * len(rep))
        rep = unicodedata.normalize("NFKC", "".join(_FOLD[ord(c)] or "" for c in m.group(0)))
        if rep:
            out.append(rep)
            starts.extend([s] * len(rep))
            ends.extend([e] * len(rep))
        pos = e
    for i in range(pos, len(text)):
        rep = _FOLD[ord(text[i])]
        if rep:
            out.append(rep)
            starts.extend([i] * len(rep))
            ends.extend([i + 1] * len(rep))
    return Folded(_fold_homoglyph_words("".join(out)), tuple(starts), tuple(ends))
