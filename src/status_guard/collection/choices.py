"""Options that ask: a question whose options enumerate immigration or citizenship statuses asks
status (2.129.040(b), (k)), whatever its title says ("Which describes you?" offering "U.S.
citizen", "Permanent resident", "Undocumented"). The builder passes (``builders.py``) give each
definition and each answer to it the options the question offered; this pass reads them.

Options are read with the same discipline as a short answer (``items.py``): an option that names a
city service ("Citizenship class") is not a status, and a question about another subject (a
parking permit type offering "Resident") is a look-alike. One status option among a few (``U.S.
citizen / Other``) asks; in a long list, two or more must be statuses."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from .subjects import subject_of

FEW_OPTIONS = 3


@lru_cache(maxsize=1)
def _visa_classes() -> tuple[str, frozenset[str], frozenset[str]]:
    data = yaml.safe_load(resources.files("status_guard.collection").joinpath("vocabulary.yaml").read_text("utf-8"))
    v = data.get("visa_class_options") or {}
    return (str(v.get("category") or "visa_or_passport"), frozenset(_fold(str(x)) for x in v.get("classes") or ()),
            frozenset(_fold(str(x)) for x in v.get("distinctive") or ()))


def _fold(option: str) -> str:
    return " ".join(re.sub(r"[-_./()]+", "", w) for w in option.lower().split())


def visa_class_options(choices: tuple[str, ...]) -> tuple[str, list[str]] | None:
    """(category, the options) when two or more options are visa classes and one is distinctive."""
    cat, classes, distinctive = _visa_classes()
    hits = [c for c in dict.fromkeys(choices) if _fold(c) in classes]
    if len(hits) >= 2 and any(_fold(c) in distinctive for c in hits):
        return cat, hits
    return None


def asked_by_choices(classifier: Any, choices: tuple[str, ...], name: str, label: str | None
                     ) -> tuple[frozenset[str], list[str]]:
    """(categories the options ask, reasons)."""
    from .items import _names_a_service
    from .lookalikes import asked

    if not choices or subject_of(name, label or "") == "unrelated":
        return frozenset(), []
    status: dict[str, set[str]] = {}
    for c in dict.fromkeys(choices):
        # an option is read as a short answer and as the words of an answer a person chose (the
        # look-alikes — a service, a class — taken out)
        cats = set(classifier.classify_value([c]).categories) | set(asked(classifier, "", c, answer=True)[0].categories)
        if cats and not _names_a_service(c):
            status[c] = cats
    visas = visa_class_options(choices)
    if visas is not None:
        for c in visas[1]:
            status.setdefault(c, set()).add(visas[0])
    if not status or len(status) < 2 and len(set(choices)) > FEW_OPTIONS:
        return frozenset(), []
    cats = frozenset().union(*status.values())
    shown = ", ".join(f'"{c}"' for c in list(status)[:3])
    return cats, [f"{c}: the question's options enumerate statuses ({shown})" for c in sorted(cats)]
