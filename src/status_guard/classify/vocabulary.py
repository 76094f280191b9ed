"""Pass 3 — standards vocabularies: Ed-Fi, CEDS and NIEM element names, exactly, with their
source and version (pack data: ``vocabularies/*.yaml``).

A segment is looked up by its local name with separators and case folded
(``birthCountryDescriptor``, ``birth_country_descriptor`` and ``Country of Birth Code`` each
meet their element), by its namespace prefix when it has one (``nc:PersonBirthDate``), and an
element written as a path (``PersonBirthplace/RefCountryId``) must match the tail of the name's
segments. The element at the leaf gives the leaf's categories and is authoritative for the leaf;
a *container* above it (``nc:PersonBirthLocation``, ``nc:EmploymentLocation``) gives its
categories to everything below it, replacing the location categories found there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from ..policy.lexicon import VocabularyFile
from .segments import Segment

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_PREFIXED = re.compile(r"^([A-Za-z][\w\-]{0,15}):(.+)$")


def local_key(text: str) -> str:
    return _NON_ALNUM.sub("", text.casefold())


@dataclass(frozen=True, slots=True)
class _Element:
    path: tuple[tuple[str | None, str], ...]  # (prefix, local key) per segment, outermost first
    categories: frozenset[str]
    container: bool
    reason: str
    replaces: frozenset[str]
    local_ok: bool
    vocab_prefixes: frozenset[str]
    reference: bool


@dataclass(frozen=True, slots=True)
class VocabularyHit:
    segment: int  # index of the segment the element ends at
    categories: frozenset[str]
    container: bool
    reason: str
    replaces: frozenset[str]
    reference: bool = False


class Vocabularies:
    """All vocabularies of a pack, indexed by the local key of each element's last segment."""

    def __init__(self, files: Iterable[VocabularyFile]):
        index: dict[str, list[_Element]] = {}
        prefixes: set[str] = set()
        for v in files:
            prefixes.update(p.lower() for p in v.prefixes)
            vp = frozenset(p.lower() for p in v.prefixes)
            replaces = frozenset(v.location_categories)
            for e in v.elements:
                path = []
                for part in e.element.split("/"):
                    m = _PREFIXED.match(part)
                    prefix, local = (m.group(1).lower(), m.group(2)) if m else (None, part)
                    path.append((prefix, local_key(local)))
                where = f"{v.title} {v.version} element '{e.element}'" + (f" ({e.id})" if e.id else "")
                el = _Element(tuple(path), frozenset(e.categories), e.container or e.reference, where, replaces,
                              v.match_local_names, vp, e.reference)
                index.setdefault(path[-1][1], []).append(el)
        self._index = index
        self.prefixes: frozenset[str] = frozenset(prefixes)

    def __bool__(self) -> bool:
        return bool(self._index)

    def lookup(self, segments: tuple[Segment, ...]) -> list[VocabularyHit]:
        """Every element that ends at some segment, innermost (leaf) first."""
        if not self._index:
            return []
        out: list[VocabularyHit] = []
        keys = [local_key(s.text) for s in segments]
        present = frozenset(s.prefix for s in segments if s.prefix)
        for i in range(len(segments) - 1, -1, -1):
            for el in self._index.get(keys[i], ()):
                n = len(el.path)
                if n > i + 1:
                    continue
                # a prefixed element meets an unprefixed segment only inside a path of its own
                # standard (NIEM's j:Booking is not any JSON "booking")
                local_ok = el.local_ok and bool(present & el.vocab_prefixes)
                if all(self._same(local_ok, el.path[j], segments[i - n + 1 + j], keys[i - n + 1 + j])
                       for j in range(n)):
                    out.append(VocabularyHit(i, el.categories, el.container, el.reason, el.replaces, el.reference))
                    break
        return out

    @staticmethod
    def _same(local_ok: bool, want: tuple[str | None, str], seg: Segment, key: str) -> bool:
        prefix, local = want
        if local != key:
            return False
        if prefix is None or seg.prefix == prefix:
            return True
        return seg.prefix is None and local_ok
