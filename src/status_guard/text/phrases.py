"""Fast phrase lookup for term lists, context words and exclusions.

A text is tokenised once per ``detect()`` call into *keys* — lower-cased, accents removed, CJK
characters one token each, symbols like ``#`` their own token — and every phrase list is matched
against the token sequence with a dict keyed by first token.  That is linear in the text and
independent of the number of terms (a 200-term regex alternation with accent classes cost ~2 ms
per 200 characters; this costs a few microseconds).

Semantics: a phrase matches whole tokens only (``deport`` does not match ``deportation``); the
tokens of a phrase may be separated in the text by whitespace, hyphens, periods or apostrophes
only (``A-number`` = ``A number``, ``U.S. citizen`` needs its own ``US citizen`` entry).
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_left
from dataclasses import dataclass

import regex

# scripts matched character by character (no spaces between words, or affixes attached to the
# noun): Chinese, Japanese kana, Korean, Ethiopic (Amharic)
_CJK = r"\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}\p{Ethiopic}"
_TOKEN = regex.compile(rf"[{_CJK}]|[^\W_{_CJK}]+|[^\w\s.'’\-‐–]")
_SEPARATOR = regex.compile(r"[\s.'’\-‐–]*")
_MARKS = regex.compile(r"\p{M}")


class _KeyMap(dict[int, str]):
    """ord(char) -> its key character (lower-case base letter), same length, cached."""

    def __missing__(self, o: int) -> str:
        c = chr(o)
        decomposed = unicodedata.normalize("NFD", c)
        base = decomposed[0] if decomposed else c
        if len(decomposed) > 1 and not all(unicodedata.combining(x) for x in decomposed[1:]):
            base = c  # a Hangul syllable decomposes into jamo, not into a letter and its accents
        if unicodedata.combining(base) and len(decomposed) == 1:
            base = c  # a lone combining mark stays (stripped from tokens below)
        low = base.lower()
        key = low if len(low) == 1 else base
        self[o] = key
        return key


_KEYS = _KeyMap()


def key_text(text: str) -> str:
    """Same length as ``text``: lower-case, accents removed from precomposed letters."""
    return text.lower() if text.isascii() else text.translate(_KEYS)


@dataclass(frozen=True, slots=True)
class Tokens:
    text: str  # key text
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    keys: tuple[str, ...]
    positions: dict[str, list[int]]  # token key -> indexes where it occurs


_AR_ARTICLES = ("\u0648\u0627\u0644", "\u0628\u0627\u0644", "\u0643\u0627\u0644", "\u0641\u0627\u0644", "\u0644\u0644", "\u0627\u0644")


def _strip_arabic_article(tok: str) -> str:
    """ال، وال، بال، كال، فال، لل: "الجلسة" and "جلسة" are one word (the field classifier's stem())."""
    for art in _AR_ARTICLES:
        if tok.startswith(art) and len(tok) - len(art) >= 3:
            return tok[len(art):]
    return tok


def tokenize(text: str) -> Tokens:
    key = key_text(text)
    starts: list[int] = []
    ends: list[int] = []
    keys: list[str] = []
    positions: dict[str, list[int]] = {}
    strip = not text.isascii() and _MARKS.search(key) is not None
    for m in _TOKEN.finditer(key):
        s, e = m.span()
        tok = key[s:e]
        if strip:
            tok = _MARKS.sub("", tok)
            if not tok:
                continue  # a lone mark (Bengali vowel sign, nukta): no token of its own
        if len(tok) > 4 and "\u0621" <= tok[0] <= "\u064a":
            tok = _strip_arabic_article(tok)
        positions.setdefault(tok, []).append(len(keys))
        starts.append(s)
        ends.append(e)
        keys.append(tok)
    return Tokens(key, tuple(starts), tuple(ends), tuple(keys), positions)


def phrase_key(phrase: str) -> tuple[str, ...]:
    from .fold import fold  # the text is folded before matching: fold the phrase the same way

    return tokenize(fold(phrase).text).keys


def phrase_keys(phrase: str) -> set[tuple[str, ...]]:
    """The phrase folded as the text will be: alone (``раса`` reads as Latin ``paca``) and, for a
    Cyrillic phrase, as inside real Russian text (``раса`` stays)."""
    keys = {phrase_key(phrase)}
    if not phrase.isascii():
        keys.add(tokenize(phrase).keys)
    return {k for k in keys if k}


class PhraseSet:
    """A set of phrases, matched against a token sequence."""

    def __init__(self, phrases: list[str] | tuple[str, ...]):
        index: dict[str, list[tuple[str, ...]]] = {}
        for p in phrases:
            for k in phrase_keys(p):
                if k not in index.get(k[0], []):
                    index.setdefault(k[0], []).append(k)
        for cands in index.values():
            cands.sort(key=len, reverse=True)  # longest phrase first at each position
        self._index = index

    def __bool__(self) -> bool:
        return bool(self._index)

    def find(self, toks: Tokens) -> list[tuple[int, int]]:
        """Non-overlapping (start, end) character spans, left to right, longest first."""
        keys, starts, ends, text = toks.keys, toks.starts, toks.ends, toks.text
        n = len(keys)
        hits: list[tuple[int, int]] = []
        # only first tokens that occur in the text at all (a C-level set intersection)
        for first in self._index.keys() & toks.positions.keys():
            cands = self._index[first]
            for i in toks.positions[first]:
                for cand in cands:
                    m = len(cand)
                    if i + m <= n and (m == 1 or keys[i:i + m] == cand) and all(
                        _SEPARATOR.fullmatch(text, ends[j], starts[j + 1]) for j in range(i, i + m - 1)
                    ):
                        hits.append((starts[i], -ends[i + m - 1]))
                        break
        hits.sort()
        out: list[tuple[int, int]] = []
        last = -1
        for s, neg_e in hits:
            if s >= last:
                out.append((s, -neg_e))
                last = -neg_e
        return out


def spans_in(spans: list[tuple[int, int]], lo: int, hi: int) -> list[tuple[int, int]]:
    """The spans (sorted, non-overlapping) that overlap [lo, hi)."""
    out = []
    i = bisect_left(spans, (lo, -1))
    if i > 0 and spans[i - 1][1] > lo:  # the one span that starts before lo may reach into it
        i -= 1
    while i < len(spans) and spans[i][0] < hi:
        out.append(spans[i])
        i += 1
    return out
