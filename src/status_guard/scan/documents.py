"""Choice sets that ask which immigration document a person holds (2.129.040(b)).

The classifier reads one value at a time, and ``passport`` or ``visa`` alone is not an immigration
question (citizens hold passports; "Visa" is a card). A *set* of choices is: an enum, a select or a
``choices=`` list offering an immigration document (I-94, I-551, I-766/EAD, green card, I-20,
DS-2019, border crossing card, re-entry permit, refugee travel document, certificate of
naturalization or citizenship), or passport and visa together, asks which document the person has.
Values are compared after lower-casing and dropping everything but letters and digits, so
``I-94``, ``i94``, ``I_94 record`` and ``Form I-94`` all match.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

CATEGORY = "immigration_status"
_IMMIGRATION_DOCUMENTS = (
    "i94", "i551", "i766", "i20", "ds2019", "ead", "employmentauthorization", "greencard", "permanentresidentcard",
    "permanentresident", "bordercrossingcard", "reentrypermit", "refugeetraveldocument", "naturalizationcertificate",
    "certificateofnaturalization", "certificateofcitizenship", "arrivaldeparturerecord", "alienregistration",
    "tps", "daca", "asylum",
)
_NORM = re.compile(r"[^a-z0-9]+")
_FORM_PREFIX = re.compile(r"^(?:form|uscis|dhs)")
_RECORD_SUFFIX = re.compile(r"(?:record|card|number|no|form|document|doc)$")


def _norm(v: str) -> set[str]:
    s = _FORM_PREFIX.sub("", _NORM.sub("", v.lower()))
    return {s, _RECORD_SUFFIX.sub("", s) or s}


def document_choice(values: Iterable[str]) -> str | None:
    """The reason a set of choices asks for an immigration document, else None."""
    norm = {n for v in values if isinstance(v, str) for n in _norm(v)}
    for v in sorted(norm):
        for doc in _IMMIGRATION_DOCUMENTS:
            if v == doc or (len(doc) >= 6 and doc in v):
                return f"{CATEGORY}: choice offers an immigration document ({doc})"
    if {"passport", "visa"} <= norm:
        return f"{CATEGORY}: choices offer passport and visa together (which immigration document)"
    return None
