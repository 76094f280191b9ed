"""What a field is *about*, read from its name and label (see ``vocabulary.yaml``): ``generic``
(the name says nothing: ``q7``, ``answer``, ``status``), ``free_text`` (a comment, a note, a
story, a site search ``q``/``s``/``search``), ``unrelated`` (another subject: a parking permit, a membership plan) or ``other``."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from typing import Literal

import yaml

from ..normalize import tokens

Subject = Literal["generic", "free_text", "unrelated", "other"]
_ID_LIKE = re.compile(r"^(?:\d+|[0-9a-f]{6,}|[a-z]\d+|[a-z]{1,2})$")


@lru_cache(maxsize=1)
def vocabulary() -> dict[str, frozenset[str]]:
    data = yaml.safe_load(resources.files("status_guard.collection").joinpath("vocabulary.yaml").read_text("utf-8"))
    out: dict[str, frozenset[str]] = {}
    for kind in ("generic", "free_text", "unrelated", "search"):
        words: set[str] = set()
        for entries in (data.get(kind) or {}).values():
            for w in entries:
                words.update(tokens(str(w)))
        out[kind] = frozenset(words)
    return out


@lru_cache(maxsize=16384)
def subject_of(name: str, label: str) -> Subject:
    voc = vocabulary()
    toks = [t for t in tokens(name or "") + tokens(label or "") if t]
    if not toks:
        return "generic"
    if not (label or "").strip() and all(t in voc["search"] for t in toks):
        return "free_text"  # a site search / chat input: the person's own words
    if any(t in voc["free_text"] for t in toks):
        return "free_text"
    if any(t in voc["unrelated"] for t in toks):
        return "unrelated"
    if all(t in voc["generic"] or _ID_LIKE.match(t) for t in toks):
        return "generic"
    return "other"


@lru_cache(maxsize=1)
def status_documents() -> tuple[tuple[re.Pattern[str], str, str], ...]:
    data = yaml.safe_load(resources.files("status_guard.collection").joinpath("vocabulary.yaml").read_text("utf-8"))
    return tuple((re.compile(d["pattern"]), d["category"], d["title"]) for d in data.get("status_documents") or ())


def document_in_file_name(filename: str) -> tuple[frozenset[str], str | None]:
    """Categories of an immigration document a file is named for (``i-551_scan.jpg``)."""
    cats: set[str] = set()
    titles: list[str] = []
    for rx, cat, title in status_documents():
        if rx.search(filename):
            cats.add(cat)
            titles.append(title)
    return frozenset(cats), ("the uploaded file is named for " + " / ".join(titles)) if titles else None
