"""Custody places and detention in free text, for disclosure (r10b F07).

2.129.040(e) withholds incarceration status — whether a person is held, where, how long, why.
The shared free-text detector knows custody *phrases* ("in custody", "house of correction") but
not a named place ("Nashua Street Jail", "Plymouth County Correctional Facility", "ICE
Burlington") nor "held at <place>" / "detained pending …". This pass adds those spans for
disclosure only (it runs where the detector runs, inside :func:`free_text.redact_free_text`),
so the collection corpus and the detector's tuning are unchanged. Over-matching here redacts a
few more words of a public-record text; under-matching would send where a person is held.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CATEGORY = "incarceration_status"

_CAP = r"[A-Z][\w.'’-]*"
_FACILITY = (r"(?:House\s+of\s+Correction|HOC|Jail|Lock-?up|Prison|Penitentiary|Correctional\s+(?:Facility|Center|Centre|"
             r"Institution|Complex)|Detention\s+(?:Center|Centre|Facility)|Processing\s+(?:Center|Centre)|"
             r"Holding\s+(?:Facility|Center|Cell)|Reformatory|Stockade)")
_PATTERNS = [
    # a named facility: "Nashua Street Jail", "Plymouth County Correctional Facility", "Middlesex HOC"
    re.compile(rf"\b(?:{_CAP}\s+){{0,4}}{_FACILITY}\b"),
    # a custody verb and the place: "held at Middlesex", "transferred to ICE Burlington"
    re.compile(rf"\b(?:held|detained|housed|incarcerated|jailed|confined|lodged|transferred|transported|moved|"
               rf"remanded|committed|booked|released|taken)\s+(?:at|in|to|into|from|by)\s+(?:the\s+)?"
               rf"(?:{_CAP}|ICE|ERO|DHS|CBP)(?:\s+{_CAP}){{0,4}}", re.IGNORECASE),
    # ICE / ERO as where a person went or is: "to ICE Burlington", "in ICE custody"
    re.compile(rf"\b(?:to|by|with|at|in)\s+(?:ICE|ERO)\b(?:\s+{_CAP}){{0,3}}"),
    # detention itself: "detained pending hearing", "held pending", "detained", "in detention"
    re.compile(r"\b(?:detained|held|jailed|incarcerated|in\s+detention)(?:\s+(?:pending|until|awaiting|without)"
               r"(?:\s+[\w-]+){1,3})?", re.IGNORECASE),
]


@dataclass(frozen=True)
class CustodySpan:
    category: str
    start: int
    end: int
    score: float = 0.8


def custody_spans(text: str) -> list[CustodySpan]:
    """Spans of ``text`` that say where or whether a person is held."""
    out: list[CustodySpan] = []
    for rx in _PATTERNS:
        for m in rx.finditer(text):
            if m.end() > m.start():
                out.append(CustodySpan(CATEGORY, m.start(), m.end()))
    return out


def names_a_facility(text: str) -> bool:
    """Whether ``text`` names a custody facility ("Nashua Street Jail", "Middlesex HOC")."""
    return _PATTERNS[0].search(text) is not None


__all__ = ["CATEGORY", "custody_spans", "names_a_facility"]
