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

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

from ..normalize import normalize
from . import residency

Kind = Literal["inquiry", "disclosing", "topic"]
KINDS = ("first_person", "disclosing", "topic", "inquiries")
_CLAUSE = re.compile(r"[^.,;:?!\n\u060c\u061b\u061f\u3001\u3002\uff0c\uff1b\uff1a\uff1f\uff01\u0964\u1361\u1362\u1363\u1364"
                     r"\u00bf\u00a1]+[?\u061f\uff1f]?")
#: a full stop after a one- or two-letter initial that follows no other letter ("U.", "EE.", "S.")
_INITIAL_DOT = re.compile(r"(?<![^\W\d_])[^\W\d_]{1,2}\.(?=\s?[^\W\d_]{1,2}\.|[^\W\d_])|(?<=[^\W\d_]\.)[^\W\d_]{1,2}\.(?=\s*[a-z\u00df-\u024f])")
_SPACELESS = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uac00-\ud7af]")


@dataclass(frozen=True)
class Statement:
    start: int  # the clause, in the original text
    end: int
    kind: Kind
    phrase: str  # the pack's phrase that decided it
    lang: str


@dataclass(frozen=True)
class _Phrase:
    words: tuple[str, ...]  # normalised words; for a spaceless script one "word", the text itself
    prefix: bool  # the last word is a prefix ("документ*")
    spaceless: bool
    lang: str
    text: str  # as the pack wrote it

    def at(self, ws: tuple[str, ...], i: int) -> bool:
        n = len(self.words)
        if i + n > len(ws):
            return False
        if ws[i:i + n - 1] != self.words[:-1]:
            return False
        last = ws[i + n - 1]
        return last.startswith(self.words[-1]) if self.prefix else last == self.words[-1]


def _phrase(raw: str, lang: str) -> _Phrase | None:
    prefix = raw.strip().endswith("*")
    body = normalize(raw.strip().strip("*")).strip()
    if not body:
        return None
    if _SPACELESS.search(body):
        return _Phrase(("".join(body.split()),), prefix, True, lang, raw)
    return _Phrase(tuple(body.split()), prefix, False, lang, raw)


@dataclass(frozen=True)
class _Kind:
    """The phrases of one kind, indexed by their first word (a word-start prefix for ``x*``)."""

    by_first: dict[str, tuple[_Phrase, ...]]
    by_prefix: tuple[_Phrase, ...]  # one-word prefixes ("нелегал*")
    spaceless: tuple[_Phrase, ...]
    all: tuple[_Phrase, ...]

    def find(self, ws: tuple[str, ...], compact_text: str) -> list[tuple[int, int, _Phrase]]:
        """(start word, end word, phrase) of every occurrence; spaceless ones as (-1, -1, phrase)."""
        out = []
        for i, w in enumerate(ws):
            for p in self.by_first.get(w, ()):
                if p.at(ws, i):
                    out.append((i, i + len(p.words), p))
            for p in self.by_prefix:
                if w.startswith(p.words[0]):
                    out.append((i, i + 1, p))
        for p in self.spaceless:
            if p.words[0] in compact_text:
                out.append((-1, -1, p))
        return out


@dataclass(frozen=True)
class _Words:
    by_kind: dict[str, _Kind]
    first_person: frozenset[str]
    languages: dict[str, frozenset[str]]


@lru_cache(maxsize=1)
def words() -> _Words:
    data = yaml.load(resources.files("status_guard.collection").joinpath("vocabulary.yaml").read_text("utf-8"), Loader=_YAML_LOADER)  # noqa: S506 - a safe loader (C: ~6x faster)
    block = data.get("volunteered_statements") or {}
    by_kind: dict[str, _Kind] = {}
    langs: dict[str, set[str]] = {}
    for kind in KINDS:
        phrases = []
        for lang, raws in (block.get(kind) or {}).items():
            langs.setdefault(kind, set()).add(lang)
            phrases.extend(p for r in raws or () if (p := _phrase(str(r), lang)) is not None)
        first: dict[str, list[_Phrase]] = {}
        for p in phrases:
            if not p.spaceless and not (p.prefix and len(p.words) == 1):
                first.setdefault(p.words[0], []).append(p)
        by_kind[kind] = _Kind({k: tuple(v) for k, v in first.items()},
                              tuple(p for p in phrases if not p.spaceless and p.prefix and len(p.words) == 1),
                              tuple(p for p in phrases if p.spaceless), tuple(phrases))
    fp = frozenset(" ".join(p.words) for p in by_kind["first_person"].all)
    return _Words(by_kind, fp, {k: frozenset(v) for k, v in langs.items()})


def _found(kind: str, n: str) -> list[tuple[int, int, _Phrase]]:
    return words().by_kind[kind].find(tuple(n.split()), "".join(n.split()))


def _first(kind: str, n: str) -> tuple[str, str] | None:
    hits = _found(kind, n)
    return (hits[0][2].lang, hits[0][2].text) if hits else None


@lru_cache(maxsize=16384)
def _clause_kind(clause: str) -> tuple[Kind, str, str] | None:
    n = normalize(clause)
    if not n.strip():
        return None
    ws = tuple(n.split())
    # "¿Es usted residente de Cambridge?" asks where the person lives, not a status (r12g F18)
    asks = [h for h in _found("inquiries", n) if h[0] < 0 or residency.place_after(ws, h[1]) is None]
    if asks:
        return "inquiry", asks[0][2].text, asks[0][2].lang
    hits = [h for h in _found("disclosing", n) if not _card_brand(ws, h, n)]
    hit = (hits[0][2].lang, hits[0][2].text) if hits else None
    if hit is not None and not [h for h in _found("disclosing", _without_topics(n))
                                if not _card_brand(tuple(_without_topics(n).split()), h, n)]:
        hit = None  # only inside a longer subject's name: "移民局" (the immigration office) is the topic
    if hit is not None:
        if _first("first_person", n) is not None:
            return "disclosing", hit[1], hit[0]
        return "topic", hit[1], hit[0]
    hit = _first("topic", n)
    if hit is not None:
        return "topic", hit[1], hit[0]
    return None


@lru_cache(maxsize=1)
def _card_words() -> tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str]]:
    data = yaml.load(resources.files("status_guard.collection").joinpath("vocabulary.yaml").read_text("utf-8"),
                     Loader=_YAML_LOADER)  # noqa: S506 - a safe loader
    block = data.get("card_brand") or {}

    def flat(key: str) -> frozenset[str]:
        return frozenset(w for w in (normalize(str(x)).strip() for x in block.get(key) or ()) if w)

    return flat("brands"), flat("card"), flat("pay"), flat("not_with")


CARD_WINDOW = 2  # words between the brand and its card word


def _card_brand(ws: tuple[str, ...], hit: tuple[int, int, _Phrase], n: str) -> bool:
    """The hit is the card brand Visa, not a visa (r12g F03): a card word beside it, or a payment
    word in its clause and no word of a visa's own ("application", "expired", "student")."""
    brands, card, pay, not_with = _card_words()
    i, j, p = hit
    if " ".join(p.words) not in brands:
        return False
    if i < 0:  # a spaceless script: a card word in the text
        return any(c in n.replace(" ", "") for c in card if _SPACELESS.search(c))
    near = ws[max(0, i - CARD_WINDOW):i] + ws[j:j + CARD_WINDOW]
    if any(w in card for w in near):
        return True
    return any(w in pay for w in ws) and not any(w in not_with for w in ws)


def _without_topics(n: str) -> str:
    """The normalised clause with the pack's longer ``topic`` names taken out (a topic phrase of two
    or more words, or a spaceless one), so a disclosing word that is only part of a subject's name
    ("移民" in "移民局") is not read as the person's own status (r12e F13)."""
    ws = n.split()
    keep = [True] * len(ws)
    spaceless: list[str] = []
    for i, j, p in _found("topic", n):
        if i < 0:
            spaceless.append(p.words[0])
        elif j - i >= 2:
            for x in range(i, j):
                keep[x] = False
    out = " ".join(w for w, k in zip(ws, keep) if k)
    for t in sorted(spaceless, key=len, reverse=True):
        if len(t) >= 2:
            out = out.replace(t, " ")
    return out


def clauses(text: str) -> list[tuple[int, int]]:
    """The clauses of ``text`` (start, end), whitespace trimmed."""
    out = []
    # an initial's full stop ("U.S.", "EE.UU.", "E.U.A.") does not end a clause: "Are you a U.S.
    # national?" is one question (r12f F20); the mask keeps every position
    masked = _INITIAL_DOT.sub(lambda m: m.group(0)[:-1] + " ", text) if "." in text else text
    for m in _CLAUSE.finditer(masked):
        a, b = m.start(), m.end()
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a < b:
            out.append((a, b))
    return out


@lru_cache(maxsize=1)
def _conjunctions() -> frozenset[str]:
    data = yaml.safe_load(resources.files("status_guard.collection").joinpath("vocabulary.yaml").read_text("utf-8"))
    return frozenset(normalize(str(w)).strip() for w in data.get("clause_conjunctions") or () if normalize(str(w)).strip())


_WORD = re.compile(r"\S+")


def _narrowed(text: str, a: int, b: int) -> tuple[int, int]:
    """A disclosing clause narrowed to its parts that hold status words (r12e F16): the clause is
    cut before each coordinating conjunction (``clause_conjunctions``); the parts before the first
    and after the last part that names, asks or discloses a status are left out. A part that says
    nothing of a status ("and my landlord won't fix the heat") is the person's other message and
    arrives. The parts in between stay (fail closed)."""
    conj = _conjunctions()
    cuts = [a]
    for m in _WORD.finditer(text, a, b):
        if m.start() > a and normalize(m.group(0)).strip() in conj:
            cuts.append(m.start())
    if len(cuts) == 1:
        return a, b
    cuts.append(b)
    parts = [(cuts[i], cuts[i + 1]) for i in range(len(cuts) - 1)]
    said = [i for i, (x, y) in enumerate(parts) if _clause_kind(text[x:y]) is not None]
    if not said:
        return a, b  # the status words run across the parts: the whole clause
    start, end = parts[said[0]][0], parts[said[-1]][1]
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


@lru_cache(maxsize=4096)
def statements(text: str) -> tuple[Statement, ...]:
    """Every clause of ``text`` that asks, discloses or names a status (a disclosing clause narrowed
    to its parts that hold status words: ``_narrowed``)."""
    out = []
    for a, b in clauses(text):
        k = _clause_kind(text[a:b])
        if k is not None:
            if k[0] == "disclosing":
                a, b = _narrowed(text, a, b)
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


def phrase_matches(clause: str) -> list[str]:
    """The pack's status words (``disclosing``, ``topic``) in a clause, as they stand in its
    normalised text."""
    n = normalize(clause)
    ws = n.split()
    out = []
    for kind in ("disclosing", "topic"):
        for i, j, p in _found(kind, n):
            out.append(" ".join(ws[i:j]) if i >= 0 else p.words[0])
    return out


def topic_span(span: str) -> bool:
    """The recognisers' span is one of the pack's ``topic`` words ("statut d'immigration"): it names
    the subject."""
    n = normalize(span).strip()
    ws = tuple(n.split())
    return any((i, j) == (0, len(ws)) or (i < 0 and p.words[0] == "".join(ws)) for i, j, p in _found("topic", n))


def first_person_words() -> frozenset[str]:
    return words().first_person


__all__ = ["Statement", "clauses", "first_person_words", "inquiry", "phrase_matches", "topic_span", "speaks_of_self", "statements", "words"]
