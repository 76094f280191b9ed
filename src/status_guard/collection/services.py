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


#: ``service_questions`` sections that describe a whole form, not one category's questions
_FORM_KEYS = frozenset({"form_offers", "form_fields", "form_booking", "help_frames"})


@lru_cache(maxsize=1)
def _patterns() -> tuple[dict[str, tuple[tuple[str, re.Pattern[str]], ...]], frozenset[str],
                        tuple[re.Pattern[str], re.Pattern[str]], re.Pattern[str], re.Pattern[str]]:
    data = yaml.load(resources.files("status_guard.collection").joinpath("vocabulary.yaml").read_text("utf-8"), Loader=_YAML_LOADER)  # noqa: S506 - a safe loader (C: ~6x faster)
    sq = data.get("service_questions") or {}
    out = {cat: tuple((lang, re.compile(rx)) for lang, rxs in (by_lang or {}).items() for rx in rxs or ())
           for cat, by_lang in sq.items() if isinstance(by_lang, dict) and cat not in _FORM_KEYS}
    not_with = frozenset(w for e in (data.get("service_counts") or {}).get("not_with") or () for w in tokens(str(e)))

    def alts(key: str) -> str:
        return "|".join(sorted((re.escape(" ".join(normalize(str(w)).split())) for w in sq.get(key) or ()
                                if normalize(str(w)).strip()), key=len, reverse=True))

    # a possessive up to three words before the service ("your clínica de renovação do DACA")
    dates = re.compile("|".join(f"(?:{rx})" for rx in sq.get("appointment_dates") or ()) or "(?!)")
    yours = (re.compile(rf"(?:^|\s)(?:{alts('yours_before')})(?:\s+\S+){{0,3}}\s*$"), re.compile(rf"^\s*(?:{alts('yours_after')})(?:\s|$)"))
    frames = re.compile("|".join(rf"(?:(?<!\S)(?:{rx})(?!\S))" for rx in sq.get("help_frames") or ()) or "(?!)")
    return out, not_with, yours, dates, frames


def languages() -> dict[str, frozenset[str]]:
    pats = _patterns()[0]
    return {cat: frozenset(lang for lang, _ in ps) for cat, ps in pats.items()}


@lru_cache(maxsize=8192)
def _offers(label: str, category: str) -> tuple[str, str] | None:
    """(why, the label's text outside the service's words) when the label names a city service."""
    pats, not_with, (yours_before, yours_after), dates, frames = _patterns()
    n = " ".join(normalize(label).split())
    n = " ".join(frames.sub(" ", n).split())  # "which kind of … do you need": the frame of the question
    for lang, rx in pats.get(category, ()):
        m = rx.search(n)
        if m is None:
            continue
        rest = rx.sub(" ", n)
        if statements.inquiry(label) is not None:
            return None
        if any(w in not_with for w in tokens(dates.sub(" ", rest))):
            continue  # another of the service's patterns may cover the word ("type of immigration legal help")
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


def names_only_the_service(classifier: Any, text: str, category: str) -> str | None:
    """Why ``text`` names only one of the City's services of ``category`` ("youth work permit",
    "permiso de trabajo juvenil"), or None: nothing outside the service's words asks it."""
    hit = _offers(text, category)
    if hit is None or category in classifier.classify("", hit[1]).categories:
        return None
    return hit[0]


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


@lru_cache(maxsize=1)
def _form_vocab() -> tuple[dict[str, tuple[re.Pattern[str], ...]],
                           dict[str, tuple[tuple[re.Pattern[str], ...], frozenset[str]]],
                           dict[str, tuple[re.Pattern[str], re.Pattern[str]]]]:
    data = yaml.safe_load(resources.files("status_guard.collection").joinpath("vocabulary.yaml").read_text("utf-8"))
    sq = data.get("service_questions") or {}
    offers = {cat: tuple(re.compile(rx) for rx in rxs or ()) for cat, rxs in (sq.get("form_offers") or {}).items()}
    fields = {cat: (tuple(re.compile(rx) for rx in (spec or {}).get("patterns") or ()),
                    frozenset(w for e in (spec or {}).get("not_with") or () for w in tokens(str(e))))
              for cat, spec in (sq.get("form_fields") or {}).items()}
    booking = sq.get("form_booking") or {}
    cues = booking.get("cues") or {}
    offers_beside = {cat: (re.compile(cues.get(cat) or booking.get("pattern") or "(?!)"), re.compile(rx))
                     for cat, rx in (booking.get("subjects") or {}).items()}
    return offers, fields, offers_beside


def _words(text: str) -> str:
    return " ".join(normalize(text.replace("_", " ")).split())


def form_offers(texts: Any) -> dict[str, str]:
    """The services the form offers (category -> why): one of its field names, labels or short
    values names it ("passport_appointment_date", a hidden ``service=passport_application``,
    "Summer Youth Employment")."""
    offers, _, beside = _form_vocab()
    out: dict[str, str] = {}
    texts = list(texts)
    words = [_words(t) for t in texts if isinstance(t, str) and t.strip() and len(t) <= 200]
    for cat, (cue, subject) in beside.items():
        desk = next((n for n in words if cue.search(n)), None)
        if desk is not None and any(subject.search(n) for n in words):
            out[cat] = f"the form's '{desk}' field names the city service desk beside its subject"
    for t in texts:
        if not isinstance(t, str) or not t.strip() or len(t) > 200:
            continue
        n = _words(t)
        for cat, rxs in offers.items():
            if cat in out:
                continue
            for rx in rxs:
                m = rx.search(n)
                if m is not None and statements.inquiry(t) is None:
                    out[cat] = f"the form offers a city service ('{m.group(0)}')"
                    break
    return out


def service_field(classifier: Any, asked: Classification, name: str, label: str | None,
                  offered: dict[str, str]) -> tuple[Classification, list[str]]:
    """In a form that offers a city service (``form_offers``), a field whose name or label is one of
    that service's own questions ("number_of_passports", "passport_type", "work_permit" on a youth
    jobs form) is not asking status: the category is taken out when every text that found it reads as
    the service's question and nothing outside the match asks it (fail closed)."""
    cats = [c for c in asked.categories if c in offered]
    if not cats:
        return asked, []
    fields = _form_vocab()[1]
    pats = _patterns()[0]
    keep = set(asked.categories)
    notes: list[str] = []
    texts = [t for t in (name, label) if t and t.strip()]
    for c in cats:
        whys: list[str] = []
        for t in texts:
            if c not in classifier.classify("", t).categories and c not in classifier.classify(t, None).categories:
                continue  # this text does not ask it
            why = None
            n = _words(t)
            if c in pats and statements.inquiry(t) is None:
                hit = _offers(n, c)
                if hit is not None and c not in classifier.classify("", hit[1]).categories:
                    why = hit[0]
            if why is None and c in fields:
                rxs, not_with = fields[c]
                for rx in rxs:
                    m = rx.search(n)
                    if m is None:
                        continue
                    rest = rx.sub(" ", n)
                    if any(w in not_with for w in tokens(rest)) or c in classifier.classify("", rest).categories:
                        continue
                    why = f"{c}: not asked: '{m.group(0).strip()}' is the service's own question"
                    break
            if why is None:
                whys = []
                break
            whys.append(why)
        if whys:
            keep.discard(c)
            notes.append(f"{c}: {offered[c]}; " + "; ".join(dict.fromkeys(whys)))
    if keep == set(asked.categories):
        return asked, []
    return Classification(frozenset(keep), {k: v for k, v in asked.reasons.items() if k in keep}), notes


__all__ = ["form_offers", "languages", "names_only_the_service", "offers_a_service", "service_field", "service_question"]
