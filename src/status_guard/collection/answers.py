"""A short answer that is itself a status, read whole (see ``vocabulary.yaml`` ``status_answers``).

Under a generic id (``q7``, ``entry.N``, ``question1``) the answer shows what was asked
(2.129.040(b)). The classifier's lexicon reads most answers; this reads the rest as a class: a
status noun phrase of the answer lists, after the modifiers a person adds ("Lawful", "Legal",
"Conditional"), in any of the pack's languages; and a distinctive visa class alone ("H-1B"). A
word that is not a modifier or part of the phrase makes it another answer ("Permanent resident
parking" is not read here)."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import yaml

from ..normalize import tokens
from .choices import _fold, _visa_classes

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_ANSWER_WORDS = 6


@lru_cache(maxsize=1)
def _answers() -> tuple[dict[tuple[str, ...], str], frozenset[str]]:
    data = yaml.load(resources.files("status_guard.collection").joinpath("vocabulary.yaml").read_text("utf-8"), Loader=_YAML_LOADER)  # noqa: S506 - a safe loader
    sa = data.get("status_answers") or {}
    phrases: dict[tuple[str, ...], str] = {}
    for cat, langs in (sa.get("categories") or {}).items():
        for entries in langs.values():
            for e in entries:
                t = tuple(tokens(str(e)))
                if t:
                    phrases[t] = cat
    mods = frozenset(w for ws in (sa.get("modifiers") or {}).values() for e in ws for w in tokens(str(e)))
    return phrases, mods


def status_answer(value: str) -> tuple[str, str] | None:
    """(category, why) when the whole answer is a status, else None."""
    if not isinstance(value, str) or not value.strip() or len(value) > 80:
        return None
    cat, _classes, distinctive = _visa_classes()
    if _fold(" ".join(value.split())) in distinctive:
        return cat, f"the answer is the visa class {value.strip()!r}"
    toks = tuple(tokens(value))
    if not toks or len(toks) > MAX_ANSWER_WORDS:
        return None
    phrases, mods = _answers()
    core = toks
    while core and core[0] in mods and core not in phrases:
        core = core[1:]
    while core and core[-1] in mods and core not in phrases:
        core = core[:-1]
    hit = phrases.get(core)
    if hit is None:
        return None
    return hit, f"the answer {value.strip()!r} is a status"
