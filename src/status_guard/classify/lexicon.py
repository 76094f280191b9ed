"""Pass 4 — the lexicon as two Aho-Corasick automata (pyahocorasick), built once per pack.

* the **word automaton** runs over the words of a name or label, joined by single spaces: a term
  matches whole words (``citizen`` does not match inside ``citizenship``); a term ending in ``*``
  matches a word prefix (``гражданств*`` meets ``гражданства``, ``гражданство``);
* **gapped terms** (``where … born``, ``в какой стране … родил*``): a question's words with room
  for its subject between them ("Where was *your mother* born?"); each piece matches whole words,
  the next piece starts at most ``GAP_WORDS`` words after the previous one ends, in one text;
* the **compact automaton** runs over the separator-free text: terms in scripts written without
  spaces or with attached particles (Chinese, Korean, Amharic, Bengali) and the pack's
  ``compact`` strings (``isuscitizenship``).

Both automata also hold the *exclusions* of each category (look-alike phrases), the
language files' look-alikes and the owner words of the context pass, so one scan of the text
finds everything; later passes decide. A scan costs a few microseconds whatever the size of the
lexicon.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any, Iterable, Mapping

import ahocorasick

from ..normalize import compact, tokens, tokens_unfolded
from ..policy.lexicon import Lexicon

TERM, EXCLUDE, OWNER, LOOKALIKE, COMPACT = range(5)

#: the most words a gapped term lets stand between two of its pieces (the question's subject:
#: "the child", "your mother", "usted", "the student's father")
GAP_WORDS = 6
#: what separates the pieces of a gapped term in the pack
_GAP = re.compile(r"\s*(?:\.\.\.|\u2026)\s*")
#: a gapped piece: its words, each (stem, is a prefix)
_Piece = tuple[tuple[str, bool], ...]

#: scripts matched as substrings of the compact text (no spaces between words, or particles and
#: case endings attached to the noun): Han, kana, Hangul, Ethiopic, Bengali
_COMPACT_SCRIPT = re.compile(r"[\u0980-\u09ff\u1200-\u139f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
                             r"\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")


def compact_script(text: str) -> bool:
    return bool(_COMPACT_SCRIPT.search(text))


@dataclass(frozen=True, slots=True)
class Entry:
    kind: int
    category: str  # TERM/EXCLUDE/COMPACT: category id; OWNER: owner id; LOOKALIKE: ""
    text: str
    lang: str = ""
    cats: frozenset[str] = frozenset()  # LOOKALIKE: the categories it vetoes
    not_with: frozenset[str] = frozenset()
    names_only: bool = False
    nwords: int = 1
    whole_field: bool = False  # LOOKALIKE: vetoes its categories in the whole field
    reduced: bool = False  # TERM: the phrase without its inner linkers (a loose reading, names only)

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # pickled in the policy cache: by its fields, positionally (the dataclass default reads
        # fields() per object: 5x slower to load)
        return (Entry, (self.kind, self.category, self.text, self.lang, self.cats, self.not_with, self.names_only,
                        self.nwords, self.whole_field, self.reduced))


@dataclass(frozen=True, slots=True)
class Hit:
    start: int  # word index (word automaton) or character index (compact automaton)
    end: int  # exclusive
    entry: Entry


def _term_parts(entry: Any) -> tuple[str, tuple[str, ...], bool]:
    if isinstance(entry, str):
        return entry, (), False
    return entry.term, tuple(entry.not_with), bool(entry.names_only)


class CompiledLexicon:
    """Every term, exclusion, look-alike and owner word of a pack, in two automata."""

    def __init__(self, categories: Mapping[str, Any], lexicon: Lexicon):
        words: dict[str, list[Entry]] = {}
        compacts: dict[str, list[Entry]] = {}
        self.value_categories: frozenset[str] = frozenset(
            c for c, cat in categories.items() if cat.detectors.classify_values)
        self.known_words: set[str] = set()
        #: the words of the protected terms (the targets of short typos: ``grean`` of green card)
        self.term_words: set[str] = set()
        self.languages: set[str] = set()

        linkers = word_set(w for ctx in lexicon.context for w in ctx.linkers)
        #: first word of a gapped term -> (its pieces, its entry)
        self._gapped: dict[str, list[tuple[tuple[_Piece, ...], Entry]]] = {}

        def add_word(text: str, make: Any, reduce: bool = True) -> None:
            raw = text.strip()
            prefix = raw.endswith("*")
            body = raw[:-1] if prefix else raw
            variants = {tokens(body)}
            if not body.isascii():
                variants.add(tokens_unfolded(body))  # a Cyrillic term alone and inside real Russian
            reduced: set[tuple[str, ...]] = set()
            for toks in list(variants):
                # a name drops the little words of a phrase (``permis_sejour``, ``statut_immigration``,
                # ``place_birth``): the phrase without the linkers inside it, two words at least; a
                # label is written with them, so a term read this way holds in names only
                inner = tuple(w for j, w in enumerate(toks) if j in (0, len(toks) - 1) or w not in linkers)
                if reduce and len(inner) >= 2 and inner != toks and inner not in variants:
                    reduced.add(inner)
            for toks in variants | reduced:
                if not toks:
                    continue
                key = " " + " ".join(toks) + ("" if prefix else " ")
                entry = make(len(toks))
                if toks in reduced and entry.kind == TERM:
                    entry = replace(entry, names_only=True, reduced=True)
                if toks in reduced and entry.kind != TERM:
                    continue  # exclusions, look-alikes and owners are read as written
                words.setdefault(key, []).append(entry)
                self.known_words.update(toks)

        def add_compact(text: str, entry: Entry) -> None:
            key = compact(text.rstrip("*"))
            if key:
                compacts.setdefault(key, []).append(entry)

        def add_gapped(text: str, entry: Entry) -> None:
            raw_pieces = [p for p in _GAP.split(text.strip()) if p.strip()]
            for tok in (tokens, tokens_unfolded):
                pieces: list[_Piece] = []
                for p in raw_pieces:
                    ws = p.split()
                    piece = tuple((t, w.endswith("*")) for w in ws for t in tok(w.rstrip("*")))
                    if piece:
                        pieces.append(piece)
                if len(pieces) < 2:
                    continue
                item = (tuple(pieces), entry)
                bucket = self._gapped.setdefault(pieces[0][0][0], [])
                if item not in bucket:
                    bucket.append(item)
                self.known_words.update(w for pc in pieces for w, _ in pc)

        def add_term(cat: str, lang: str, item: Any) -> None:
            text, not_with, names_only = _term_parts(item)
            nw = frozenset(w for n in not_with for w in tokens(n))
            if _GAP.search(text) and not compact_script(text):
                add_gapped(text, Entry(TERM, cat, text, lang, not_with=nw, names_only=names_only))
                self.languages.add(lang)
                return
            if compact_script(text):
                add_compact(text, Entry(TERM, cat, text, lang, not_with=nw, names_only=names_only))
            else:
                self.term_words.update(tokens(text.rstrip("*")))
                # Vietnamese syllables are also the linkers of other languages (o, a, di, tai)
                add_word(text, lambda n: Entry(TERM, cat, text, lang, not_with=nw, names_only=names_only, nwords=n),
                         reduce=lang != "vi")
            self.languages.add(lang)

        def add_exclude(cat: str, text: str) -> None:
            add_word(text, lambda n: Entry(EXCLUDE, cat, text, nwords=n))
            add_compact(text, Entry(EXCLUDE, cat, text))

        for cat_id, cat in categories.items():
            det = cat.detectors
            for lang, entries in det.terms.items():
                for item in entries:
                    add_term(cat_id, lang, item)
            for s in det.compact:
                add_compact(s, Entry(COMPACT, cat_id, compact(s)))
            for x in det.exclude:
                add_exclude(cat_id, x)
        for lang_file in lexicon.languages:
            lang = lang_file.language
            for cat_id, lc in lang_file.categories.items():
                for item in lc.terms:
                    add_term(cat_id, lang, item)
                for x in lc.exclude:
                    add_exclude(cat_id, x)
            for la in lang_file.look_alikes:
                cats = frozenset(la.categories)
                add_word(la.phrase, lambda n, la=la, cats=cats: Entry(LOOKALIKE, "", la.phrase, lang, cats=cats, nwords=n,
                                                                      whole_field=la.whole_field))
                add_compact(la.phrase, Entry(LOOKALIKE, "", la.phrase, lang, cats=cats, whole_field=la.whole_field))
        owner_words: list[tuple[str, str, str]] = []  # (owner id, language, word)
        for ctx in lexicon.context:
            for o in ctx.owners:
                for lang, ws in o.words.items():
                    owner_words += [(o.id, lang, w) for w in ws]
        for lang_file in lexicon.languages:
            for oid, ws in lang_file.owners.items():
                owner_words += [(oid, lang_file.language, w) for w in ws]
        for oid, lang, w in owner_words:
            if compact_script(w):
                add_compact(w, Entry(OWNER, oid, w, lang))
            else:
                add_word(w, lambda n, oid=oid, w=w, lang=lang: Entry(OWNER, oid, w, lang, nwords=n))

        self._words = self._automaton(words)
        self._compact = self._automaton(compacts)
        self.word_keys = len(words)
        self.compact_keys = len(compacts)

    @staticmethod
    def _automaton(keys: dict[str, list[Entry]]) -> Any:
        if not keys:
            return None
        a = ahocorasick.Automaton()
        for key, entries in keys.items():
            a.add_word(key, (len(key), tuple(dict.fromkeys(entries))))
        a.make_automaton()
        return a

    # -- scanning -------------------------------------------------------------------------------
    def scan_words(self, words: tuple[str, ...]) -> list[Hit]:
        """Hits over word indexes, in text order."""
        if self._words is None or not words:
            return []
        text = " " + " ".join(words) + " "
        starts: dict[int, int] = {}
        pos = 1
        for i, w in enumerate(words):
            starts[pos] = i
            pos += len(w) + 1
        out: list[Hit] = []
        for end_char, (klen, entries) in self._words.iter(text):
            first = starts.get(end_char - klen + 2)
            if first is None:
                continue
            for e in entries:
                out.append(Hit(first, first + e.nwords, e))
        if self._gapped:
            out.extend(self._scan_gapped(words))
        return out

    def _scan_gapped(self, words: tuple[str, ...]) -> list[Hit]:
        """Gapped terms: each piece in order, at most ``GAP_WORDS`` words after the previous one."""
        out: list[Hit] = []
        for i, w in enumerate(words):
            for pieces, entry in self._gapped.get(w, ()):
                if not _piece_at(words, i, pieces[0]):
                    continue
                end = i + len(pieces[0])
                for piece in pieces[1:]:
                    at = next((j for j in range(end, min(end + GAP_WORDS, len(words)) + 1)
                               if _piece_at(words, j, piece)), None)
                    if at is None:
                        break
                    end = at + len(piece)
                else:
                    out.append(Hit(i, end, entry))
        return out

    def scan_compact(self, ctext: str) -> list[Hit]:
        if self._compact is None or not ctext:
            return []
        out: list[Hit] = []
        for end_char, (klen, entries) in self._compact.iter(ctext):
            start = end_char - klen + 1
            for e in entries:
                out.append(Hit(start, end_char + 1, e))
        return out


def _piece_at(words: tuple[str, ...], i: int, piece: _Piece) -> bool:
    if i + len(piece) > len(words):
        return False
    return all(words[i + k].startswith(w) if prefix else words[i + k] == w for k, (w, prefix) in enumerate(piece))


def word_set(values: Iterable[str]) -> frozenset[str]:
    out: set[str] = set()
    for v in values:
        out.update(tokens(v))
    return frozenset(out)


#: compiled lexicons handed over by the policy loader (a cached pack comes with its automata):
#: (categories, lexicon, compiled), matched by the identity of the very objects they were made for
_COMPILED: list[tuple[Any, Any, CompiledLexicon]] = []


def remember_compiled(categories: Mapping[str, Any], lexicon: Lexicon, compiled: CompiledLexicon) -> None:
    _COMPILED[:] = [e for e in _COMPILED if not (e[0] is categories and e[1] is lexicon)][-3:]
    _COMPILED.append((categories, lexicon, compiled))


def compiled_lexicon(categories: Mapping[str, Any], lexicon: Lexicon) -> CompiledLexicon:
    """The compiled form of a pack's categories and lexicon: the one the loader brought (same
    objects), else built now."""
    for c, lx, compiled in _COMPILED:
        if c is categories and lx is lexicon:
            return compiled
    return CompiledLexicon(categories, lexicon)
