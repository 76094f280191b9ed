"""What a resident says of themselves, and what a form asks them, in every language of the lexicon.

2.129.040(b) forbids the City to *inquire*; it does not let the City turn away a resident who
tells their own story. The free-text recognisers find many status words, but not every way a
person says it ("N ka ten papel", "У меня нет документов", "No tengo papeles") nor every way a form
asks it ("¿Tiene usted papeles?", "Bu ten papel?"). This pass reads a text clause by clause with
the pack's words (``vocabulary.yaml`` ``volunteered_statements``):

* ``inquiry`` — the clause asks the person about their status: refused when a form asks it (a
  name, label, builder question or served page); in a resident's own words it is a quote and names
  the subject;
* ``disclosing`` — the person speaks of themselves (``first_person``) and a ``disclosing`` word is in
  the same clause: a volunteered status (flagged in city and police scope; in schools scope the
  clause is removed before the text is kept and the person is told, 040(k));
* ``topic`` — a ``topic`` word (or a disclosing word nobody claims): the subject is named ("threatened
  to report my immigration status"), nobody's status disclosed; kept and audited.

Spans are whole clauses of the original text (a clause ends at . , ; : ? ! and their CJK, Arabic,
Ethiopic and Bengali forms), so removing one never leaves half a disclosure behind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Literal

import yaml

from ..normalize import normalize

Kind = Literal["inquiry", "disclosing", "topic"]
KINDS = ("first_person", "disclosing", "topic", "inquiries")
_CLAUSE = re.compile(r"[^.,;:?!\n\u060c\u061b\u061f\u3001\u3002\uff0c\uff1b\uff1a\uff1f\uff01\u0964\u1361\u1362\u1363\u1364"
                     r"\u00bf\u00a1]+[?\u061f\uff1f]?")
_SPACELESS = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uac00-\ud7af]")


@dataclass(frozen=True)
class Statement:
    start: int  # the clause, in the original text
    end: int
    kind: Kind
    phrase: str  # the pack's phrase that decided it
    lang: str


def _pattern(phrase: str) -> str | None:
    prefix = phrase.strip().endswith("*")
    body = normalize(phrase.strip().strip("*")).strip()
    if not body:
        return None
    if _SPACELESS.search(body):
        return re.escape(body).replace(r"\ ", r"\s*")
    words = [re.escape(w) for w in body.split()]
    return r"(?<!\w)" + r"\s+".join(words) + (r"\w*" if prefix else "") + r"(?!\w)"


@dataclass(frozen=True)
class _Words:
    by_kind: dict[str, tuple[tuple[str, str, re.Pattern[str]], ...]]  # kind -> (lang, phrase, regex)
    first_person: frozenset[str]
    languages: dict[str, frozenset[str]]


@lru_cache(maxsize=1)
def words() -> _Words:
    data = yaml.safe_load(resources.files("status_guard.collection").joinpath("vocabulary.yaml").read_text("utf-8"))
    block = data.get("volunteered_statements") or {}
    by_kind: dict[str, tuple[tuple[str, str, re.Pattern[str]], ...]] = {}
    langs: dict[str, set[str]] = {}
    for kind in KINDS:
        out = []
        for lang, phrases in (block.get(kind) or {}).items():
            langs.setdefault(kind, set()).add(lang)
            for p in phrases or ():
                rx = _pattern(str(p))
                if rx is not None:
                    out.append((lang, str(p), re.compile(rx)))
        by_kind[kind] = tuple(out)
    fp = frozenset(normalize(str(p).strip("*")).strip() for ps in (block.get("first_person") or {}).values()
                   for p in ps or () if normalize(str(p)).strip())
    return _Words(by_kind, fp, {k: frozenset(v) for k, v in langs.items()})


def _first(kind: str, text: str) -> tuple[str, str] | None:
    for lang, phrase, rx in words().by_kind[kind]:
        if rx.search(text):
            return lang, phrase
    return None


@lru_cache(maxsize=16384)
def _clause_kind(clause: str) -> tuple[Kind, str, str] | None:
    n = normalize(clause)
    if not n.strip():
        return None
    hit = _first("inquiries", n)
    if hit is not None:
        return "inquiry", hit[1], hit[0]
    hit = _first("disclosing", n)
    if hit is not None:
        if _first("first_person", n) is not None:
            return "disclosing", hit[1], hit[0]
        return "topic", hit[1], hit[0]
    hit = _first("topic", n)
    if hit is not None:
        return "topic", hit[1], hit[0]
    return None


def clauses(text: str) -> list[tuple[int, int]]:
    """The clauses of ``text`` (start, end), whitespace trimmed."""
    out = []
    for m in _CLAUSE.finditer(text):
        a, b = m.start(), m.end()
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a < b:
            out.append((a, b))
    return out


@lru_cache(maxsize=4096)
def statements(text: str) -> tuple[Statement, ...]:
    """Every clause of ``text`` that asks, discloses or names a status."""
    out = []
    for a, b in clauses(text):
        k = _clause_kind(text[a:b])
        if k is not None:
            out.append(Statement(a, b, k[0], k[1], k[2]))
    return tuple(out)


def inquiry(text: str | None) -> Statement | None:
    """The first clause of ``text`` that asks the person about their status, if any."""
    if not text:
        return None
    return next((s for s in statements(text) if s.kind == "inquiry"), None)


def speaks_of_self(text: str) -> bool:
    """The text is a person's own statement about a status ("I don't have papers"), not a question."""
    return any(s.kind == "disclosing" for s in statements(text)) and inquiry(text) is None


def phrase_matches(clause: str) -> list[re.Match[str]]:
    """The pack's status words (``disclosing``, ``topic``) in a clause, matched on its normalised text."""
    n = normalize(clause)
    return [m for kind in ("disclosing", "topic") for _, _, rx in words().by_kind[kind] for m in rx.finditer(n)]


def topic_span(span: str) -> bool:
    """The recognisers' span is one of the pack's ``topic`` words ("statut d'immigration"): it names
    the subject."""
    n = normalize(span).strip()
    return any(rx.fullmatch(n) for _, _, rx in words().by_kind["topic"])


def first_person_words() -> frozenset[str]:
    return words().first_person


__all__ = ["Statement", "clauses", "first_person_words", "inquiry", "phrase_matches", "topic_span", "speaks_of_self", "statements", "words"]
