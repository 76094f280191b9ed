"""Pass 3 — keys: names that structure a document but are values themselves.

``{"A123456789": {...}}``, ``{"2026-12-01": [...]}``, ``{"12 Elm St": ...}``, ``{"by_status":
{"undocumented": [...]}}``, a CSV header cell holding a date: the values under such a key may be
harmless, the key is not. A key becomes an item to decide (withheld keys are renamed
``[REDACTED]``, ``[REDACTED 2]`` …) when:

* its text classifies as a value of some category (an A-number, a status phrase), or
* its container's names classify into a category this audience may not receive and the key is
  neither a recognised field name nor written like one (``by_country_of_birth: {"Mexico": 12}``:
  the key is a place of birth; ``home_address: {"city": …}``: a field), or
* a key written as words rather than a field name holds a value the free-text detector finds
  (``{"born in Haiti": true}`` for school staff; ``"Place of birth"`` holds none), or
* the audience is default-deny (040(e)) and the key states a value once read as words
  (``Dec2Hearing``, ``lives_on_Example_Ave``, ``Middlesex_HOC``, ``Haitian``) or holds text
  punctuation (``employer "Acme Ltd"``) — ``_value_in_identifier``, or
* the audience is default-deny (040(e)) and the key does not read like a field name: it has a
  date / address / custody place / phone / number shape (also once ``_`` / ``-`` are read as
  spaces: ``Ana_77_Elm_St``), or spaces or punctuation and no field-name meaning
  (``"Pereira, Ana"``) — unless it lies on the way to a declared public-record leaf and has no
  value shape.

Leaf paths never show a key that could be a value: such keys are shown as ``*<position>``
(``students.*0.grade``), so decisions and audit records stay value-free.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from ..classify import Classifier
from ..model import Item
from .audience import Audience
from .leaves import KeyRef
from .values import name_like_key, value_shapes


def key_items(classifier: Classifier, audience: Audience, keys: Sequence[KeyRef],
              public_prefixes: set[tuple[str, ...]], detector: Any = None) -> list[tuple[int, Item]]:
    """(index into ``keys``, item) for every key that must be decided. ``detector``: the free-text
    detector (optional): a key written like words rather than a field name is read with it too."""
    out: list[tuple[int, Item]] = []
    container_cats: dict[tuple[str, ...], frozenset[str]] = {}
    # records of a list repeat their keys: decide each (container, key, on a public path?) once
    seen: dict[tuple[tuple[str, ...], str, bool], tuple[frozenset[str], tuple[str, ...]] | None] = {}
    for i, k in enumerate(keys):
        name = k.name
        if not name:
            continue
        on_public = (k.container + (name,)) in public_prefixes if public_prefixes else False
        memo = (k.container, name, on_public)
        if memo in seen:
            hit = seen[memo]
            if hit is not None:
                out.append((i, Item(k.path + ".*key", hit[0], hit[1], carve_out=False)))
            continue
        vc = classifier.classify_value(name)
        cats = set(vc.categories)
        reasons: list[str] = [f"{c}: a mapping key holds a value of it" for c in sorted(vc.categories)]
        field = classifier.classify(name).categories
        if audience.hidden and not field and k.container and not _field_name_shaped(name):
            cc = container_cats.get(k.container)
            if cc is None:
                cc = container_cats[k.container] = classifier.classify(".".join(k.container)).categories & audience.hidden
            if cc:
                cats |= cc
                reasons.append("a key inside a protected field is a value of it")
        if detector is not None and audience.hidden and not name_like_key(name) and not (cats & audience.hidden):
            # "born in Haiti", "Room 12, Middlesex Jail": a label of a protected field that also
            # holds a value of it ("Place of birth" holds none)
            found = _detected(detector, name, audience.hidden)
            if found:
                cats |= found
                reasons.append("a mapping key holds free text of a protected category")
        if audience.default_deny and not on_public and not (cats & audience.hidden):
            found, why = _value_in_identifier(name, detector, audience.hidden, known_field=bool(field))
            if found:
                cats |= found
                reasons.append(why)
        suspicious = bool(cats & audience.hidden) if not audience.default_deny else bool(cats)
        if audience.default_deny and not suspicious:
            shapes = value_shapes(name)
            if shapes:
                suspicious = True
                reasons.append(f"a mapping key has the shape of a value ({', '.join(sorted(shapes))})")
            elif re.fullmatch(r"[A-Z]{2,6}", name.strip()) and not field and not on_public:
                # an acronym the classifier does not know as a field: a facility (PCCF), an agency
                suspicious = True
                reasons.append("a mapping key is an acronym that names no known field")
            elif not name_like_key(name) and not field and not on_public:
                suspicious = True
                reasons.append("a mapping key does not read like a field name")
        seen[memo] = (frozenset(cats), tuple(reasons)) if suspicious else None
        if suspicious:
            out.append((i, Item(k.path + ".*key", frozenset(cats), tuple(reasons), carve_out=False)))
    return out


_STREET = re.compile(r"\b[A-Z][\w']*\s+(?:St|Street|Ave|Avenue|Rd|Road|Blvd|Boulevard|Way|Pl|Place|Ln|Lane|Dr|"
                     r"Drive|Ct|Court|Sq|Square|Ter|Terrace|Pkwy|Parkway|Hwy|Highway|Cir|Circle)\b")
#: punctuation no program's field name is written with: a key holding it is text, not a name
_TEXT_PUNCTUATION = re.compile(r"[\"'()\[\]{}:;,@#<>=|\\/?!*&%$]")


def _value_in_identifier(name: str, detector: Any, hidden: frozenset[str], *,
                         known_field: bool = False) -> tuple[frozenset[str], str]:
    """For a default-deny audience (r10b F05): a key that states a value in identifier form or in
    text — read with its separators and camelCase as spaces (``Dec2Hearing`` -> "Dec 2 Hearing",
    ``lives_on_Example_Ave``, ``Middlesex_HOC``), a country or demonym among its words (``Haiti``,
    ``Haitian``), a custody place (``custody_spans``), or punctuation no field name has
    (``citizenship (held at Middlesex)``, ``employer "Acme Ltd"``). For a key the classifier knows
    as a field (``days_in_custody``), only the punctuation test and — when it holds a digit
    (``detained_2_days``, ``Dec2Hearing``) — the detector apply."""
    from ..normalize import split_identifier
    from .custody_spans import CATEGORY as CUSTODY
    from .custody_spans import custody_spans, names_a_facility

    spaced = re.sub(r"[_\-.]+", " ", split_identifier(name)).strip()
    if _TEXT_PUNCTUATION.search(name.strip()):
        return frozenset({"personal_information"}) & hidden or hidden, "a mapping key is written as text, not a field name"
    if known_field:
        if CUSTODY in hidden and names_a_facility(spaced):  # "Nashua_Street_Jail": a place, not a field
            return frozenset({CUSTODY}), "a mapping key names a custody place"
        if detector is not None and re.search(r"\d", name):
            found = _detected(detector, spaced, hidden)
            if found:
                return found, "a mapping key written as an identifier holds a value of a protected category"
        return frozenset(), ""
    if re.search(r"\d", name) and _STREET.search(spaced):
        return hidden & frozenset({"home_address", "work_address"}) or hidden, "a mapping key is an address"
    if "-" in name and re.search(r"[A-Z]", name):  # "Port-au-Prince", "Jean-Baptiste": kebab-case is lower-case
        return frozenset({"personal_information"}) & hidden or hidden, "a mapping key is a hyphenated proper name"
    if CUSTODY in hidden and custody_spans(spaced):
        return frozenset({CUSTODY}), "a mapping key names a custody place"
    words = {w.casefold() for w in spaced.split()}
    origin = hidden & frozenset({"national_origin"})
    if origin and words & _origin_words():
        return origin, "a mapping key names a country or nationality"
    if detector is not None and spaced != name and re.search(r"[A-Z0-9]", name):
        found = _detected(detector, spaced, hidden)
        if found:
            return found, "a mapping key written as an identifier holds free text of a protected category"
    return frozenset(), ""


@lru_cache(maxsize=1)
def _origin_words() -> frozenset[str]:
    from ..text.wordlists import default_word_lists

    lists = default_word_lists()
    out: set[str] = set()
    for name in ("countries", "demonyms"):
        for w in lists.get(name, ()):
            if " " not in w.strip():
                out.add(w.strip().casefold())
    return frozenset(out)


def _detected(detector: Any, text: str, hidden: frozenset[str]) -> frozenset[str]:
    covered = hidden & frozenset(detector.categories)
    if not covered:
        return frozenset()
    try:
        return frozenset(f.category for f in detector.detect(text[:512], categories=covered))
    except Exception:  # a key that cannot be checked is withheld (fail closed)
        return covered


def _field_name_shaped(key: str) -> bool:
    """``city``, ``line_1``, ``zipCode``: written like a program's field name (lower-case first, or
    snake_case). ``Mexico``, ``MX``, ``El Salvador`` are written like values."""
    return name_like_key(key) and (key[:1].islower() or "_" in key)


def public_prefixes(names: Iterable[tuple[str, ...]]) -> set[tuple[str, ...]]:
    """Every proper prefix of the names of public-record leaves."""
    out: set[tuple[str, ...]] = set()
    for n in names:
        for j in range(1, len(n) + 1):
            out.add(n[:j])
    return out


def path_safe_key(classifier: Classifier, key: str) -> bool:
    """Whether a key may appear in a decision / audit path as written: it reads like a field name
    and holds no value of any category."""
    if not key or classifier.classify_value(key).categories:
        return False
    if name_like_key(key):
        return True
    return len(key) <= 60 and not value_shapes(key) and bool(classifier.classify(key).categories)


__all__ = ["key_items", "path_safe_key", "public_prefixes"]
