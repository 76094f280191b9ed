"""Counts of what a person brings to a city service desk (issue 12 item 8; 2.129.040(b) forbids
asking a status, not running the services named after one).

The City accepts passport applications: ``{"passport_applications": 2}`` or "How many passport
applications will you bring?" -> "2" counts the applications the clerk will take, it asks nobody's
status. A category is taken out of what a field asks only when all of these hold (fail closed):

* it is one of the pack's counted categories (``vocabulary.yaml`` ``service_counts``);
* every word match that found it has a counted noun beside it (``passport applications``,
  ``solicitudes de pasaporte``);
* the answer is a small count (0–99), and the field counts: a cue (``how many``, ``number of``) or
  the noun in the plural;
* nothing else in the field asks about the application itself (its status, number, date ...).
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

ADJACENT_WORDS = 1
MAX_COUNT = 99
_COUNT = re.compile(r"^\s*\d{1,2}\s*$")


@lru_cache(maxsize=1)
def _vocab() -> tuple[frozenset[str], tuple[tuple[str, ...], ...], tuple[tuple[str, ...], ...], frozenset[str]]:
    data = yaml.load(resources.files("status_guard.collection").joinpath("vocabulary.yaml").read_text("utf-8"), Loader=_YAML_LOADER)  # noqa: S506 - a safe loader (C: ~6x faster)
    sc = data.get("service_counts") or {}

    def phrases(by_lang: dict[str, list[str]]) -> tuple[tuple[str, ...], ...]:
        return tuple(t for entries in (by_lang or {}).values() for e in entries if (t := tuple(tokens(str(e)))))

    return (frozenset(sc.get("categories") or ()), phrases(sc.get("nouns")), phrases(sc.get("cues")),
            frozenset(w for e in sc.get("not_with") or () for w in tokens(str(e))))


def is_count(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return 0 <= value <= MAX_COUNT
    return isinstance(value, str) and bool(_COUNT.match(value))


def _spans(phrases: tuple[tuple[str, ...], ...], words: tuple[str, ...]) -> list[tuple[int, int]]:
    return [(i, i + len(p)) for p in phrases for i in range(len(words) - len(p) + 1) if words[i:i + len(p)] == p]


def _counted_in(classifier: Any, text: str, source: str, category: str) -> bool | None:
    """True: every match of ``category`` in ``text`` is a counted service noun's term; False: one
    is not; None: the text does not hold the category."""
    categories, nouns, cues, not_with = _vocab()
    a = classifier.analyse(text, source)
    ms = [m for m in a.matches if m.category == category]
    if not ms:
        return None
    words = a.words
    noun_spans = _spans(nouns, words)
    first = min(m.start for m in ms)
    cue_spans = [(c0, c1) for c0, c1 in _spans(cues, words) if c1 <= first or any(
        c1 <= s0 for s0, _ in noun_spans)]  # "how many X", "number of X", ``numPassportApplications``
    used = set()
    for m in ms:
        if m.compact:
            return False
        beside = [(s0, s1) for s0, s1 in noun_spans
                  if (s1 <= m.start and m.start - s1 <= ADJACENT_WORDS) or (s0 >= m.end and s0 - m.end <= ADJACENT_WORDS)]
        if not beside:
            return False
        used.update(range(m.start, m.end))
        for s0, s1 in beside:
            used.update(range(s0, s1))
    for s0, s1 in cue_spans:
        used.update(range(s0, s1))
    if any(w in not_with for i, w in enumerate(words) if i not in used):
        return False
    plural = any(w.endswith("s") for w in normalize(text).split() if tuple(tokens(w)) and tokens(w)[0] in
                 {p[-1] for p in nouns} and w != tokens(w)[0])
    return bool(cue_spans) or plural


def counted_service(classifier: Any, name: str, label: str | None, value: Any,
                    result: Classification) -> tuple[Classification, list[str]]:
    """``result`` without the categories the field only counts a service's applications of."""
    categories = _vocab()[0]
    cats = result.categories & categories
    if not cats or not is_count(value):
        return result, []
    notes: list[str] = []
    keep = set(result.categories)
    for cat in sorted(cats):
        if any(not r.startswith(("name term ", "label term ")) for r in result.reasons.get(cat, ())):
            continue  # a standard's element, a pattern or a compact match found it too
        seen = [_counted_in(classifier, t, src, cat) for t, src in ((name, "name"), (label or "", "label")) if t]
        seen = [s for s in seen if s is not None]
        if seen and all(seen):
            keep.discard(cat)
            notes.append(f"{cat}: not asked: the field counts the applications a city service desk accepts "
                         "(a passport acceptance appointment), not anyone's status")
    if keep == set(result.categories):
        return result, []
    return Classification(frozenset(keep), {k: v for k, v in result.reasons.items() if k in keep}), notes


__all__ = ["counted_service", "is_count"]
