"""The City's own services asked about in a question (issue 12 item 8; 2.129.040(b) forbids asking
a status, not running the services named after one).

"How many passports are you applying for?" is the passport acceptance desk counting what it will
take; "Are you applying for a child's passport?" asks which of its services; "Renouvèlman DACA"
beside a clinic's checkbox signs a resident up. A category is taken out of what a field asks only
when all of these hold (fail closed):

* the label matches one of the pack's ``service_questions`` for that category (``vocabulary.yaml``);
* it asks nothing in ``volunteered_statements.inquiries`` ("Do you have papers?");
* nobody's own status is addressed beside the service ("your DACA renewal": ``addressed``);
* outside the match it names none of ``service_counts.not_with`` ("passport number", "do you have",
  "expiration date").
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from ..classify.result import Classification
from ..normalize import normalize, tokens
from . import statements


@lru_cache(maxsize=1)
def _patterns() -> tuple[dict[str, tuple[tuple[str, re.Pattern[str]], ...]], frozenset[str]]:
    data = yaml.safe_load(resources.files("status_guard.collection").joinpath("vocabulary.yaml").read_text("utf-8"))
    out = {cat: tuple((lang, re.compile(rx)) for lang, rxs in (by_lang or {}).items() for rx in rxs or ())
           for cat, by_lang in (data.get("service_questions") or {}).items()}
    not_with = frozenset(w for e in (data.get("service_counts") or {}).get("not_with") or () for w in tokens(str(e)))
    return out, not_with


def languages() -> dict[str, frozenset[str]]:
    pats, _ = _patterns()
    return {cat: frozenset(lang for lang, _ in ps) for cat, ps in pats.items()}


@lru_cache(maxsize=8192)
def _offers(label: str, category: str) -> str | None:
    pats, not_with = _patterns()
    n = " ".join(normalize(label).split())
    for lang, rx in pats.get(category, ()):
        m = rx.search(n)
        if m is None:
            continue
        rest = n[:m.start()] + " " + n[m.end():]
        if any(w in not_with for w in tokens(rest)) or statements.inquiry(label) is not None:
            return None
        from .lookalikes import _occurrences, vocab

        # the person's own renewal / passport ("your DACA renewal", "su renovación", "ou"): theirs
        before = tuple(tokens(n[:m.start()]))[-2:]
        if _occurrences(vocab().addressed, before):
            return None
        return f"{category}: not asked: '{m.group(0)}' names a city service ({lang}), not the person's status"
    return None


def service_question(asked: Classification, label: str | None) -> tuple[Classification, list[str]]:
    """``asked`` without the categories the label only names a city service of."""
    pats, _ = _patterns()
    cats = [c for c in asked.categories if c in pats]
    if not cats or not label:
        return asked, []
    keep = set(asked.categories)
    notes = []
    for c in cats:
        if any(not r.startswith(("label term ",)) for r in asked.reasons.get(c, ())):
            continue  # a name, a standard's element or a pattern found it too
        why = _offers(label, c)
        if why is not None:
            keep.discard(c)
            notes.append(why)
    if keep == set(asked.categories):
        return asked, []
    return Classification(frozenset(keep), {k: v for k, v in asked.reasons.items() if k in keep}), notes


__all__ = ["languages", "service_question"]
