"""Look-alike owners in notes: a release that belongs to a thing is not a person's release.

The field classifier drops ``release_date`` when its owner is a thing, a patient or hospital, a
stay or a software product (pack data: ``lexicon/context.yaml``, owners whose ``drop`` lists the
category). This pass applies *the same owners* to free text: a ``release_date`` finding whose
release word has such an owner word right next to it — at most two words before it in the same
phrase ("Property release", "vehicle was released", "Patient released"), or right after it joined
only by linkers ("release of the vehicle", "liberación del vehículo", "liberação do carro") — is
dropped. A person word in between keeps the finding (the person is released). Key–value findings
are left to the field classifier, which already weighed the key's owner.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

import regex

#: the owners whose look-alike rule the notes share (an aggregate or a reference owner is a
#: count or a code, words too common in narratives to drop a finding on)
OWNER_KINDS = ("thing", "medical", "stay", "software")
CATEGORY = "release_date"
BEFORE = 2
AFTER = 3
_WORD = regex.compile(r"[\p{L}\p{M}\p{N}'’-]+|[^\s\p{L}\p{M}\p{N}]")


def _fold(s: str) -> str:
    s = unicodedata.normalize("NFKD", s.casefold())
    return "".join(c for c in s if not unicodedata.combining(c))


class OwnerLookalikes:
    def __init__(self, owners: Iterable[object], release_words: Iterable[str], linkers: Iterable[str]):
        things: set[str] = set()
        persons: set[str] = set()
        for o in owners:
            words = {_fold(w) for ws in getattr(o, "words", {}).values() for w in ws if " " not in w}
            if getattr(o, "person", False):
                persons |= words
            elif getattr(o, "id", None) in OWNER_KINDS and CATEGORY in getattr(o, "drop", ()):
                things |= words
        self.things = frozenset(things)
        # a word that names a person and a context whose rule drops a release ("patient"): the
        # context's rule holds for the release, as in the field classifier (owners.find)
        self.persons = frozenset(persons - things)
        self.release = frozenset(_fold(w) for w in release_words if " " not in w)
        self.linkers = frozenset(_fold(w) for w in linkers)

    def __bool__(self) -> bool:
        return bool(self.things and self.release)

    def owned_by_a_thing(self, text: str, start: int, end: int) -> bool:
        """Whether the release word of the sentence around [start, end) belongs to a thing."""
        lo = max(text.rfind(c, 0, start) for c in ".!?\n;") + 1
        hi_c = [i for i in (text.find(c, end) for c in "!?\n;") if i >= 0]
        hi = min(hi_c) if hi_c else len(text)
        toks = [_fold(m.group()) for m in _WORD.finditer(text[lo:hi])]
        for i, t in enumerate(toks):
            if t not in self.release:
                continue
            # before: up to BEFORE words in the same phrase ("vehicle was released")
            for j in range(i - 1, max(-1, i - 1 - BEFORE - 1), -1):
                w = toks[j]
                if not w[0].isalnum() or w in self.persons:
                    break
                if w in self.things:
                    return True
            # after: joined only by linkers ("release of the vehicle", "liberación del vehículo")
            for j in range(i + 1, min(len(toks), i + 1 + AFTER)):
                w = toks[j]
                if w in self.things:
                    return True
                if w not in self.linkers:
                    break
        return False
