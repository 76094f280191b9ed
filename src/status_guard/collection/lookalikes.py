"""Look-alikes of a status question, read the same way in every language of the pack's lexicon.

The classifier finds the words of a protected subject; whether a *form* asks it depends on what the
words are doing (label conventions 4 and 5 of the blind corpus; issue 12 items 7 and 8). Four
shapes name the subject without asking it, and this pass takes them out of what a field asks:

* **a welcoming statement** — a clause that says the form does not ask ("we will not ask about
  your immigration status", "regardless of immigration status", "لن نسألك عن وضعك من حيث الهجرة"):
  the clause is not read; the other clauses of the same text still are;
* **a city service** — a status word next to a service noun of its language (a citizenship class,
  a naturalization ceremony, the Office of Immigrant Affairs, a DACA-renewal clinic, passport
  acceptance, ``lễ nhập tịch``), unless the person is addressed beside it ("your naturalization
  ceremony" asks);
* **a form builder's own record** — a term assembled across a path boundary from wrapper words
  only (Cognito's ``Entry.Status`` is the entry's state, not a "status at entry");
* **an abbreviation the form spells out** — ``cit_stat`` beside ``citation_status``: the form's own
  key says what ``cit`` stands for.

A category is taken out only when *every* lexicon match that found it is one of these; a category
found by a standard's vocabulary or a pattern is kept (fail closed). Words: ``vocabulary.yaml``
(``services``, ``addressed``, ``not_asked``, ``service_categories``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Iterable

import yaml

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

from ..classify.lexicon import compact_script
from ..classify.result import Classification
from ..normalize import compact, tokens
from . import residency
from .subjects import vocabulary

_CLAUSE = re.compile(r"[.,;:?!()\[\]\n\u060c\u061b\u061f\u3002\uff0c\uff1b\uff1a\uff1f\uff01\u0964]|\s[/|]\s")
# sentences: a full stop must end a word ("U.S. citizen" is one sentence) and be followed by space/end
# (" / " joins the labels a control has from several sources: each is a sentence of its own)
_SENTENCE = re.compile(r"(?<=[^\W\d_]{2}[.!])(?=\s|$)|(?<=[?\u061f\u3002\uff1f\uff01\u0964\u1362])|\n+|\s/\s")
_TERM_LANG = re.compile(r"^(?:name|label) term '.*' \(([A-Za-z-]+)\)")
_ABBR = re.compile(r"'([^']+)' read as '([^']+)'")
_MATCH_REASON = ("name term ", "label term ", "name contains ", "label contains ")
ADJACENT_WORDS = 1  # at most this many words between a status term and its service noun
ADJACENT_CHARS = 2  # the same for scripts written without spaces
ADDRESSED_WINDOW = 2
MIN_FOREIGN_NOUN = 4  # letters of a service noun read beside another language's term


@dataclass(frozen=True)
class _Phrase:
    words: tuple[str, ...]
    prefix: bool  # the last word is a prefix ("курс*")
    ctext: str  # compact form, for scripts written without spaces
    lang: str
    suffix: bool = False  # one word, matched by its ending ("*니다": a Korean declarative ending)

    def at(self, words: tuple[str, ...], i: int) -> bool:
        n = len(self.words)
        if i < 0 or i + n > len(words):
            return False
        if self.suffix:
            return words[i].endswith(self.words[0]) and len(words[i]) > len(self.words[0])
        if words[i:i + n - 1] != self.words[:-1]:
            return False
        last = words[i + n - 1]
        return last.startswith(self.words[-1]) if self.prefix else last == self.words[-1]


@dataclass(frozen=True)
class _Vocab:
    services: tuple[_Phrase, ...]
    addressed: tuple[_Phrase, ...]
    not_asked: tuple[_Phrase, ...]
    rights: tuple[_Phrase, ...]
    declarative_min: dict[str, int]  # language -> fewest words of an informing sentence
    requests: tuple[_Phrase, ...]  # every language's: any of them keeps a sentence (fail closed)
    notices: frozenset[str]
    verbs: tuple[_Phrase, ...]
    categories: frozenset[str]
    languages: dict[str, frozenset[str]]  # list name -> languages that have one
    declarative_addressed: tuple[_Phrase, ...] = ()  # words addressing the reader ("us", "我们")
    min_chars: int = 8  # an informing sentence in a script written without spaces
    answer_services: tuple[_Phrase, ...] = ()  # services a resident chooses: read in answers only
    answer_facts: frozenset[str] = frozenset()  # words that make an answer a fact of their status
    signup: tuple[_Phrase, ...] = ()  # words offering the service ("sign up", "RSVP", "报名")
    personal_services: tuple[_Phrase, ...] = ()  # steps a person goes through (ceremony, class, interview)
    personal_categories: frozenset[str] = frozenset()  # the status categories such a step reveals


def _phrases(by_lang: dict[str, list[str]]) -> tuple[_Phrase, ...]:
    out = []
    for lang, entries in (by_lang or {}).items():
        for raw in entries:
            raw = str(raw).strip()
            prefix = raw.endswith("*")
            suffix = raw.startswith("*") and not prefix
            body = raw.strip("*")
            toks = tokens(body)
            if toks:
                out.append(_Phrase(tuple(toks), prefix, compact(body), lang, suffix))
                # a prefix written in letters that look Latin ("курс*") folds to Latin ("kypc") while
                # the longer words it starts ("курса") do not: read it as written too
                plain = tuple(body.casefold().split())
                if prefix and plain != tuple(toks) and all(w.isalpha() for w in plain):
                    out.append(_Phrase(plain, prefix, compact(body), lang, suffix))
    return tuple(out)


@lru_cache(maxsize=1)
def vocab() -> _Vocab:
    data = yaml.load(resources.files("status_guard.collection").joinpath("vocabulary.yaml").read_text("utf-8"), Loader=_YAML_LOADER)  # noqa: S506 - a safe loader (C: ~6x faster)
    decl = data.get("declarative") or {}
    langs = decl.get("languages") or {}
    default_min = int(decl.get("min_words", 5))

    def per_lang(key: str) -> tuple[_Phrase, ...]:
        return _phrases({lang: entry.get(key) or [] for lang, entry in langs.items()})

    return _Vocab(
        _phrases(data.get("services")), _phrases(data.get("addressed")), _phrases(data.get("not_asked")),
        _phrases(data.get("rights")), {lang: int(e.get("min_words", default_min)) for lang, e in langs.items()},
        per_lang("requests"),
        frozenset(w for r in decl.get("notices", ()) for w in tokens(str(r))),
        per_lang("verbs"),
        frozenset(data.get("service_categories") or ()),
        {**{k: frozenset(data.get(k) or {}) for k in ("services", "addressed", "not_asked", "answer_services",
                                                      "rights")},
         "declarative": frozenset(lang for lang, e in langs.items() if e.get("verbs") and e.get("requests"))},
        per_lang("addressed"), int(decl.get("min_chars", 8)),
        _phrases(data.get("answer_services")),
        frozenset(w for ws in (data.get("answer_facts") or {}).values() for r in ws for w in tokens(str(r))),
        _phrases(data.get("signup")), _phrases(data.get("personal_services")),
        frozenset(data.get("personal_service_categories") or ()),
    )


class PhraseIndex:
    """Phrases by their first word, so a text is read once instead of once per phrase (a page of
    1 000 labels met every one of the pack's ~2 000 phrases at every word: seconds of work).

    A word proposes only the phrases whose first word it is (or begins with, for a one-word prefix
    phrase ``курс*``; or ends with, for a suffix phrase ``*니다``); each candidate is confirmed by
    :meth:`_Phrase.at`, the same test the phrases were always read with — so the matches are the
    same, and the callers put them in the same order (phrase by phrase, position by position).
    Phrases ``text_only`` says are read inside the compact text are listed in ``texts`` instead."""

    __slots__ = ("phrases", "exact", "prefix", "prefix_lens", "suffix", "suffix_lens", "always", "texts")

    def __init__(self, phrases: tuple[_Phrase, ...], text_only: Any) -> None:
        self.phrases = phrases
        self.exact: dict[str, list[int]] = {}
        self.prefix: dict[str, list[int]] = {}
        self.suffix: dict[str, list[int]] = {}
        self.always: list[int] = []  # no first word to index by: tried at every position
        texts = []
        for k, p in enumerate(phrases):
            if text_only(p.ctext):
                texts.append(k)
            elif not p.words or not p.words[0]:
                self.always.append(k)
            elif p.suffix:
                self.suffix.setdefault(p.words[0], []).append(k)
            elif p.prefix and len(p.words) == 1:
                self.prefix.setdefault(p.words[0], []).append(k)
            else:
                self.exact.setdefault(p.words[0], []).append(k)
        self.texts = tuple(texts)
        self.prefix_lens = tuple(sorted({len(w) for w in self.prefix}))
        self.suffix_lens = tuple(sorted({len(w) for w in self.suffix}))

    def matches(self, words: tuple[str, ...]) -> list[tuple[int, int]]:
        """(phrase number, position) of every phrase read by words that is at a position of ``words``."""
        out: list[tuple[int, int]] = []
        phrases, exact, prefix, suffix = self.phrases, self.exact, self.prefix, self.suffix
        for i, w in enumerate(words):
            cands: list[int] = list(exact.get(w, ()))
            if prefix:
                for n in self.prefix_lens:
                    if n > len(w):
                        break
                    cands.extend(prefix.get(w[:n], ()))
            if suffix:
                for n in self.suffix_lens:
                    if n >= len(w):
                        break
                    cands.extend(suffix.get(w[len(w) - n:], ()))
            cands.extend(self.always)
            for k in cands:
                if phrases[k].at(words, i):
                    out.append((k, i))
        return out


_INDEXES: dict[Any, tuple[Any, PhraseIndex]] = {}
_MAX_INDEXES = 256


def phrase_index(phrases: Iterable[_Phrase], text_only: Any) -> PhraseIndex:
    """The index of ``phrases`` (remembered: the pack's lists are built once; a list assembled by a
    caller is known by the identity of its phrases, which the index holds on to)."""
    hit = _INDEXES.get((id(phrases), text_only))
    if hit is not None and hit[0] is phrases:
        return hit[1]
    seq = tuple(phrases)
    key = (tuple(map(id, seq)), text_only)
    hit = _INDEXES.get(key)
    if hit is None:  # (a tuple assembled anew by every call is found by its phrases after the first)
        if len(_INDEXES) >= _MAX_INDEXES:
            _INDEXES.clear()
        hit = _INDEXES[key] = (seq, PhraseIndex(seq, text_only))
        if isinstance(phrases, tuple):
            _INDEXES[(id(phrases), text_only)] = (phrases, hit[1])
    return hit[1]


# -- welcoming statements -------------------------------------------------------------------------
def _says_not_asked(clause: str, phrases: tuple[_Phrase, ...] | None = None) -> bool:
    words = tuple(tokens(clause))
    index = phrase_index(vocab().not_asked if phrases is None else phrases, compact_script)
    if index.matches(words):
        return True
    if index.texts:
        ctext = compact(clause)
        # a phrase written in such a script is inside the text only if the text holds that script
        return compact_script(ctext) and any(index.phrases[k].ctext and index.phrases[k].ctext in ctext
                                             for k in index.texts)
    return False


@lru_cache(maxsize=16384)
def without_statements(text: str | None) -> tuple[str | None, tuple[str, ...]]:
    """``text`` without its clauses that promise the subject is not asked, and those clauses."""
    if not text:
        return text, ()
    v = vocab()
    dropped: list[str] = []
    kept: list[str] = []
    asides = [a for a in _ASIDE.findall(text) if _informs(a + ".")]
    for a in asides:
        dropped.append(a.strip())
        text = text.replace(f"({a})", " ")
    sentences = [x for x in _SENTENCE.split(text) if x and x.strip()]
    for sent in sentences:
        if _says_not_asked(sent, v.rights) or _informs(sent):
            dropped.append(sent.strip())
            continue
        for c in _CLAUSE.split(sent):
            if not c or not c.strip():
                continue
            (dropped if _says_not_asked(c) or _notice(c) else kept).append(c.strip())
    if not dropped:
        return text, ()
    return (" / ".join(kept) or None), tuple(dropped)


_ASIDE = re.compile(r"\(([^()]{8,})\)")


def _notice(clause: str) -> bool:
    """A clause naming a notice the page gives ("Your appointment reminder: reply with a time")."""
    words = tokens(clause)
    return len(words) >= 2 and words[-1] in vocab().notices


_STATEMENT_ENDS = frozenset(".!\u3002\uff01\u0964\u1362")  # . ! 。 ！ । ።


_HAN = re.compile("[\u3400-\u9fff\uf900-\ufaff]")


def _spaceless(text: str) -> bool:
    """Written without spaces between words (Han characters): phrases are found inside the text.
    Korean, Amharic and Bengali separate words with spaces and are read word by word here."""
    return bool(text) and all("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in text)


def _found(phrases: Iterable[_Phrase], words: tuple[str, ...], ctext: str) -> list[_Phrase]:
    """The phrases present: by words, or (Han script) inside the compact text."""
    index = phrase_index(phrases, _spaceless)
    found = {k for k, _ in index.matches(words)}
    if index.texts and _HAN.search(ctext):  # (a Han phrase is inside a text only if it holds Han)
        found.update(k for k in index.texts if index.phrases[k].ctext in ctext)
    return [index.phrases[k] for k in sorted(found)]


def _informs(sentence: str) -> bool:
    """A declarative sentence that addresses nobody and asks for nothing (information on the
    page), in any language of the pack's lexicon: it holds a verb of a language and is long enough
    for that language; no language's request word and no word addressing the reader is in it."""
    s = sentence.strip()
    if not s or s[-1] not in _STATEMENT_ENDS:
        return False
    words = tuple(tokens(s))
    ctext = compact(s)
    v = vocab()
    if _found(v.requests, words, ctext) or _found(v.addressed + v.declarative_addressed, words, ctext):
        return False
    for p in _found(v.verbs, words, ctext):
        if _spaceless(p.ctext):
            if sum(1 for ch in ctext if _spaceless(ch)) >= v.min_chars:
                return True
        elif len(words) >= v.declarative_min.get(p.lang, 5):
            return True
    return False


# -- services, wrappers, abbreviations -------------------------------------------------------------
def _lang_of(reason: str) -> str | None:
    m = _TERM_LANG.match(reason)
    return m.group(1) if m else None


def _occurrences(phrases: Iterable[_Phrase], words: tuple[str, ...]) -> list[tuple[int, int, _Phrase]]:
    index = phrase_index(phrases, compact_script)
    out = []
    for k, i in sorted(index.matches(words)):  # phrase by phrase, each at its positions in order
        p = index.phrases[k]
        out.append((i, i + len(p.words), p))
    return out


def _term_languages(classifier: Any, words: tuple[str, ...]) -> frozenset[str]:
    """Every lexicon language that has these words as a term ("naturalisation" is English and French)."""
    from ..classify.lexicon import TERM

    n = len(words)
    return frozenset(h.entry.lang for h in classifier.lexicon.scan_words(words)
                     if h.entry.kind == TERM and h.start == 0 and h.end == n and h.entry.lang)


def _service_beside(classifier: Any, a: Any, m: Any, text: str, answer: bool = False) -> str | None:
    v = vocab()
    if m.category not in v.categories:
        return None
    all_services = v.services + v.answer_services if answer else v.services
    if m.compact:
        ctext = compact(text)
        for p in all_services:
            if not compact_script(p.ctext):
                continue
            for found in re.finditer(re.escape(p.ctext), ctext):
                if m.start - ADJACENT_CHARS <= found.end() <= m.start or m.end <= found.start() <= m.end + ADJACENT_CHARS:
                    lo, hi = min(found.start(), m.start), max(found.end(), m.end)
                    near = ctext[max(0, lo - 4):hi + 4]
                    if not any(q.ctext and q.ctext in near for q in v.addressed if compact_script(q.ctext)) \
                            or _found(v.signup, tuple(tokens(text)), ctext):
                        return ctext[lo:hi]
        return None
    words = a.words
    langs = _term_languages(classifier, words[m.start:m.end])
    lang = _lang_of(m.reason)
    if lang is not None:
        langs = langs | {lang}
    # the term's own languages; another language's noun too when it cannot be a short word of
    # this one (a loanword: "immigrant" in a French "affaires des immigrants"; but Vietnamese "lễ"
    # folds to French "le")
    occurrences = _occurrences(v.services, words) + (_occurrences(v.answer_services, words) if answer else [])
    for s0, s1, p in occurrences:
        if not (not langs or p.lang in langs or len(p.ctext) >= MIN_FOREIGN_NOUN):
            continue
        if (s1 <= m.start and m.start - s1 <= ADJACENT_WORDS) or (s0 >= m.end and s0 - m.end <= ADJACENT_WORDS):
            lo, hi = min(s0, m.start), max(s1, m.end)
            window = words[max(0, lo - ADDRESSED_WINDOW):hi + ADDRESSED_WINDOW]
            own = langs | {p.lang}
            addressed = [o for o in _occurrences(v.addressed, window)
                         if o[2].lang in own or len(o[2].ctext) >= MIN_FOREIGN_NOUN]
            if addressed and not _found(v.signup, words, compact(text)):
                return None  # "your naturalization orientation" asks; "sign up for your ..." offers it
            return " ".join(words[lo:hi])
    return None


@lru_cache(maxsize=1)
def _service_noun_languages() -> dict[tuple[str, ...], frozenset[str]]:
    out: dict[tuple[str, ...], set[str]] = {}
    for p in vocab().services:
        if not p.prefix:
            out.setdefault(p.words, set()).add(p.lang)
    return {k: frozenset(v) for k, v in out.items()}


def _noun_of_the_service(classifier: Any, a: Any, m: Any) -> str | None:
    """The match is itself a service noun of the language of a status term beside it: Haitian
    ``sèvis`` (service) folds to English ``SEVIS`` in "sèvis sitwayennte"."""
    if m.compact:
        return None
    words = a.words[m.start:m.end]
    nouns = _service_noun_languages().get(words, ()) if isinstance(words, tuple) else ()
    if not nouns:
        return None
    for o in a.matches:
        if o.compact or (o.start, o.end) == (m.start, m.end):
            continue
        if (o.end <= m.start and m.start - o.end <= ADJACENT_WORDS) or (o.start >= m.end and o.start - m.end <= ADJACENT_WORDS):
            if _term_languages(classifier, a.words[o.start:o.end]) & nouns:
                return " ".join(words)
    return None


def _builder_record(a: Any, m: Any) -> str | None:
    """A term joined across a path boundary from wrapper words only (``Entry.Status``)."""
    if m.compact or m.end - m.start < 2:
        return None
    segs = sorted(set(a.seg_of[m.start:m.end]))
    if len(segs) < 2:
        return None
    generic = vocabulary()["generic"]
    seg_words = [w for w, s in zip(a.words, a.seg_of) if s in segs]
    if all(w in generic for w in seg_words):
        return ".".join(" ".join(w for w, s in zip(a.words, a.seg_of) if s == k) for k in segs)
    return None


def _spelled_out(classifier: Any, a: Any, m: Any, siblings: tuple[str, ...]) -> str | None:
    """``cit_stat`` beside ``citation_status``: a sibling key spells the abbreviation another way."""
    if m.compact or not siblings:
        return None
    abbr = {full: short for short, full in _ABBR.findall(m.reason)}
    if not abbr:
        return None
    mine = a.words
    for key in siblings:
        other = classifier.analyse(key, "name").words
        if len(other) != len(mine) or other == mine:
            continue
        diff = [i for i, (x, y) in enumerate(zip(mine, other)) if x != y]
        if all(mine[i] in abbr and other[i].startswith(abbr[mine[i]]) and len(other[i]) > len(abbr[mine[i]])
               and not classifier.classify(other[i]).categories for i in diff):
            return key
    return None


@lru_cache(maxsize=16384)
def _addresses(text: str) -> bool:
    """Whether a word addressing the person is in ``text`` (a cheap test before reading the
    pack's look-alike phrases again)."""
    v = vocab()
    return bool(_found(v.addressed, tuple(tokens(text)), compact(text)))


def _addressed_services(classifier: Any, texts: list[tuple[str, str]]) -> Classification:
    """The categories the pack's own look-alike phrases (``exclude:`` "naturalization ceremony",
    "入籍仪式", a language file's ``look_alikes``) veto although the person is addressed beside
    the phrase: "your naturalization ceremony date" asks that they are being naturalized. The
    phrases are read by the service-noun rule: a phrase that holds a service noun names a service
    only while nobody is addressed beside it (the same window as ``_service_beside``)."""
    from ..classify.lexicon import COMPACT, EXCLUDE, LOOKALIKE, TERM

    v = vocab()
    cats: dict[str, tuple[str, ...]] = {}
    for text, source in texts:
        a = classifier.analyse(text, source)
        words = a.words
        if _found(v.signup, tuple(tokens(text)), compact(text)):
            continue  # the text offers the service: a sign-up, not a question about the person
        hits = classifier.lexicon.scan_words(words)
        vetoes = [h for h in hits if h.entry.kind in (EXCLUDE, LOOKALIKE)]
        for h in hits:
            if h.entry.kind != TERM or h.entry.category not in v.personal_categories:
                continue
            for x in vetoes:
                if not (x.start < h.end and h.start < x.end):
                    continue
                if not (x.entry.kind == EXCLUDE and x.entry.category == h.entry.category
                        or x.entry.kind == LOOKALIKE and h.entry.category in x.entry.cats):
                    continue
                if not _occurrences(v.personal_services, words[x.start:x.end]):
                    continue  # no step the person goes through ("visa gift card", "immigrant community")
                lo, hi = min(x.start, h.start), max(x.end, h.end)
                window = words[max(0, lo - ADDRESSED_WINDOW):hi + ADDRESSED_WINDOW]
                if _occurrences(v.addressed, window):
                    phrase = " ".join(words[lo:hi])
                    cats[h.entry.category] = (f"{source} term '{h.entry.text}' in '{phrase}': the person is "
                                              "addressed beside the service, which makes it theirs",)
        ctext = compact(text)
        chits = classifier.lexicon.scan_compact(ctext)
        cvetoes = [h for h in chits if h.entry.kind in (EXCLUDE, LOOKALIKE)]
        for h in chits:
            if h.entry.kind not in (TERM, COMPACT) or h.entry.category not in v.personal_categories:
                continue
            for x in cvetoes:
                if not (x.start < h.end and h.start < x.end):
                    continue
                if not (x.entry.kind == EXCLUDE and x.entry.category == h.entry.category
                        or x.entry.kind == LOOKALIKE and h.entry.category in x.entry.cats):
                    continue
                span = ctext[x.start:x.end]
                if not any(compact_script(p.ctext) and p.ctext in span for p in v.personal_services):
                    continue
                near = ctext[max(0, min(x.start, h.start) - 4):max(x.end, h.end) + 4]
                if any(q.ctext and compact_script(q.ctext) and q.ctext in near for q in v.addressed):
                    cats[h.entry.category] = (f"{source} contains '{span}': the person is addressed beside the "
                                              "service, which makes it theirs",)
    return Classification(frozenset(cats), cats)


def answer_states_a_fact(value: str) -> bool:
    """An answer that states a fact of the person's status (a date, a number, "expired", "holder"):
    never a chosen service."""
    return any(ch.isdigit() for ch in value) or any(w in vocab().answer_facts for w in tokens(value))


def asked(classifier: Any, name: str, label: str | None, siblings: tuple[str, ...] = (),
          answer: bool = False) -> tuple[Classification, list[str]]:
    """What a field's name and label ask, the look-alikes taken out, and why each was.
    ``answer``: ``label`` is a submitted answer, where a service a resident chooses ("DACA
    renewal") is named by ``answer_services`` too."""
    notes: list[str] = []
    clean, dropped = without_statements(label)
    result = classifier.classify(name, clean)
    texts = [(t, src) for t, src in ((name, "name"), (clean, "label")) if t and _addresses(t)]
    addressed = _addressed_services(classifier, texts) if texts else Classification(frozenset(), {})
    if addressed.categories - result.categories:
        result = result.merged(addressed)
    for d in dropped:
        notes.append(f"not a question: '{d[:80]}' says the form does not ask")
    if not result.categories:
        return result, notes
    analyses = []
    if name:
        analyses.append((classifier.analyse(name, "name"), name, "name"))
    if clean:
        analyses.append((classifier.analyse(clean, "label"), clean, "label"))
    keep = set(result.categories)
    for cat in sorted(result.categories):
        if any(not r.startswith(_MATCH_REASON) for r in result.reasons.get(cat, ())):
            continue  # a standard's element or a pattern found it too
        whys: list[str] = []
        covered = True
        seen = False
        for a, text, source in analyses:
            worded = {m.category for m in a.matches if not m.compact}
            for m in a.matches:
                if m.category != cat or (m.compact and cat in worded):
                    continue  # (the classifier too lets a word match decide over a compact one)
                seen = True
                why = None
                if source == "name":
                    rec = _builder_record(a, m)
                    if rec is not None:
                        why = f"'{rec}' is the form builder's own record, not a question"
                    else:
                        key = _spelled_out(classifier, a, m, siblings)
                        if key is not None:
                            why = f"the form spells the abbreviation out as `{key}`"
                if why is None and not m.compact:
                    place = residency.place_after(a.words, m.end)
                    if place is not None:
                        why = f"'{place}' is where the person lives: residency, not a status"
                if why is None:
                    noun = _noun_of_the_service(classifier, a, m)
                    if noun is not None:
                        why = f"'{noun}' is the service noun of the words beside it"
                if why is None:
                    svc = _service_beside(classifier, a, m, text, answer=answer and source == "label")
                    if svc is not None:
                        why = f"'{svc}' names a city service, not a question"
                if why is None:
                    covered = False
                    break
                whys.append(why)
            if not covered:
                break
        if covered and seen:
            keep.discard(cat)
            notes.extend(f"{cat}: look-alike: {w}" for w in dict.fromkeys(whys))
    if keep == set(result.categories):
        return result, notes
    return Classification(frozenset(keep), {k: v for k, v in result.reasons.items() if k in keep}), notes


__all__ = ["asked", "vocab", "without_statements"]
