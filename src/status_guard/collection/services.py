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

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

from ..classify.result import Classification
from ..normalize import normalize, tokens
from . import statements


@lru_cache(maxsize=1)
def _patterns() -> tuple[dict[str, tuple[tuple[str, re.Pattern[str]], ...]], frozenset[str],
                        tuple[re.Pattern[str], re.Pattern[str]]]:
    data = yaml.load(resources.files("status_guard.collection").joinpath("vocabulary.yaml").read_text("utf-8"), Loader=_YAML_LOADER)  # noqa: S506 - a safe loader (C: ~6x faster)
    sq = data.get("service_questions") or {}
    out = {cat: tuple((lang, re.compile(rx)) for lang, rxs in (by_lang or {}).items() for rx in rxs or ())
           for cat, by_lang in sq.items() if isinstance(by_lang, dict)}
    not_with = frozenset(w for e in (data.get("service_counts") or {}).get("not_with") or () for w in tokens(str(e)))

    def alts(key: str) -> str:
        return "|".join(sorted((re.escape(" ".join(normalize(str(w)).split())) for w in sq.get(key) or ()
                                if normalize(str(w)).strip()), key=len, reverse=True))

    # a possessive up to three words before the service ("your clínica de renovação do DACA")
    yours = (re.compile(rf"(?:^|\s)(?:{alts('yours_before')})(?:\s+\S+){{0,3}}\s*$"), re.compile(rf"^\s*(?:{alts('yours_after')})(?:\s|$)"))
    return out, not_with, yours


def languages() -> dict[str, frozenset[str]]:
    pats = _patterns()[0]
    return {cat: frozenset(lang for lang, _ in ps) for cat, ps in pats.items()}


@lru_cache(maxsize=8192)
def _offers(label: str, category: str) -> tuple[str, str] | None:
    """(why, the label's text outside the service's words) when the label names a city service."""
    pats, not_with, (yours_before, yours_after) = _patterns()
    n = " ".join(normalize(label).split())
    for lang, rx in pats.get(category, ()):
        m = rx.search(n)
        if m is None:
            continue
        rest = rx.sub(" ", n)
        if any(w in not_with for w in tokens(rest)) or statements.inquiry(label) is not None:
            return None
        # the person's own renewal or passport ("your DACA renewal", "su pasaporte", "paspò ou")
        if yours_before.search(n[:m.start()]) or yours_after.search(n[m.end():]):
            return None
        return (f"{category}: not asked: '{m.group(0)}' names a city service ({lang}), not the person's status",
                rest)
    return None


def offers_a_service(text: str) -> bool:
    """The text names one of the City's services the way its forms ask about them ("几本护照",
    "How many passports are you applying for")."""
    return any(_offers(text, c) is not None for c in _patterns()[0])


def service_question(classifier: Any, asked: Classification, label: str | None) -> tuple[Classification, list[str]]:
    """``asked`` without the categories the label only names a city service of (every word that
    found the category is inside the service's words: "jamais demandé passeport. Passeport ?" asks)."""
    pats = _patterns()[0]
    cats = [c for c in asked.categories if c in pats]
    if not cats or not label:
        return asked, []
    keep = set(asked.categories)
    notes = []
    for c in cats:
        if any(not r.startswith(("label term ",)) for r in asked.reasons.get(c, ())):
            continue  # a name, a standard's element or a pattern found it too
        hit = _offers(label, c)
        if hit is not None and c not in classifier.classify("", hit[1]).categories:
            keep.discard(c)
            notes.append(hit[0])
    if keep == set(asked.categories):
        return asked, []
    return Classification(frozenset(keep), {k: v for k, v in asked.reasons.items() if k in keep}), notes


__all__ = ["languages", "offers_a_service", "service_question"]
