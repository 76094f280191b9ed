"""Survey numbering: question ids such as ``i1 … i94`` or ``q_20`` name a position in a survey,
not a document. ``i94`` in a numbered run is question 94, not an I-94 record; ``i20`` between
``i19`` and ``i21`` is not a Form I-20. A numbered name is read as a question id only inside a run of three
or more that starts a series (a member numbered 1–3), or where its neighbour number is present, or
of ten or more members — so a form that really asks for ``i20``, ``i94`` and ``i797`` (an
international-student form) is still read by its names."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from .view import Leaf

_NUMBERED = re.compile(r"^([A-Za-z]{1,3})[_\-]?(\d{1,4})$")
RUN_SIZE = 10


def _last_key(key_path: str) -> tuple[str, str]:
    parent, _, last = key_path.rpartition(".")
    return parent, last


def mark_numbering(leaves: Iterable[Leaf]) -> int:
    """Set ``ignore_name`` on leaves whose name is a question number in a run. Returns how many."""
    groups: dict[tuple[str, str], dict[int, list[Leaf]]] = defaultdict(lambda: defaultdict(list))
    for lf in leaves:
        parent, last = _last_key(lf.key_path)
        m = _NUMBERED.match(last)
        if m is not None:
            groups[(parent, m.group(1).lower())][int(m.group(2))].append(lf)
    n = 0
    for members in groups.values():
        if len(members) < 3:
            continue
        series = len(members) >= RUN_SIZE or any(n <= 3 for n in members)
        for num, lfs in members.items():
            if series or (num - 1) in members or (num + 1) in members:
                for lf in lfs:
                    lf.ignore_name = True
                    n += 1
    return n
