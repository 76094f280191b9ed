"""Options that ask: a question whose options enumerate immigration or citizenship statuses asks
status (2.129.040(b), (k)), whatever its title says ("Which describes you?" offering "U.S.
citizen", "Permanent resident", "Undocumented"). The builder passes (``builders.py``) give each
definition and each answer to it the options the question offered; this pass reads them.

Options are read with the same discipline as a short answer (``items.py``): an option that names a
city service ("Citizenship class") is not a status, and a question about another subject (a
parking permit type offering "Resident") is a look-alike. One status option among a few (``U.S.
citizen / Other``) asks; in a long list, two or more must be statuses."""

from __future__ import annotations

from typing import Any

from .subjects import subject_of

FEW_OPTIONS = 3


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
    if not status or len(status) < 2 and len(set(choices)) > FEW_OPTIONS:
        return frozenset(), []
    cats = frozenset().union(*status.values())
    shown = ", ".join(f'"{c}"' for c in list(status)[:3])
    return cats, [f"{c}: the question's options enumerate statuses ({shown})" for c in sorted(cats)]
