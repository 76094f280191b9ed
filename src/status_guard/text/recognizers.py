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
import unicodedata
from contextvars import ContextVar
from typing import Iterable

import regex
from presidio_analyzer import LocalRecognizer, RecognizerResult

from .config import RecognizerSpec
from .findings import TextDetectionError, TextDetectionTimeout

#: monotonic deadline of the detect() call running in this context (thread / task).
DEADLINE: ContextVar[float | None] = ContextVar("status_guard_text_deadline", default=None)

CONTEXT_DISTANCE_KEY = "status_guard_context_distance"
GROUP_KEY = "status_guard_group"

_ACCENTS = {
    "a": "aàáâãäåā", "e": "eèéêëē", "i": "iìíîïī", "o": "oòóôõöō", "u": "uùúûüū",
    "c": "cç", "n": "nñ", "y": "yýÿ",
}
_CJK = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]")
# A sentence ends at . ! ? after a word of 2+ characters, followed by space and a capital; at
# CJK full stops; or at a blank line.  (Keeps "p.m. on 3/4" and "St. Mary" together.)
_SENTENCE_END = regex.compile(r"(?<=\w\w)[.!?]+[\"”’)]*\s+(?=[\p{Lu}\p{Lt}])|[。！？；]|\n[ \t]*\n")
_EXCLUDE_MARGIN = 64


def _remaining(deadline: float | None, what: str) -> float | None:
    if deadline is None:
        return None
    left = deadline - time.monotonic()
    if left <= 0:
        raise TextDetectionTimeout(f"free-text detection exceeded its deadline in recognizer {what}")
    return left


def term_regex(term: str) -> str:
    """One term as a regex: whitespace-flexible, accent-insensitive, whole-word for Latin script."""
    parts: list[str] = []
    prev_space = False
    for ch in term:
        if ch.isspace():
            if not prev_space:
                parts.append(r"\s+")
            prev_space = True
            continue
        prev_space = False
        if ch in "-‐–":
            parts.append(r"[-‐–\s]?")
        elif ch in "'’":
            parts.append("['’]")
        elif ch == ".":
            parts.append(r"\.?")
        else:
            base = unicodedata.normalize("NFD", ch.lower())[0]
            if base in _ACCENTS:
                parts.append("[" + _ACCENTS[base] + r"]\p{M}*")
            else:
                parts.append(regex.escape(ch))
    body = "".join(parts)
    first, last = term[0], term[-1]
    head = r"(?<!\w)" if (first.isalnum() and not _CJK.match(first)) else ""
    tail = r"(?!\w)" if (last.isalnum() and not _CJK.match(last)) else ""
    return head + body + tail


def terms_regex(terms: Iterable[str]) -> regex.Pattern[str] | None:
    """An alternation of all terms, longest first, compiled case-insensitively."""
    unique = sorted(set(terms), key=lambda t: (-len(t), t))
    if not unique:
        return None
    return regex.compile("|".join(f"(?:{term_regex(t)})" for t in unique), flags=regex.IGNORECASE | regex.V0)


class PolicyRecognizer(LocalRecognizer):
    """A recognizer for one policy category, built from one ``RecognizerSpec``."""

    def __init__(self, spec: RecognizerSpec):
        self.spec = spec
        self._patterns: list[tuple[str, regex.Pattern[str], float]] = [
            (p.name, regex.compile(p.regex, flags=regex.V0 | (0 if p.case_sensitive else regex.IGNORECASE)), p.score)
            for p in spec.patterns
        ]
        terms = terms_regex(spec.terms)
        if terms is not None:
            self._patterns.append(("terms", terms, spec.term_score))
        self._exclude = terms_regex(spec.exclude)
        self._context = terms_regex(spec.context.words) if spec.context else None
        self._context_exclude = terms_regex(spec.context.exclude) if spec.context else None
        self._negative = terms_regex(spec.negative_context.words) if spec.negative_context else None
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
        results: list[RecognizerResult] = []
        for name, rx, base in self._patterns:
            where = f"{self.spec.id}/{name}"
            try:
                for m in rx.finditer(text, timeout=_remaining(deadline, where)):
                    start, end = m.span()
                    if start == end:
                        continue
                    scored = self._score(text, start, end, base, deadline, where)
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

    # -- scoring ---------------------------------------------------------------------------

    def _score(self, text: str, start: int, end: int, base: float, deadline: float | None,
               where: str) -> tuple[float, int | None] | None:
        n = len(text)
        if self._exclude is not None:
            lo, hi = max(0, start - _EXCLUDE_MARGIN), min(n, end + _EXCLUDE_MARGIN)
            for x in self._exclude.finditer(text, lo, hi, timeout=_remaining(deadline, where)):
                if x.start() < end and start < x.end():
                    return None
        score = base
        distance: int | None = None
        spec = self.spec
        if self._context is not None and spec.context is not None:
            distance = self._nearest(self._context, self._context_exclude, text, start, end,
                                     spec.context.window, deadline, where)
            if distance is not None:
                score += spec.context.boost
            elif spec.requires_context:
                return None
        if self._negative is not None and spec.negative_context is not None:
            if self._nearest(self._negative, None, text, start, end, spec.negative_context.window,
                             deadline, where) is not None:
                score -= spec.negative_context.penalty
        return min(1.0, max(0.0, score)), distance

    @staticmethod
    def _nearest(words: regex.Pattern[str], exclude: regex.Pattern[str] | None, text: str,
                 start: int, end: int, window: int, deadline: float | None, where: str) -> int | None:
        """Distance in characters from the match to the nearest context word in its window
        (clipped to the sentence), or None.  Words inside an excluded phrase do not count."""
        n = len(text)
        lo, hi = max(0, start - window), min(n, end + window)
        for b in _SENTENCE_END.finditer(text, lo, start, timeout=_remaining(deadline, where)):
            lo = b.end()
        after = _SENTENCE_END.search(text, end, hi, timeout=_remaining(deadline, where))
        if after is not None:
            hi = after.start() + 1
        excluded: list[tuple[int, int]] = []
        if exclude is not None:
            excluded = [x.span() for x in exclude.finditer(
                text, max(0, lo - _EXCLUDE_MARGIN), min(n, hi + _EXCLUDE_MARGIN),
                timeout=_remaining(deadline, where))]
        best: int | None = None
        for w in words.finditer(text, lo, hi, overlapped=True, timeout=_remaining(deadline, where)):
            ws, we = w.span()
            if ws < end and start < we:  # the match itself
                continue
            if any(xs <= ws and we <= xe for xs, xe in excluded):
                continue
            d = start - we if we <= start else ws - end
            if best is None or d < best:
                best = d
        return best
