"""What a field is *about*, read from its name and label (see ``vocabulary.yaml``): ``generic``
(the name says nothing: ``q7``, ``answer``, ``status``), ``free_text`` (a comment, a note, a
story, a site search ``q``/``s``/``search``), ``unrelated`` (another subject: a parking permit, a membership plan) or ``other``."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from typing import Literal

import yaml

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

from ..normalize import tokens

Subject = Literal["generic", "free_text", "unrelated", "other"]
_ID_LIKE = re.compile(r"^(?:\d+|[0-9a-f]{6,}|[a-z]\d+|[a-z]{1,2})$")


@lru_cache(maxsize=1)
def vocabulary() -> dict[str, frozenset[str]]:
    data = yaml.load(resources.files("status_guard.collection").joinpath("vocabulary.yaml").read_text("utf-8"), Loader=_YAML_LOADER)  # noqa: S506 - a safe loader (C: ~6x faster)
    out: dict[str, frozenset[str]] = {}
    for kind in ("generic", "free_text", "unrelated", "search"):
        words: set[str] = set()
        for entries in (data.get(kind) or {}).values():
            for w in entries:
                toks = tokens(str(w))
                if kind in _PHRASE_KINDS and len(toks) > 1:
                    continue  # a phrase (``question_text``): read whole by ``phrases()``, never word by word
                words.update(toks)
        out[kind] = frozenset(words)
    return out


# A multi-word entry of these kinds is a phrase: ``question_text`` is free text, but ``question`` and
# ``text`` alone are a form builder's own default names (SurveyJS ``question1``, Form.io
# ``textField1``, Contact Form 7 ``text-1``) and say nothing (r12f F15).
_PHRASE_KINDS = ("free_text", "search")


@lru_cache(maxsize=1)
def phrases() -> dict[str, tuple[tuple[str, ...], ...]]:
    data = yaml.load(resources.files("status_guard.collection").joinpath("vocabulary.yaml").read_text("utf-8"), Loader=_YAML_LOADER)  # noqa: S506 - a safe loader
    out: dict[str, tuple[tuple[str, ...], ...]] = {}
    for kind in (*_PHRASE_KINDS, "free_text_alone"):
        found: list[tuple[str, ...]] = []
        for entries in (data.get(kind) or {}).values():
            for w in entries:
                toks = tuple(tokens(str(w)))
                if toks and (len(toks) > 1 or kind == "free_text_alone"):
                    found.append(toks)
        out[kind] = tuple(found)
    return out


def _covered(toks: list[str], kind: str, words: frozenset[str]) -> list[bool]:
    """Which tokens a word of ``kind`` or one of its phrases (read in order) covers."""
    cov = [t in words for t in toks]
    for ph in phrases()[kind]:
        n = len(ph)
        for i in range(len(toks) - n + 1):
            if tuple(toks[i:i + n]) == ph:
                for j in range(i, i + n):
                    cov[j] = True
    return cov


_FILLER = frozenset({"your", "my", "the", "a", "su", "seu", "sua", "ou"})


@lru_cache(maxsize=16384)
def subject_of(name: str, label: str) -> Subject:
    voc = vocabulary()
    toks = [t for t in tokens(name or "") + tokens(label or "") if t]
    if not toks:
        return "generic"
    if not (label or "").strip() and all(_covered(toks, "search", voc["search"])):
        return "free_text"  # a site search / chat input: the person's own words
    if any(_covered(toks, "free_text", voc["free_text"])):
        return "free_text"
    if any(tuple(t for t in toks if t not in _FILLER) == ph for ph in phrases()["free_text_alone"]):
        return "free_text"  # ``question`` / "Your question" alone: the person's question to the city
    if any(t in voc["unrelated"] for t in toks):
        return "unrelated"
    if all(t in voc["generic"] or _ID_LIKE.match(t) for t in toks):
        return "generic"
    return "other"


@lru_cache(maxsize=1)
def status_documents() -> tuple[tuple[re.Pattern[str], str, str], ...]:
    data = yaml.load(resources.files("status_guard.collection").joinpath("vocabulary.yaml").read_text("utf-8"), Loader=_YAML_LOADER)  # noqa: S506 - a safe loader (C: ~6x faster)
    return tuple((re.compile(d["pattern"]), d["category"], d["title"]) for d in data.get("status_documents") or ())


_LEET = str.maketrans({"3": "e", "0": "o", "1": "i", "4": "a", "5": "s", "@": "a", "$": "s"})
_REPEAT = re.compile(r"([a-z])\1{2,}", re.IGNORECASE)


def file_name_spellings(filename: str) -> tuple[str, ...]:
    """A file name as the app may read it: HTML entities and percent escapes decoded (Django
    unescapes ``green&#95;card.pdf``), and as a person may disguise it (``gr33n``, ``greeen``)."""
    import html
    from urllib.parse import unquote

    out = [filename]
    for f in (html.unescape(filename), unquote(filename), html.unescape(unquote(filename)),
              unquote(html.unescape(filename))):
        if f not in out:
            out.append(f)
    for f in list(out):
        base = f.rsplit(".", 1)[0] if "." in f else f
        for g in (base.translate(_LEET), _REPEAT.sub(r"\1\1", base), _REPEAT.sub(r"\1\1", base.translate(_LEET))):
            if g not in out and not re.fullmatch(r"[\d\W_]*", base):
                out.append(g)
    return tuple(out)


def document_in_file_name(filename: str) -> tuple[frozenset[str], str | None]:
    """Categories of an immigration document a file is named for (``i-551_scan.jpg``), under any
    spelling of its name the app or a person may use (``file_name_spellings``)."""
    cats: set[str] = set()
    titles: list[str] = []
    spellings = file_name_spellings(filename)
    for rx, cat, title in status_documents():
        # form numbers are read on the name as sent and decoded (digits are not folded for them)
        if any(rx.search(f) for f in spellings):
            cats.add(cat)
            if title not in titles:
                titles.append(title)
    return frozenset(cats), ("the uploaded file is named for " + " / ".join(titles)) if titles else None
