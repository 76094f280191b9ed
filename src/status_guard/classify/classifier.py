"""The classifier: a field name, an optional label and an optional value -> categories, with the
reasons for each. It composes the passes of this package, in order:

1. ``segments``       — normalise (``normalize``) and tokenise the name as a path, with prefixes;
                        digits standing for letters are read as letters (``variants.unleet``);
2. ``abbreviations``  — ``NEXT_CRT_DT`` -> next court date;
3. ``vocabulary``     — Ed-Fi / CEDS / NIEM elements, exactly (names only);
4. ``lexicon``        — one Aho-Corasick scan for terms, exclusions, look-alikes and owner words;
   ``variants.typo``  — a second scan when a token is a one-letter typo of a protected word;
5. vetoes             — exclusions and look-alikes that overlap a match, ``not_with`` words,
                        ``names_only`` terms, value-mode categories;
6. ``owners``         — the owner in the path or label rewrites or drops the category;
7. patterns           — the pack's regular expressions over the raw text;

and returns a :class:`Classification` whose every category carries its reasons. Results are
cached by input (an LRU per text and per name/label pair).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Mapping

from ..model import MISSING
from ..normalize import compact, raw_clean, tokens
from ..policy.lexicon import EMPTY_LEXICON, Lexicon
from .abbreviations import Abbreviations
from .lexicon import COMPACT, EXCLUDE, LOOKALIKE, OWNER, TERM, CompiledLexicon, Hit, compiled_lexicon
from .owners import PERSON, OwnerFound, OwnerRules
from .result import EMPTY, Classification, build
from .segments import Segment, single_segment, split_segments
from .variants import SHORT_TYPO_HEADS, Variants
from .wordbreak import WordBreak
from .vocabulary import Vocabularies, VocabularyHit

MAX_CLASSIFY_CHARS = 4096  # names/labels longer than this are truncated for matching (never echoed)
MAX_VALUE_TERMS_CHARS = 64
LABEL_OWNER_WINDOW = 3  # in a label, an owner word this many words before a match at most


@dataclass(frozen=True, slots=True)
class _Pattern:
    regex: re.Pattern[str]
    category: str
    on: frozenset[str]
    description: str


@dataclass(frozen=True, slots=True)
class _Match:
    category: str
    start: int
    end: int
    compact: bool
    reason: str
    not_with: frozenset[str]
    #: read loosely (a phrase without its linkers, run-together words, a short typo): a label
    #: that says something else decides
    loose: bool = False


@dataclass(frozen=True, slots=True)
class Analysis:
    """What one text (a name, a label or a value) holds, before the other text of its field is seen."""

    words: tuple[str, ...]
    seg_of: tuple[int, ...]
    nseg: int
    matches: tuple[_Match, ...]
    owner_hits: tuple[Hit, ...]
    compact_owner_hits: tuple[Hit, ...]
    vocabulary: tuple[VocabularyHit, ...]
    patterns: tuple[tuple[str, str], ...]
    owner_summary: str | None
    lookalike_cats: frozenset[str] = frozenset()
    #: expanded abbreviations that a word of the field's other text turns back into something
    #: harmless (``imm_st`` under the label "Immunization status"): (start, end, words)
    guarded: tuple[tuple[int, int, frozenset[str]], ...] = ()
    #: categories a ``whole_field`` look-alike vetoes in the whole field (a detainer's agency)
    field_vetoes: frozenset[str] = frozenset()
    #: categories only a loose reading found
    loose_cats: frozenset[str] = frozenset()

    @property
    def wordset(self) -> frozenset[str]:
        return frozenset(self.words)


_EMPTY_ANALYSIS = Analysis((), (), 0, (), (), (), (), (), None)


def _reindex(spans: tuple[tuple[int, int, frozenset[str]], ...], origin: tuple[int, ...]
             ) -> tuple[tuple[int, int, frozenset[str]], ...]:
    """Spans over words, carried through a second expansion (``origin``: old index of each new word)."""
    out = []
    for s, e, w in spans:
        idx = [i for i, o in enumerate(origin) if s <= o < e]
        if idx:
            out.append((idx[0], idx[-1] + 1, w))
    return tuple(out)


class Classifier:
    """Compiled detectors of one policy pack (its categories and its lexicon files)."""

    def __init__(self, categories: Mapping[str, Any], lexicon: Lexicon = EMPTY_LEXICON):
        self.lexicon = compiled_lexicon(categories, lexicon)  # the loader's, when it brought one
        self.abbreviations = Abbreviations(lexicon.abbreviations)
        self.vocabularies = Vocabularies(lexicon.vocabularies)
        self.owners = OwnerRules(lexicon.context)
        self._subsumed: dict[str, frozenset[str]] = {}
        for ctx in lexicon.context:
            for cat, by in ctx.subsumed_by.items():
                self._subsumed[cat] = self._subsumed.get(cat, frozenset()) | frozenset(by)
        fuzzy = [w for f in lexicon.abbreviations for w in f.fuzzy_words]
        not_typos = [w for f in lexicon.abbreviations for w in f.not_typos]
        self.variants = Variants(fuzzy, not_typos, self.lexicon.known_words | self.abbreviations.words,
                                 self.lexicon.term_words)
        linkers = [w for ctx in lexicon.context for w in ctx.linkers]
        self.wordbreak = WordBreak(self.lexicon.known_words | self.abbreviations.sources,
                                   list(self.abbreviations.sources) + linkers, prefer=self.lexicon.term_words)
        self._patterns: list[_Pattern] = []
        for cat_id, cat in categories.items():
            for p in cat.detectors.patterns:
                flags = 0 if p.case_sensitive else re.IGNORECASE
                self._patterns.append(
                    _Pattern(re.compile(p.regex, flags), cat_id, frozenset(p.where), p.description or p.regex))
        self._prefixes = self.vocabularies.prefixes
        self._analyse = lru_cache(maxsize=65536)(self._analyse_text)
        self._cache = lru_cache(maxsize=65536)(self._classify_text)
        self._pair_cache = lru_cache(maxsize=65536)(self._classify_pair)

    @classmethod
    def from_policy(cls, policy: Any) -> Classifier:
        return cls(policy.file.categories, getattr(policy, "lexicon", EMPTY_LEXICON))

    def cache_clear(self) -> None:
        self._analyse.cache_clear()
        self._cache.cache_clear()
        self._pair_cache.cache_clear()

    # -- public --------------------------------------------------------------------------------
    def classify(self, name: str, label: str | None = None, value: Any = MISSING) -> Classification:
        result = self._pair_cache(name or "", label or "")
        if value is not MISSING and value is not None:
            result = result.merged(self.classify_value(value))
        return result

    def classify_value(self, value: Any) -> Classification:
        if isinstance(value, (list, tuple)):
            out = EMPTY
            for v in value[:64]:
                out = out.merged(self.classify_value(v))
            return out
        if not isinstance(value, str) or not value:
            return EMPTY
        return self._cache(value[:MAX_CLASSIFY_CHARS], "value", frozenset(), None)

    def analyse(self, text: str, source: str = "name") -> Analysis:
        """The passes up to the vetoes, for one text (exposed for tests and the docs)."""
        return self._analyse(text[:MAX_CLASSIFY_CHARS], source)

    # -- driver --------------------------------------------------------------------------------
    def _classify_pair(self, name: str, label: str) -> Classification:
        name = name[:MAX_CLASSIFY_CHARS] if name else ""
        label = label[:MAX_CLASSIFY_CHARS] if label else ""
        # each text is read with the other's words (not_with) and owner (owners pass) as context
        na = self._analyse(name, "name") if name else _EMPTY_ANALYSIS
        la = self._analyse(label, "label") if label else _EMPTY_ANALYSIS
        result = self._cache(name, "name", la.wordset, la.owner_summary) if name else EMPTY
        if label and not self._name_decides(na):
            lres = self._cache(label, "label", na.wordset, na.owner_summary)
            loose = na.loose_cats - lres.categories
            if loose and result.categories & loose and tokens(label) != tokens(name):
                # a name read loosely (``tipo_visa`` as "tipo de visa", ``fecha_corte``) gives way to
                # a label, written out by a person, that does not ask it ("Tipo de tarjeta (Visa,
                # Mastercard)"); a label that only repeats the name's words (a file name) adds nothing
                cats = result.categories - loose
                result = Classification(cats, {k: v for k, v in result.reasons.items() if k in cats})
            result = result.merged(lres)
        vetoes = na.field_vetoes | la.field_vetoes
        if vetoes and result.categories & vetoes:
            cats = result.categories - vetoes
            result = Classification(cats, {k: v for k, v in result.reasons.items() if k in cats})
        return self._subsume(result)

    def _subsume(self, result: Classification) -> Classification:
        """Drop a category the field's other categories make redundant (pack: ``subsumed_by``)."""
        drop = [c for c, by in self._subsumed.items() if c in result.categories and by & result.categories]
        if not drop:
            return result
        cats = result.categories - frozenset(drop)
        return Classification(cats, {k: v for k, v in result.reasons.items() if k in cats})

    @staticmethod
    def _name_decides(na: Analysis) -> bool:
        """A standard's element at (or above) the leaf, or reference data anywhere in the path: the
        name decides the field and the label (often the standard's own definition) adds nothing."""
        if not na.vocabulary:
            return False
        return any(h.reference or not h.container for h in na.vocabulary)

    def _classify_text(self, text: str, source: str, context: frozenset[str], context_owner: str | None) -> Classification:
        a = self._analyse(text, source)
        found: dict[str, list[str]] = {}

        def add(cat: str, reason: str) -> None:
            reasons = found.setdefault(cat, [])
            if reason not in reasons:
                reasons.append(reason)

        # standards vocabularies: the element at the leaf is authoritative for the leaf; the
        # nearest container above it decides what a location below it is
        last = a.nseg - 1
        # the nearest owner to the leaf decides: a person named below an organisation's or a
        # place's element (``School/Student/HomeAddress``) owns what follows, not the school
        persons = self._person_segments(a)
        # reference data decides only until a person is named below it: ``j:Court/defendant/...``
        # and ``RefCountry/student/birthCountry`` are about that person (r13e F12)
        vocabulary = tuple(h for h in a.vocabulary if not (h.container and not h.categories)
                           or not any(h.segment < p for p in persons))
        # the reference element's own words stay reference data (``j:Court`` is no hearing)
        ref_upto = max((h.segment for h in a.vocabulary if h.reference), default=-1)
        if any(h.reference for h in vocabulary):
            return EMPTY  # reference data or a directory: nothing here is about a member of the public
        # the innermost element that is not a container decides what is at and below it
        # (nc:PersonBirthDate/nc:Date is a birth date); a container at the leaf is the leaf
        leaf = next((h for h in vocabulary if not h.container), None)
        if leaf is None and vocabulary and vocabulary[0].segment == last:
            leaf = vocabulary[0]
        leaf_seg = leaf.segment if leaf is not None else a.nseg
        container = next((h for h in vocabulary if h.container and h.segment < leaf_seg and h.segment < last), None)
        replaced = False
        words = a.wordset | context
        # a separator-free string ("streetaddress") repeats what a word match already found: the
        # word match, which has been through the owner pass, decides
        worded = {m.category for m in a.matches if not m.compact}
        for m in a.matches:
            if m.not_with and m.not_with & words:
                continue
            if a.guarded and not m.compact and any(
                    s < m.end and m.start < e and unless & context for s, e, unless in a.guarded):
                continue  # an abbreviation the other text reads as something harmless
            if m.compact and m.category in worded and not m.reason.split(" ", 2)[1] == "term":
                continue
            seg = a.seg_of[m.start] if not m.compact and m.start < len(a.seg_of) else last
            end_seg = a.seg_of[m.end - 1] if not m.compact and 0 < m.end <= len(a.seg_of) else last
            if leaf is not None and (m.compact or seg >= leaf_seg):
                continue  # the standard's element is authoritative for its own segment and below
            if not m.compact and end_seg <= ref_upto:
                continue  # words of reference data above a person named below it
            cat: str | None = m.category
            reason = m.reason
            owner = self._owner(a, m, source, context_owner)
            if isinstance(owner, OwnerFound):
                cat = self.owners.apply(m.category, owner)
                if cat is not None and cat != m.category:
                    reason = f"{reason}, under '{owner.word}' ({owner.owner.title})"
            if cat is not None and container is not None and end_seg >= container.segment and cat in container.replaces:
                replaced = True
                continue
            if cat is not None:
                add(cat, reason)
        if leaf is not None:
            cats = leaf.categories - a.lookalike_cats
            if container is not None and cats & container.replaces:
                cats, replaced = cats - container.replaces, True
            first = next((i for i, sg in enumerate(a.seg_of) if sg == leaf.segment), None)
            for c in sorted(cats):
                reason = f"{source} is {leaf.reason}"
                if first is not None and self.owners:  # an employer's AddressLine1 is a work address
                    owner = self.owners.find(first, first + 1, a.owner_hits, a.words, category=c)
                    if isinstance(owner, OwnerFound):
                        new = self.owners.apply(c, owner)
                        if new is None:
                            continue
                        if new != c:
                            c, reason = new, f"{reason}, under '{owner.word}' ({owner.owner.title})"
                add(c, reason)
        if container is not None and (leaf is None or replaced):
            for c in sorted(container.categories - a.lookalike_cats):
                add(c, f"{source} is under {container.reason}")
        for cat, reason in a.patterns:
            add(cat, reason)
        return build(found)

    def _person_segments(self, a: Analysis) -> frozenset[int]:
        """Segments of a name that name a person (``student``, ``applicant``, ``home``)."""
        if not self.owners or a.nseg < 2:
            return frozenset()
        out = set()
        for h in a.owner_hits:
            o = self.owners.owners.get(h.entry.category)
            if o is not None and o.person and h.start < len(a.seg_of):
                out.add(a.seg_of[h.start])
        return frozenset(out)

    def _owner(self, a: Analysis, m: _Match, source: str, context_owner: str | None) -> OwnerFound | str | None:
        if not self.owners:
            return None
        if m.compact:
            found = self.owners.find(m.start, m.end, a.compact_owner_hits, None, category=m.category)
            if found is None and a.owner_summary is not None:  # a Latin compact string: the text's owner
                o = self.owners.owners.get(a.owner_summary)
                if o is not None:
                    return OwnerFound(o, a.owner_summary)
            if found is None and a.compact_owner_hits:
                # a script written without spaces (নাগরিকত্ব প্রস্তুতি ক্লাস, የዜግነት ትምህርት ክፍል): the one
                # kind of owner the text names, even one that lends no summary to the other text
                kinds = {h.entry.category for h in a.compact_owner_hits}
                if len(kinds) == 1:
                    o = self.owners.owners.get(next(iter(kinds)))
                    if o is not None and not o.person and (m.category in o.drop or m.category in o.rewrite):
                        return OwnerFound(o, next(iter(kinds)))
        else:
            found = self.owners.find(m.start, m.end, a.owner_hits, a.words,
                                     before_limit=LABEL_OWNER_WINDOW if source == "label" else None,
                                     category=m.category)
        if found is None and source != "value":
            # no owner next to the match: the text's own single kind of owner ("Billing street
            # (vendor account)"), else the other text's (a label's owner for its name); an owner
            # word inside the term itself ("post office box") is part of the term, not its owner
            own = a.owner_summary if m.compact or any(
                not (h.start < m.end and m.start < h.end) for h in a.owner_hits) else None
            for summary in (own, context_owner):
                o = self.owners.owners.get(summary) if summary is not None else None
                if o is not None:
                    return OwnerFound(o, summary)
        return found if found != PERSON else None

    # -- analysis (cached per text) ------------------------------------------------------------
    def _analyse_text(self, text: str, source: str) -> Analysis:
        notes_leet: tuple[str, ...] = ()
        if source == "name":
            text_in, notes_leet = self.variants.unleet(text) if self.variants else (text, ())
            segments = split_segments(text_in, self._prefixes)
        elif source == "label":
            text_in, notes_leet = self.variants.unleet(text) if self.variants else (text, ())
            segments = single_segment(text_in)
        else:
            text_in = text
            segments = single_segment(text) if len(text) <= MAX_VALUE_TERMS_CHARS else ()
        words: list[str] = []
        seg_of: list[int] = []
        for i, s in enumerate(segments):
            words.extend(s.words)
            seg_of.extend([i] * len(s.words))
        wt = tuple(words)
        notes = list(notes_leet)
        guarded: tuple[tuple[int, int, frozenset[str]], ...] = ()
        if source != "value" and self.abbreviations:
            wt, origin, abbr_notes, guarded = self.abbreviations.expand(wt, labels=source == "label")
            if abbr_notes:
                seg_of = [seg_of[o] for o in origin]
                notes.extend(abbr_notes)
        hits = self.lexicon.scan_words(wt)
        loose = [False] * len(wt)  # words read loosely (run-together pieces, short typos)
        if source == "name" and self.wordbreak:
            broken = self._run_together(wt, hits)
            if broken is not None:
                wt, origin, wb_notes = broken
                seg_of = [seg_of[o] for o in origin]
                loose = [origin.count(o) > 1 for o in origin]
                guarded = _reindex(guarded, origin)
                notes.extend(wb_notes)
                # a piece may be an abbreviation (``citz`` of ``citzstatus``)
                wt, seg_of, loose, guarded = self._expand_again(wt, seg_of, loose, guarded, notes, labels=False)
                hits = self.lexicon.scan_words(wt)
        if source != "value" and self.variants:
            wt2, typo_notes, short_fixed = self._typos(wt, hits, short=source == "name")
            if typo_notes:
                wt = wt2
                loose = [f or i in short_fixed for i, f in enumerate(loose)]
                # a typo of a glued abbreviation (``immsttat``) is then expanded
                wt, seg_of, loose, guarded = self._expand_again(wt, seg_of, loose, guarded, notes,
                                                                labels=source == "label")
                hits = self.lexicon.scan_words(wt)
                notes.extend(typo_notes)
        chits = self.lexicon.scan_compact(compact(text_in)) if segments else []
        matches = self._matches(hits, chits, source, notes, frozenset(i for i, f in enumerate(loose) if f))
        loose_cats = frozenset(m.category for m in matches if m.loose) - frozenset(
            m.category for m in matches if not m.loose and not m.compact)
        vocab = tuple(self.vocabularies.lookup(segments)) if source == "name" and self.vocabularies else ()
        patterns = self._match_patterns(text, source)
        owner_hits = tuple(h for h in hits if h.entry.kind == OWNER)
        compact_owner_hits = tuple(h for h in chits if h.entry.kind == OWNER)
        summary = self.owners.summary(owner_hits + compact_owner_hits) if self.owners else None
        lookalike = frozenset(c for h in hits + chits if h.entry.kind == LOOKALIKE for c in h.entry.cats)
        field_vetoes = frozenset(c for h in hits + chits if h.entry.kind == LOOKALIKE and h.entry.whole_field
                                 for c in h.entry.cats) if source != "value" else frozenset()
        return Analysis(wt, tuple(seg_of), len(segments), tuple(matches), owner_hits, compact_owner_hits, vocab,
                        patterns, summary, lookalike, guarded, field_vetoes, loose_cats)

    def _expand_again(self, wt: tuple[str, ...], seg_of: list[int], loose: list[bool],
                      guarded: tuple[tuple[int, int, frozenset[str]], ...], notes: list[str], *, labels: bool
                      ) -> tuple[tuple[str, ...], list[int], list[bool], tuple[tuple[int, int, frozenset[str]], ...]]:
        """Abbreviations expanded once more after words were re-read (broken apart or typo-corrected),
        with each word's segment, looseness and guarded spans carried to the new positions."""
        if not self.abbreviations:
            return wt, seg_of, loose, guarded
        wt, origin, abbr_notes, more = self.abbreviations.expand(wt, labels=labels)
        if not abbr_notes:
            return wt, seg_of, loose, guarded
        notes.extend(abbr_notes)
        return wt, [seg_of[o] for o in origin], [loose[o] for o in origin], _reindex(guarded, origin) + more

    def _run_together(self, words: tuple[str, ...], hits: list[Hit]
                      ) -> tuple[tuple[str, ...], tuple[int, ...], list[str]] | None:
        """Words no lexicon holds, broken into lexicon words where the break reveals a term that
        runs across its pieces or lies on an abbreviation it sets free (``wordbreak``)."""
        covered: set[int] = set()
        for h in hits:
            covered.update(range(h.start, h.end))
        known = self.lexicon.known_words
        keep: dict[int, tuple[str, ...]] = {}
        for i, w in enumerate(words):
            if i in covered or w in known or w in self.abbreviations.sources:
                continue
            if self.variants and self.variants.typo(w) is not None:
                continue  # a one-letter typo of a lexicon word (``inmigration``) is read as that word, not in pieces
            pieces = self.wordbreak.split(w)
            if pieces is None:
                continue
            trial = words[:i] + pieces + words[i + 1:]
            if self.abbreviations:
                exp, origin, _, _ = self.abbreviations.expand(trial)
            else:
                exp, origin = trial, tuple(range(len(trial)))
            lo, hi = i, i + len(pieces)
            termed: set[int] = set()  # pieces a term covers
            for h in self.lexicon.scan_words(exp):
                if h.entry.kind != TERM:
                    continue
                span = range(h.start, h.end)
                inside = {origin[j] for j in span if lo <= origin[j] < hi}
                freed = any(lo <= origin[j] < hi and exp[j] != trial[origin[j]] for j in span)
                if len(inside) >= 2 or freed:
                    keep[i] = pieces
                    break
                termed |= inside
            else:
                # a term's piece and a field's head words (``asylumstatus``, ``legal_statuscode``):
                # the run-together name reads as its separated form (``asylum_status``)
                rest = [trial[k] for k in range(lo, hi) if k not in termed]
                if termed and rest and all(w in SHORT_TYPO_HEADS for w in rest):
                    keep[i] = pieces
        if not keep:
            return None
        out: list[str] = []
        origin_out: list[int] = []
        notes: list[str] = []
        for i, w in enumerate(words):
            pieces = keep.get(i, (w,))
            out.extend(pieces)
            origin_out.extend([i] * len(pieces))
            if i in keep:
                notes.append(f"'{w}' read as '{' '.join(pieces)}'")
        return tuple(out), tuple(origin_out), notes

    def _typos(self, words: tuple[str, ...], hits: list[Hit], short: bool = True
               ) -> tuple[tuple[str, ...], list[str], frozenset[int]]:
        covered = set()
        for h in hits:
            if h.entry.kind in (TERM, EXCLUDE, LOOKALIKE, OWNER):
                covered.update(range(h.start, h.end))
        out = list(words)
        notes: list[str] = []
        short_fixed: set[int] = set()
        for i, w in enumerate(words):
            if i in covered:
                continue
            fix = self.variants.typo(w)
            if fix is None and short:  # short words of a label are words, not typos
                fix = self._short_typo(words, i)
                if fix is not None:
                    short_fixed.add(i)
            if fix is not None:
                out[i] = fix
                notes.append(f"'{w}' read as '{fix}' (one-letter typo)")
        return tuple(out), notes, frozenset(short_fixed)

    def _short_typo(self, words: tuple[str, ...], i: int) -> str | None:
        """A 5-6 letter typo of a term word, kept when the reading makes a term of several words
        (``grean card``) or the word is a term next to a field's head word (``citizn status``)."""
        near = {words[j] for j in (i - 1, i + 1) if 0 <= j < len(words)}
        for fix in self.variants.short_typos(words[i]):
            trial = words[:i] + (fix,) + words[i + 1:]
            for h in self.lexicon.scan_words(trial):
                if h.entry.kind != TERM or not (h.start <= i < h.end):
                    continue
                if h.end - h.start >= 2 or near & SHORT_TYPO_HEADS:
                    return fix
        return None

    def _matches(self, hits: list[Hit], chits: list[Hit], source: str, notes: list[str],
                 loose_words: frozenset[int] = frozenset()) -> list[_Match]:
        value_mode = source == "value"
        suffix = f" ({'; '.join(notes)})" if notes else ""
        out: list[_Match] = []
        for group, is_compact in ((hits, False), (chits, True)):
            vetoes = [h for h in group if h.entry.kind in (EXCLUDE, LOOKALIKE)]
            for h in group:
                e = h.entry
                if e.kind not in (TERM, COMPACT) or (value_mode and e.kind == COMPACT):
                    continue
                if value_mode and e.category not in self.lexicon.value_categories:
                    continue
                if e.names_only and source != "name":
                    continue
                if self._vetoed(e.category, h, vetoes):
                    continue
                if e.kind == TERM:
                    reason = f"{source} term '{e.text}' ({e.lang})"
                else:
                    reason = f"{source} contains '{e.text}'"
                loose = e.reduced or (not is_compact and any(j in loose_words for j in range(h.start, h.end)))
                out.append(_Match(e.category, h.start, h.end, is_compact, reason + suffix, e.not_with, loose))
        return out

    @staticmethod
    def _vetoed(category: str, h: Hit, vetoes: list[Hit]) -> bool:
        for v in vetoes:
            if v.start < h.end and h.start < v.end:
                if v.entry.kind == EXCLUDE and v.entry.category == category:
                    return True
                if v.entry.kind == LOOKALIKE and category in v.entry.cats:
                    return True
        return False

    def _match_patterns(self, text: str, source: str) -> tuple[tuple[str, str], ...]:
        out: list[tuple[str, str]] = []
        clean = None
        for p in self._patterns:
            if source not in p.on:
                continue
            clean = clean if clean is not None else raw_clean(text)
            if p.regex.search(clean):
                out.append((p.category, f"{source} matches pattern: {p.description}"))
        return tuple(out)


__all__ = ["Analysis", "Classifier", "MAX_CLASSIFY_CHARS", "Segment"]
