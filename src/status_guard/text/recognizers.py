"""Presidio recognizers built from policy data (patterns, term lists, context words).

One class, :class:`PolicyRecognizer`, a Presidio ``LocalRecognizer``.  Compared with Presidio's
own ``PatternRecognizer`` it

* **fails closed**: a regex that runs out of time raises :class:`TextDetectionTimeout` (Presidio's
  pattern recognizer logs and *skips* the pattern), and every regex call gets only the time that
  is left of the caller's deadline;
* **reads context from the text itself** in a character window clipped to the sentence, because
  the ``NoOpNlpEngine`` produces no tokens or lemmas for Presidio's context enhancer;
* honours per-pattern case-sensitivity (Presidio applies one flag set to all patterns, so an
  A-number pattern would also match ``a123456789``);
* matches term lists case- and accent-insensitively (``deportacion`` meets ``deportación``).
"""

from __future__ import annotations

import time
from bisect import bisect_right
from contextvars import ContextVar
from typing import Any

import regex
from presidio_analyzer import LocalRecognizer, RecognizerResult

from .config import RecognizerSpec
from .findings import TextDetectionError, TextDetectionTimeout
from .gates import Gate, Prefilter
from .phrases import PhraseSet, Tokens, spans_in, tokenize

#: monotonic deadline of the detect() call running in this context (thread / task).
DEADLINE: ContextVar[float | None] = ContextVar("status_guard_text_deadline", default=None)
#: per-call cache (tokens, phrase spans, shared pattern matches), set by detect() for one text.
CALL_CACHE: ContextVar[dict[Any, Any] | None] = ContextVar("status_guard_text_cache", default=None)

CONTEXT_DISTANCE_KEY = "status_guard_context_distance"
GROUP_KEY = "status_guard_group"

# A sentence ends at . ! ? after a word of 2+ characters, followed by space and a capital; at
# CJK full stops; or at a blank line.  (Keeps "p.m. on 3/4" and "St. Mary" together.)
_SENTENCE_END = regex.compile(r"(?<=\w\w)[.!?]+[\"”’)]*\s+(?=[\p{Lu}\p{Lt}])|[。！？；]|\n[ \t]*\n")


def _remaining(deadline: float | None, what: str) -> float | None:
    if deadline is None:
        return None
    left = deadline - time.monotonic()
    if left <= 0:
        raise TextDetectionTimeout(f"free-text detection exceeded its deadline in recognizer {what}")
    return left


_WORDS = regex.compile(r"[\p{L}\p{N}]+")


def _same_statement(text: str, ws: int, we: int, start: int, end: int) -> bool:
    """A context phrase on another line than the match speaks of it only when nothing but
    separators (and at most one short word: "born in the\nRepublic of …") lies between them.
    ``<BirthPlace>Jacmel</BirthPlace>\nEnd of paste`` — the label has its value on its own line;
    the next line's "End" (Haitian for India) is not a birthplace (review r13f F02)."""
    lo, hi = (we, start) if we <= start else (end, ws)
    if "\n" not in text[lo:hi]:
        return True
    if we <= start and text.rfind("<", 0, ws) >= 0 and text[text.rfind("<", 0, ws):ws] in ("</", "<"):
        return False  # an XML tag name (<BirthPlace>…</BirthPlace>) holds its value inside the element
    words = _WORDS.findall(text, lo, hi)
    return not words or (len(words) == 1 and len(words[0]) <= 3 and not any(c.isdigit() for c in words[0]))


def _inside_any(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether [start, end) lies inside one of ``spans`` (sorted, non-overlapping)."""
    i = bisect_right(spans, (start, float("inf"))) - 1
    return i >= 0 and spans[i][0] <= start and end <= spans[i][1]


def _cache(text: str) -> dict[Any, Any]:
    cache = CALL_CACHE.get()
    if cache is None or cache.get("text") is not text:
        return {"text": text}
    return cache


def _tokens(text: str, cache: dict[Any, Any]) -> Tokens:
    toks = cache.get("tokens")
    if toks is None:
        toks = cache["tokens"] = tokenize(text)
    return toks


def _phrase_spans(phrases: PhraseSet, text: str, cache: dict[Any, Any]) -> list[tuple[int, int]]:
    key = ("phrases", id(phrases))
    spans = cache.get(key)
    if spans is None:
        spans = cache[key] = phrases.find(_tokens(text, cache))
    return spans


def _scan(prefilter: Any, text: str, cache: dict[Any, Any]) -> Any:
    """The prefilter's literals found in ``text``, once per call."""
    found = cache.get("prefilter")
    if found is None:
        found = cache["prefilter"] = prefilter.scan(text)
    return found


_LINE_TAIL = " \t\r"


def _line_clipped(rx: regex.Pattern[str], text: str, start: int, end: int, deadline: float | None,
                  where: str) -> tuple[int, int]:
    """A match that runs over a line break ends at that break when the part before it is already
    a whole match: ``Place of birth: Dakar\nNothing further`` covers ``…Dakar``, not the next line's
    first word (review r13f F02); ``born in\nHaiti`` (the value on the next line) keeps its span."""
    nl = text.find("\n", start, end)
    while nl != -1:
        cut = nl
        while cut > start and text[cut - 1] in _LINE_TAIL:
            cut -= 1
        if cut > start and rx.fullmatch(text, start, cut, timeout=_remaining(deadline, where)) is not None:
            return start, cut
        nl = text.find("\n", nl + 1, end)
    return start, end


class PolicyRecognizer(LocalRecognizer):
    """A recognizer for one policy category, built from one ``RecognizerSpec``."""

    def __init__(self, spec: RecognizerSpec, *, prefilter: Prefilter | None = None):
        self.spec = spec
        #: (name, compiled pattern, score, its call-cache key, its ``requires`` keyword regex or
        #: None, its literal gate or None).  The gate is derived from the pattern itself
        #: (``gates``): when none of its required literals is in the text, the pattern cannot
        #: match and does not run; no gate derivable → the pattern always runs.  The key is built
        #: once: ``Pattern.pattern`` is a fresh string on every access, and hashing a long
        #: pattern per call cost more than matching it (issue 15)
        self._prefilter = prefilter
        self._patterns: list[tuple[str, regex.Pattern[str], float, tuple[Any, ...],
                                   regex.Pattern[str] | None, Gate | None]] = []
        for p in spec.patterns:
            flags = regex.V0 | (0 if p.case_sensitive else regex.IGNORECASE)
            rx = regex.compile(p.regex, flags=flags)
            keyword = regex.compile(p.requires, flags=flags) if p.requires else None
            gate = prefilter.gate(p.regex, flags) if prefilter is not None else None
            self._patterns.append((p.name, rx, p.score, ("regex", p.regex, flags), keyword, gate))
        self._terms = PhraseSet(spec.terms) if spec.terms else None
        self._exclude = PhraseSet(spec.exclude) if spec.exclude else None
        self._context = PhraseSet(spec.context.words) if spec.context else None
        self._context_exclude = PhraseSet(spec.context.exclude) if spec.context and spec.context.exclude else None
        self._negative = PhraseSet(spec.negative_context.words) if spec.negative_context else None
        super().__init__(
            supported_entities=[spec.category],
            name=spec.id,
            supported_language="en",
            version="1",
        )

    def load(self) -> None:  # everything is compiled in __init__
        pass

    # -- presidio entry point --------------------------------------------------------------

    def analyze(self, text: str, entities: list[str], nlp_artifacts: object = None) -> list[RecognizerResult]:
        deadline = DEADLINE.get()
        cache = _cache(text)
        results: list[RecognizerResult] = []
        where = self.spec.id
        try:
            for name, rx, base, key, keyword, gate in self._patterns:
                where = f"{self.spec.id}/{name}"
                spans = cache.get(key)
                if spans is None:  # patterns shared by several recognizers (dates) run once
                    if gate is not None and not gate.open(_scan(self._prefilter, text, cache)):
                        spans = cache[key] = []  # none of its required literals: it cannot match
                    elif keyword is not None and keyword.search(text, timeout=_remaining(deadline, where)) is None:
                        spans = cache[key] = []  # its keyword is absent: the pattern cannot match
                    else:
                        spans = cache[key] = [_line_clipped(rx, text, m.start(), m.end(), deadline, where)
                                              for m in rx.finditer(text, timeout=_remaining(deadline, where))]
                self._collect(text, spans, base, deadline, where, cache, results)
            if self._terms is not None:
                where = f"{self.spec.id}/terms"
                _remaining(deadline, where)
                self._collect(text, _phrase_spans(self._terms, text, cache), self.spec.term_score,
                              deadline, where, cache, results)
        except TimeoutError:
            raise TextDetectionTimeout(
                f"free-text detection exceeded its deadline in recognizer {where}") from None
        except TextDetectionError:
            raise
        except Exception as exc:  # noqa: BLE001 - any recognizer failure fails closed
            raise TextDetectionError(
                f"recognizer {where} failed ({type(exc).__name__}); the text is treated as unsafe"
            ) from None
        return results

    def _collect(self, text: str, spans: list[tuple[int, int]], base: float, deadline: float | None,
                 where: str, cache: dict[Any, Any], results: list[RecognizerResult]) -> None:
        for start, end in spans:
            if start == end:
                continue
            scored = self._score(text, start, end, base, deadline, where, cache)
            if scored is None:
                continue
            score, distance = scored
            if score <= 0.0:
                continue
            results.append(RecognizerResult(
                entity_type=self.spec.category, start=start, end=end, score=score,
                recognition_metadata={
                    RecognizerResult.RECOGNIZER_NAME_KEY: self.spec.id,
                    RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                    RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY: True,
                    CONTEXT_DISTANCE_KEY: distance,
                    GROUP_KEY: self.spec.group,
                },
            ))

    # -- scoring ---------------------------------------------------------------------------

    def _score(self, text: str, start: int, end: int, base: float, deadline: float | None,
               where: str, cache: dict[Any, Any]) -> tuple[float, int | None] | None:
        if self._exclude is not None:
            for xs, xe in _phrase_spans(self._exclude, text, cache):
                if xs >= end:
                    break
                if start < xe:
                    return None
        score = base
        distance: int | None = None
        spec = self.spec
        if self._context is not None and spec.context is not None:
            distance = self._nearest(self._context, self._context_exclude, text, start, end,
                                     spec.context.window, deadline, where, cache)
            if distance is not None:
                score += spec.context.boost
            elif spec.requires_context:
                return None
        if self._negative is not None and spec.negative_context is not None:
            if self._nearest(self._negative, None, text, start, end, spec.negative_context.window,
                             deadline, where, cache) is not None:
                score -= spec.negative_context.penalty
        return min(1.0, max(0.0, score)), distance

    @staticmethod
    def _nearest(words: PhraseSet, exclude: PhraseSet | None, text: str, start: int, end: int, window: int,
                 deadline: float | None, where: str, cache: dict[Any, Any]) -> int | None:
        """Distance in characters from the match to the nearest context phrase in its window
        (clipped to the sentence), or None.  Phrases inside an excluded phrase do not count."""
        n = len(text)
        lo, hi = max(0, start - window), min(n, end + window)
        for b in _SENTENCE_END.finditer(text, lo, start, timeout=_remaining(deadline, where)):
            lo = b.end()
        after = _SENTENCE_END.search(text, end, hi, timeout=_remaining(deadline, where))
        if after is not None:
            hi = after.start() + 1
        hits = spans_in(_phrase_spans(words, text, cache), lo, hi)
        if not hits:
            return None
        excluded = _phrase_spans(exclude, text, cache) if exclude is not None else []
        best: int | None = None
        for ws, we in hits:
            if ws < end and start < we:  # the match itself
                continue
            if not _same_statement(text, ws, we, start, end):
                continue
            if excluded and _inside_any(excluded, ws, we):
                continue
            d = start - we if we <= start else ws - end
            if best is None or d < best:
                best = d
        return best
