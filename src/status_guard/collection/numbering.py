"""Survey numbering: question ids such as ``i1 … i94`` or ``q_20`` name a position in a survey,
not a document. ``i94`` in a numbered run is question 94, not an I-94 record; ``i20`` between
``i19`` and ``i21`` is not a Form I-20. A numbered id is read as a question id only inside a run of three
or more that starts a series (a member numbered 1–3), or where its neighbour number is present, or
of ten or more members — so a form that really asks for ``i20``, ``i94`` and ``i797`` (an
international-student form) is still read by its names.

The same rule applies wherever a builder puts the id: a field's name (``i94``), a segment of its
path (Google Forms ``answers.i94.textAnswers``), or a *value* that identifies a question (SurveyJS
``{"name": "i94", ...}``, Typeform ``field.id``/``ref``, Formstack ``field``, a Salesforce ``key``)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from .view import Leaf, walk

#: a numbered id, with an optional survey prefix of its own (``q_i94``, ``s1-q7``: r12f F09); group 1 is
#: the letters the number belongs to (``i``), group 2 the number; the prefix is part of the run's key
_NUMBERED = re.compile(r"^(?:([A-Za-z]{1,3}\d{0,2})[_\-])?([A-Za-z]{1,3})[_\-]?(\d{1,4})$")


def _key(m: re.Match[str]) -> str:
    """The run a numbered id belongs to: its survey prefix and letters (``q_i``)."""
    return f"{(m.group(1) or '').lower()}_{m.group(2).lower()}"
RUN_SIZE = 10

#: keys whose value identifies (or stands for) a question in a builder's shape
ID_VALUE_KEYS = frozenset({"id", "ref", "name", "key", "field", "fieldid", "fieldname", "fieldref", "questionid",
                           "questionref", "qid", "itemid", "question", "questionname", "title", "label", "q", "code",
                           "column", "columnname", "cfname", "uuid", "apiname", "componentkey", "text", "prompt",
                           "questiontitle", "questiontext", "fieldlabel", "displayname"})


def _a_document(prefix: str, num: int) -> bool:
    """``prefix`` + ``num`` is an immigration document's form number (``vocabulary.yaml``
    ``status_documents``: I-765, I-766, I-94, N-400 …)."""
    from .subjects import status_documents

    ident = f"{prefix}{num}"
    return any(rx.fullmatch(ident) or rx.fullmatch(f"{prefix}-{num}") for rx, _, _ in status_documents())


def _runs(groups: Iterable[dict[int, list[Any]]], prefixes: Iterable[str] | None = None) -> list[Any]:
    """The members of every group whose numbers form a survey run. Two neighbours are a run too
    (``i94`` beside ``i95``: r12e F12) unless both are documents' form numbers (``i765`` beside
    ``i766`` is an application and its card)."""
    out: list[Any] = []
    for members, prefix in zip(groups, prefixes if prefixes is not None else _none()):
        if len(members) == 2 and prefix is not None:
            a, b = sorted(members)
            if b == a + 1 and not (_a_document(prefix, a) and _a_document(prefix, b)):
                for xs in members.values():
                    out.extend(xs)
            continue
        if len(members) < 3:
            continue
        series = len(members) >= RUN_SIZE or any(n <= 3 for n in members)
        for num, xs in members.items():
            if series or (num - 1) in members or (num + 1) in members:
                out.extend(xs)
    return out


def mark_numbering(leaves: Iterable[Leaf]) -> int:
    """Read numbered segments of leaves' names as question numbers: a numbered last name sets
    ``ignore_name``; a numbered segment inside the path is left out of the name read
    (``read_name``). Returns how many leaves were marked."""
    groups: dict[tuple[str, str], dict[int, list[tuple[Leaf, int]]]] = defaultdict(lambda: defaultdict(list))
    for lf in leaves:
        if not lf.key_path:
            continue
        segs = lf.key_path.split(".")
        for i, seg in enumerate(segs):
            m = _NUMBERED.match(seg)
            if m is not None:
                groups[(".".join(segs[:i]), _key(m))][int(m.group(3))].append((lf, i))
    marked: dict[Leaf, set[int]] = defaultdict(set)
    for lf, i in _runs(groups.values(), [k[1].rpartition("_")[2] for k in groups]):
        marked[lf].add(i)
    for lf, idxs in marked.items():
        segs = lf.key_path.split(".")
        if len(segs) - 1 in idxs:
            lf.ignore_name = True
        else:
            lf.read_name = ".".join(s for j, s in enumerate(segs) if j not in idxs)
    return len(marked)


def _none() -> Iterable[None]:
    while True:
        yield None


@lru_cache(maxsize=4096)
def _fold(key: str) -> str:
    """A key folded for comparison; a Salesforce custom field's ``__c`` suffix dropped
    (``Question__c`` is a question's id)."""
    return re.sub(r"[\s_\-.]", "", re.sub(r"__c$", "", key, flags=re.IGNORECASE)).lower()


def mark_numbered_ids(view: Any) -> int:
    """Mark (``numbered``) the string values that identify a question by its number in a run
    (``{"name": "i94", "title": ..., "value": ...}`` beside ``i93`` and ``i95``). A builder pass reads
    no question text from them, and they are not answers."""
    groups: dict[tuple[str, str, str], dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    leaves = [lf for lf in walk(view) if isinstance(lf.value, str) and lf.key_path]
    for lf in leaves:
        if len(lf.value) > 12 and not lf.texts:
            continue
        m = _NUMBERED.match(lf.value.strip()) or next((m for t in lf.texts if (m := _NUMBERED.match(t))), None)
        if m is None:
            continue
        segs = lf.key_path.split(".")
        if _fold(segs[-1]) not in ID_VALUE_KEYS:
            continue
        # the questions of one shape: siblings in a list (indices are not in the path) or in an
        # object keyed by something else (JotForm ``answers: {"3": {...}, "4": {...}}``)
        groups[(".".join(segs[:-2]), _fold(segs[-1]), _key(m))][int(m.group(3))].append(m.group(0))
    # an id in a run numbers the questions of the whole shape: the same id elsewhere (an answer's
    # ``field.ref``, a definition's ``title``) is the same question number
    ids = {i.lower() for i in _runs(groups.values(), [k[2].rpartition("_")[2] for k in groups])}
    if not ids:
        return 0
    n = 0
    for lf in leaves:
        if _fold(lf.key_path.rpartition(".")[2]) not in ID_VALUE_KEYS:
            continue
        if lf.texts:  # a localizable text whose default is the number: its other languages are its text
            rest = tuple(t for t in lf.texts if t.lower() not in ids)
            if rest and len(rest) < len(lf.texts):
                lf.value, lf.texts = " / ".join(rest), rest
                continue
            if not rest:
                lf.numbered = True
                n += 1
            continue
        if lf.value.strip().lower() in ids:
            lf.numbered = True
            n += 1
    return n


def retire_numbered_ids(view: Any) -> None:
    """After the builder passes: a numbered id left as an answer is a question's id, not an answer."""
    for lf in walk(view):
        if lf.numbered and lf.role == "answer":
            lf.role = "question"
