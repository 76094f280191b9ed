"""Pass 2c — run-together words: ``bookingdate``, ``legalstatus``, ``estatusmigratorio``,
``statutimmigration``, ``citzstatus``, ``lprstatus`` (a name written with no separator and no
case change, so ``tokens`` leaves one word).

A token that no lexicon holds is broken into words of the lexicon of every language (terms,
exclusions, look-alikes, owner words, abbreviations), with one Aho-Corasick scan of the token
for every dictionary word inside it and a shortest-path over those words: the break with the
fewest pieces, each piece three letters or more (two-letter pieces only when they are an
abbreviation or a linker: ``dt``, ``nm``, ``de``; one-letter linkers only between two words:
``statutdimmigration``). Nothing is left over: a token that does not
break entirely into lexicon words stays as it is (``racetrackz``, ``visitation``).

The classifier keeps a break only when it reveals a term that runs across the pieces
(``booking date``) or lies on an abbreviation the break set free (``citz`` -> citizenship): a
single word inside a compound (``race`` in ``racetrack``, ``passport`` in ``passportphoto``) names
what the compound is made of, not what it is.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Iterable

import ahocorasick

MIN_TOKEN = 6  # shorter tokens are words or abbreviations in their own right
MAX_TOKEN = 48
MIN_PIECE = 3


class WordBreak:
    def __init__(self, words: Iterable[str], short_words: Iterable[str], prefer: Iterable[str] = ()):
        #: words of protected terms: between two breaks of the same length and evenness, the one
        #: with more of them wins (``refugee status``, not ``refuge estatus``)
        self.prefer = frozenset(prefer)
        self.words = frozenset(w for w in words if w.isascii() and w.isalpha() and len(w) >= MIN_PIECE)
        short = frozenset(w for w in short_words if w.isascii() and w.isalpha() and len(w) <= 2)
        self._auto = None
        keys = self.words | short
        if keys:
            a = ahocorasick.Automaton()
            for w in keys:
                a.add_word(w, len(w))
            a.make_automaton()
            self._auto = a
        self.split = lru_cache(maxsize=32768)(self._split)  # type: ignore[method-assign]

    def __bool__(self) -> bool:
        return self._auto is not None

    def _split(self, token: str) -> tuple[str, ...] | None:
        """The fewest lexicon words that make up ``token`` exactly (at least two), or None."""
        n = len(token)
        if self._auto is None or n < MIN_TOKEN or n > MAX_TOKEN or not token.isascii() or not token.isalpha():
            return None
        ends: dict[int, list[int]] = {}  # end -> starts of dictionary words ending there
        for end, k in self._auto.iter(token):
            ends.setdefault(end + 1, []).append(end + 1 - k)
        # best[i]: (pieces, -sum of squared lengths, -term words) for token[:i]
        best: list[tuple[int, int, int] | None] = [None] * (n + 1)
        back: list[int] = [0] * (n + 1)
        best[0] = (0, 0, 0)
        for i in range(1, n + 1):
            for s in ends.get(i, ()):
                b = best[s]
                if b is None or i - s == n or (i - s == 1 and (s == 0 or i == n)):
                    continue
                # fewest pieces, then the longest words, then the most words of protected terms
                cand = (b[0] + 1, b[1] - (i - s) * (i - s), b[2] - (token[s:i] in self.prefer))
                if best[i] is None or cand < best[i]:
                    best[i], back[i] = cand, s
        if best[n] is None or best[n][0] < 2:
            return None
        out: list[str] = []
        i = n
        while i > 0:
            s = back[i]
            out.append(token[s:i])
            i = s
        return tuple(reversed(out))
