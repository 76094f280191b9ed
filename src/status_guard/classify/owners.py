"""Pass 5 — context decides the category: whose address, whose release, whose name.

The owner of a match is the nearest *owner word* (pack data: ``lexicon/context.yaml`` and the
``owners:`` of each language file) before it in the path or label — ``employer`` in
``employer.address.street``, ``nc:EmploymentLocation`` in a NIEM path — or right after it,
joined only by linkers (``address of employer``, ``dirección del trabajo``, ``adres travay``,
``địa chỉ nơi làm việc``). The owner's rule then rewrites the category (an employer's address is
a work address) or drops it (a school's address is nobody's home; a towed vehicle's release is not
a person's release; a hospital's length of stay is not detention). A *person* owner (student,
guardian, inmate, home) keeps the match as it is, and a match that contains a person word
(``home address``) is never rewritten.

A name with no owner of its own takes its label's owner, and a label its name's, when the other
text names one kind of owner and no person.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from ..policy.lexicon import ContextFile, Owner
from .lexicon import Hit, word_set

PERSON = "person"


@dataclass(frozen=True, slots=True)
class OwnerFound:
    owner: Owner
    word: str


class OwnerRules:
    def __init__(self, files: Iterable[ContextFile]):
        self.owners: dict[str, Owner] = {}
        linkers: list[str] = []
        window = 0
        for f in files:
            for o in f.owners:
                self.owners[o.id] = o
            linkers += f.linkers
            window = max(window, f.after_window)
        self.linkers = word_set(linkers)
        self.after_window = window

    def __bool__(self) -> bool:
        return bool(self.owners)

    def find(self, start: int, end: int, owner_hits: Sequence[Hit], words: Sequence[str] | None,
             before_limit: int | None = None, category: str | None = None) -> OwnerFound | None | str:
        """The owner of the match [start, end): an OwnerFound, ``PERSON`` (keep as is) or None.
        With ``category``, only owners whose rule concerns it (and persons) count: "street" in
        ``school_street_address`` names a place, the school still owns the address."""
        best: tuple[int, int, Hit] | None = None  # (distance, side, hit); side 0 = before/inside
        person_inside = False
        for h in owner_hits:
            o = self.owners.get(h.entry.category)
            if o is None:
                continue
            if category is not None and not o.person and category not in o.drop and category not in o.rewrite:
                continue
            if h.start < end and start < h.end:  # inside the match: a person keeps it as it is
                if o.person:
                    person_inside = True
                    continue
                if h.start <= start and end <= h.end and h.end - h.start > end - start:
                    # a longer owner phrase holds the match: "court list", "room booking" are a
                    # list and a room, not a court or a booking
                    cand = (0, 0, h)
                else:
                    continue
            elif h.end <= start:
                d = start - h.end
                if before_limit is not None and d > before_limit:
                    continue
                if o.max_distance is not None and d > o.max_distance:
                    continue
                cand = (d, 0, h)
            else:
                if h.start - end > self.after_window:
                    continue
                if words is not None and not o.after_words:
                    continue  # this owner comes first in word-matched languages
                between = words[end:h.start] if words is not None else ()
                if any(w not in self.linkers for w in between):
                    continue
                if not between and words is not None and h.entry.lang == "en" and not o.follows:
                    continue  # English puts the owner first: "incarceration record" is not a record's
                d = 0  # joined by linkers only ("nómi di rua", "address of the employer")
                cand = (d, 1, h)
            if best is None or cand[:2] < best[:2] or (
                    cand[:2] == best[:2] and cand[2].end - cand[2].start > best[2].end - best[2].start):
                best = cand
            elif (cand[:2] == best[:2] and (cand[2].start, cand[2].end) == (best[2].start, best[2].end)
                  and not o.person and self.owners[best[2].entry.category].person):
                # one word that names a person and a context ("patient"): the context's rule for the
                # categories it concerns (a patient's discharge), the person's for the rest (address)
                best = cand
        if person_inside and (best is None or best[0] > 0 or not self.owners[best[2].entry.category].follows):
            return PERSON  # "inmate address" is an inmate's; only a count right next to it ("inmate_count") is not
        if best is None:
            return None
        o = self.owners[best[2].entry.category]
        return PERSON if o.person else OwnerFound(o, best[2].entry.text)

    def summary(self, owner_hits: Sequence[Hit]) -> str | None:
        """What a whole text says about owners, for the other text of a field to fall back on:
        one non-person owner id, or None (no owner, a person, or several kinds)."""
        # an owner word inside a longer owner phrase ("court" in "court directory") is that phrase's
        hits = [h for h in owner_hits if not any(
            o is not h and o.start <= h.start and h.end <= o.end and o.end - o.start > h.end - h.start
            for o in owner_hits)]
        ids = {h.entry.category for h in hits
               if h.entry.category in self.owners and self.owners[h.entry.category].summary}
        if not ids or any(self.owners[i].person for i in ids) or len(ids) > 1:
            return None
        return next(iter(ids))

    def apply(self, category: str, found: OwnerFound) -> str | None:
        """The category after the owner's rule: rewritten, unchanged, or None (dropped)."""
        o = found.owner
        if category in o.drop:
            return None
        return o.rewrite.get(category, category)
