"""Pass 2 — expand abbreviations (pack data: ``lexicon/abbreviations.yaml``).

``NEXT_CRT_DT`` -> ``next court date``, ``ALIEN_REG_NBR`` -> ``alien registration number``,
``cit_stat`` -> ``citizenship status``. An entry may hold only next to certain words (``rel`` is
``release`` before ``date``, ``relationship`` otherwise; ``cit`` is ``citizenship`` before
``stat``, never before ``no`` — a citation number). Entries apply to names; ``in_labels`` ones
also to labels. The first entry whose conditions hold wins; multi-word abbreviations are tried
longest first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from ..normalize import tokens
from ..policy.lexicon import AbbreviationsFile


@dataclass(frozen=True, slots=True)
class _Entry:
    src: tuple[str, ...]
    expand: tuple[str, ...]
    when_next: frozenset[str]
    when_prev: frozenset[str]
    unless_next: frozenset[str]
    unless_prev: frozenset[str]
    unless_with: frozenset[str]
    in_labels: bool
    text: str

    def holds(self, prev: str | None, nxt: str | None) -> bool:
        if self.when_next and nxt not in self.when_next:
            return False
        if self.when_prev and prev not in self.when_prev:
            return False
        if nxt is not None and nxt in self.unless_next:
            return False
        if prev is not None and prev in self.unless_prev:
            return False
        return True


def _words(values: Iterable[str]) -> frozenset[str]:
    out: set[str] = set()
    for v in values:
        out.update(tokens(v))
    return frozenset(out)


class Abbreviations:
    """Compiled abbreviation table."""

    def __init__(self, files: Iterable[AbbreviationsFile]):
        index: dict[str, list[_Entry]] = {}
        for f in files:
            for e in f.entries:
                src, exp = tokens(e.abbr), tokens(e.expand)
                if not src or not exp:
                    continue
                index.setdefault(src[0], []).append(_Entry(
                    src, exp, _words(e.when_next), _words(e.when_prev), _words(e.unless_next),
                    _words(e.unless_prev), _words(e.unless_with), e.in_labels, e.abbr))
        for entries in index.values():
            # longest source first; among equal lengths the order of the file (conditional first)
            entries.sort(key=lambda x: -len(x.src))
        self._index = index
        self.words: frozenset[str] = frozenset(w for es in index.values() for e in es for w in e.src + e.expand)
        #: the abbreviations themselves (one-word sources: ``citz``, ``lpr``, ``dt``)
        self.sources: frozenset[str] = frozenset(e.src[0] for es in index.values() for e in es if len(e.src) == 1)

    def __bool__(self) -> bool:
        return bool(self._index)

    def expand(self, words: tuple[str, ...], labels: bool = False) -> tuple[
            tuple[str, ...], tuple[int, ...], tuple[str, ...], tuple[tuple[int, int, frozenset[str]], ...]]:
        """(expanded words, index of the original word each came from, notes on what was read,
        the expanded spans that a word of the field (``unless_with``) turns back into something
        harmless: (start, end, words) in the expanded words)."""
        if not self._index or not any(w in self._index for w in words):
            return words, tuple(range(len(words))), (), ()
        own = frozenset(words)
        guarded: list[tuple[int, int, frozenset[str]]] = []
        out: list[str] = []
        origin: list[int] = []
        notes: list[str] = []
        i, n = 0, len(words)
        while i < n:
            hit = None
            for e in self._index.get(words[i], ()):
                m = len(e.src)
                if words[i:i + m] != e.src or (labels and not e.in_labels):
                    continue
                prev = words[i - 1] if i > 0 else None
                nxt = words[i + m] if i + m < n else None
                if e.holds(prev, nxt) and not (e.unless_with & own):
                    hit = e
                    break
            if hit is None:
                out.append(words[i])
                origin.append(i)
                i += 1
                continue
            if hit.unless_with:
                guarded.append((len(out), len(out) + len(hit.expand), hit.unless_with))
            out.extend(hit.expand)
            origin.extend([i] * len(hit.expand))
            if hit.expand != hit.src:
                notes.append(f"'{' '.join(hit.src)}' read as '{' '.join(hit.expand)}'")
            i += len(hit.src)
        return tuple(out), tuple(origin), tuple(notes), tuple(guarded)
