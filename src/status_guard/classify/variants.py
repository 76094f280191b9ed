"""Pass 2b — names that hide the word: one-letter typos (``citizenhip``, ``immigraton``) and
digits or symbols standing for letters (``c1t1zensh1p``, ``1mmigration``, ``n@tionality``).

Only the pack's ``fuzzy_words`` (long, distinctive protected words) are reached this way, and
only from a token that is not a word of any lexicon (terms, look-alikes, owners, abbreviations)
nor a listed ``not_typos`` word: ``residency`` stays residency, ``citizens`` is a plural, not a
typo. Typos are one edit (insertion, deletion, substitution or adjacent transposition) on tokens
of 7 letters or more; a token one edit from two fuzzy words is left alone.
"""

from __future__ import annotations

import re
from typing import Iterable

from ..normalize import tokens

MIN_TYPO_LENGTH = 7
#: shorter tokens (5-6 letters: ``grean``, ``citizn``) reach the words of the protected terms by
#: one edit too, but the classifier keeps such a reading only when it makes a term of several
#: words (``green card``) or sits next to a field's head word (``citizn_status``)
MIN_SHORT_TYPO = 5
SHORT_TYPO_HEADS = frozenset({"status", "stat", "st", "sts", "code", "cd", "flag", "flg", "indicator", "ind", "type",
                              "typ", "number", "no", "nbr", "num", "date", "dt", "card", "country", "ctry", "id"})
#: digits inside a word (``b00king``, ``vi5a``, ``gr33n``): letters on both sides of the digits
_INNER_DIGITS = re.compile(r"[A-Za-z]+(?:[0-9@$]+[A-Za-z]+)+")
_LEET = str.maketrans({"0": "o", "1": "i", "2": "z", "3": "e", "4": "a", "5": "s", "6": "g", "7": "t", "8": "b",
                       "9": "g", "@": "a", "$": "s", "!": "i", "|": "l"})
_LEET_L = str.maketrans({"1": "l", "|": "l", "!": "i", "0": "o", "2": "z", "3": "e", "4": "a", "5": "s", "6": "g",
                         "7": "t", "8": "b", "9": "g", "@": "a", "$": "s"})
_RUN = re.compile(r"[A-Za-z0-9@$!|]+(?:[_-][A-Za-z0-9@$!|]+)*")  # a run may hold `_`/`-` (``c1t_stat``)
_JOIN = re.compile(r"[_-]")
_HAS_SUBST = re.compile(r"[A-Za-z][0-9@$!|]|[0-9@$!|][A-Za-z]")


def _one_edit(a: str, b: str) -> bool:
    """Damerau distance exactly 1 (a != b)."""
    la, lb = len(a), len(b)
    if abs(la - lb) > 1 or a == b:
        return False
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
    if la > lb:
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1:]


class Variants:
    def __init__(self, fuzzy_words: Iterable[str], not_typos: Iterable[str], known_words: Iterable[str],
                 term_words: Iterable[str] = ()):
        self.fuzzy: frozenset[str] = frozenset(w for x in fuzzy_words for w in tokens(x) if len(w) >= 5)
        self.known: frozenset[str] = frozenset(known_words) | frozenset(w for x in not_typos for w in tokens(x))
        self.words: frozenset[str] = frozenset(w for w in known_words if len(w) >= 4 and w.isascii() and w.isalpha())
        short: dict[str, set[str]] = {}
        for w in term_words:
            if not (w.isascii() and w.isalpha() and MIN_SHORT_TYPO <= len(w) <= MIN_TYPO_LENGTH):
                continue
            short.setdefault(w, set()).add(w)
            for i in range(len(w)):
                short.setdefault(w[:i] + w[i + 1:], set()).add(w)
        self._short = short
        index: dict[str, set[str]] = {}
        for w in self.fuzzy:
            if len(w) < MIN_TYPO_LENGTH - 1:
                continue
            index.setdefault(w, set()).add(w)
            for i in range(len(w)):
                index.setdefault(w[:i] + w[i + 1:], set()).add(w)
        self._index = index

    def __bool__(self) -> bool:
        return bool(self.fuzzy)

    def typo(self, token: str) -> str | None:
        """The fuzzy word this token is a one-letter typo of, or None."""
        if len(token) < MIN_TYPO_LENGTH or token in self.known or not token.isascii() or not token.isalpha():
            return None
        cands: set[str] = set(self._index.get(token, ()))
        for i in range(len(token)):
            cands |= self._index.get(token[:i] + token[i + 1:], set())
        hits = {w for w in cands if _one_edit(token, w)}
        if len(hits) == 1:
            return next(iter(hits))
        # two spellings of one word in the lexicon ("naturaliation": naturalization / naturalisation)
        if hits and all(a == b or _one_edit(a, b) for a in hits for b in hits):
            return min(hits)
        # one edit from protected words of two languages ("inmigration": immigration / inmigracion): every
        # reading is protected, so the token is read as one of them (fail closed), the longest shared first
        return min(hits, key=lambda w: (-len(w), w)) if hits else None

    def short_typos(self, token: str) -> tuple[str, ...]:
        """The term words (5-7 letters) a 5-6 letter token is one edit from, longest first; the
        caller confirms one in context."""
        if not (MIN_SHORT_TYPO <= len(token) < MIN_TYPO_LENGTH) or token in self.known or not token.isascii() \
                or not token.isalpha():
            return ()
        cands: set[str] = set(self._short.get(token, ()))
        for i in range(len(token)):
            cands |= self._short.get(token[:i] + token[i + 1:], set())
        return tuple(sorted((w for w in cands if _one_edit(token, w)), key=lambda w: (-len(w), w)))

    def _fold_inner(self, run: str, notes: list[str]) -> str:
        """Digits inside a word that, read as letters, make a word of the lexicon (``b00king``,
        ``c0urt``, ``gr33n``, ``vi5a``); digits at a word's end are an index (``line1``)."""
        def part(m: re.Match[str]) -> str:
            w = m.group(0)
            for table in (_LEET, _LEET_L):
                folded = w.translate(table)
                if folded.lower() in self.words:
                    notes.append(f"'{w}' read as '{folded}'")
                    return folded
            return w

        return _INNER_DIGITS.sub(part, run)

    def unleet(self, text: str) -> tuple[str, tuple[str, ...]]:
        """The text with digit-for-letter runs read as letters where that reveals a fuzzy word the
        run does not already contain (``c1t1zensh1p``; not ``parent1citizenship1`` or ``i94``)."""
        if not (self.fuzzy or self.words) or not _HAS_SUBST.search(text):
            return text, ()
        notes: list[str] = []

        def repl(m: re.Match[str]) -> str:
            run = m.group(0)
            if not _HAS_SUBST.search(run):
                return run
            plain = set(tokens(run))
            seen = run.lower()  # a word the run already shows is not revealed by reading digits
            seen_joined = _JOIN.sub("", seen)
            for table in (_LEET, _LEET_L):
                folded = run.translate(table)
                low = folded.lower()
                joined = _JOIN.sub("", low)
                for w in self.fuzzy:
                    if w in low and w not in plain and w not in seen:
                        notes.append(f"'{run}' read as '{folded}'")
                        return folded
                    if w in joined and w not in plain and w not in seen_joined:
                        # a glued abbreviation written with a separator (``c1t_stat``, ``1mm-stat``)
                        notes.append(f"'{run}' read as '{folded}'")
                        return folded
            return self._fold_inner(run, notes) if self.words else run

        out = _RUN.sub(repl, text)
        return out, tuple(notes)
