"""Residency in a place is not an immigration status (r12g F18).

"¿Es usted residente de Cambridge?", "Are you a legal resident of Cambridge for parking purposes?",
"Êtes-vous résident de Cambridge ?" ask where a person lives — the check a parking permit, a resident
rate or a city program makes. A resident word followed by "of / de / da …" and a place that is not
the country (the United States, "el país", any country's name) is residency, not status. "permanent
resident", "residente legal" alone, "legal resident of the United States", "résident de France" stay
status questions (fail closed). Words: ``vocabulary.yaml`` (``residency``).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import yaml

from ..normalize import normalize
from ..text.wordlists import default_word_lists

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
PLACE_WORDS = 5  # words after the preposition read as the place


@lru_cache(maxsize=1)
def _words() -> tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str], tuple[tuple[str, ...], ...]]:
    data = yaml.load(resources.files("status_guard.collection").joinpath("vocabulary.yaml").read_text("utf-8"),
                     Loader=_YAML_LOADER)  # noqa: S506 - a safe loader
    block = data.get("residency") or {}

    def flat(key: str) -> frozenset[str]:
        return frozenset(normalize(str(w)).strip() for w in block.get(key) or () if normalize(str(w)).strip())

    countries = tuple(tuple(normalize(c).split()) for c in default_word_lists().get("countries", ())
                      if normalize(c).strip())
    return flat("resident"), flat("modifiers"), flat("of"), flat("country"), countries


@lru_cache(maxsize=1)
def _status() -> frozenset[str]:
    data = yaml.load(resources.files("status_guard.collection").joinpath("vocabulary.yaml").read_text("utf-8"),
                     Loader=_YAML_LOADER)  # noqa: S506 - a safe loader
    return frozenset(normalize(str(w)).strip() for w in (data.get("residency") or {}).get("status") or ())


def _is_country(place: tuple[str, ...]) -> bool:
    _r, _m, _of, country, countries = _words()
    if any(w in country for w in place):
        return True
    for c in countries:
        n = len(c)
        if n and any(place[i:i + n] == c for i in range(len(place) - n + 1)):
            return True
    return False


def place_after(words: tuple[str, ...], end: int) -> str | None:
    """The place of residence when ``words[end - 1]`` is a resident word followed by (a modifier and)
    "of / de …" and a place that is not a country, or None."""
    resident, modifiers, of, _c, _cs = _words()
    if end < 1 or end > len(words):
        return None
    j = end - 1
    while j > 0 and words[j] in modifiers:  # "residente legal" ends on its modifier
        j -= 1
    if words[j] not in resident or any(w in _status() for w in words[max(0, j - 3):end]):
        return None  # "permanent resident of Cambridge" is still a status
    i = end
    while i < len(words) and words[i] in modifiers:
        i += 1
    if i >= len(words) or words[i] not in of:
        return None
    place = words[i + 1:i + 1 + PLACE_WORDS]
    if not place or _is_country(place):
        return None
    return " ".join(place)


def of_a_place(text: str) -> bool:
    """Some resident word of ``text`` is residency of a place that is not a country."""
    ws = tuple(normalize(text).split())
    return any(place_after(ws, i + 1) is not None for i in range(len(ws)))


__all__ = ["of_a_place", "place_after"]
