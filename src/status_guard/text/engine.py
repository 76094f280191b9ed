"""The free-text detector: one Presidio ``AnalyzerEngine`` per process, offline, fail-closed.

* NLP engine: ``NoOpNlpEngine`` (no model, no download).  Optional spaCy NER only when asked for
  *and* the model is already installed (or given as a path) — never downloaded.
* Registry: only the policy's recognizers (:class:`PolicyRecognizer`).  Presidio's predefined
  recognizers — including the slow default-region phone, driver-licence and passport ones — are
  never loaded.
* Every ``detect()`` call has a size bound and a deadline; any recognizer error or timeout raises
  :class:`TextDetectionError` so the caller refuses the text instead of passing it.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .config import NerSpec, TextConfig, build_config
from .findings import (
    Finding,
    RecognizerConfigError,
    TextDetectionError,
    TextDetectionTimeout,
    TextTooLongError,
    UnsupportedCategoryError,
)
from .fold import fold
from .gates import Prefilter
from .keyvalue import SCORE as KEY_VALUE_SCORE
from .keyvalue import classify_key_values
from .memo import DetectMemo
from .offline import pin_tldextract
from .redact_spans import DEFAULT_REPLACEMENT, redact_spans

pin_tldextract()  # before anything can import Presidio's EMAIL recognizer

from presidio_analyzer import AnalyzerEngine, LocalRecognizer, RecognizerRegistry, RecognizerResult  # noqa: E402
from presidio_analyzer.context_aware_enhancers import ContextAwareEnhancer  # noqa: E402
from presidio_analyzer.nlp_engine import NlpEngine, NoOpNlpEngine  # noqa: E402

from .recognizers import CALL_CACHE, CONTEXT_DISTANCE_KEY, DEADLINE, GROUP_KEY, PolicyRecognizer  # noqa: E402

LANGUAGE = "en"  # Presidio's language slot; our term lists are multilingual and always all applied
_WARM_TEXT = (
    "Warm-up: resident at 1 Main Street, Cambridge, MA 02139, A-123-456-789, released on "
    "3/4/2026, hearing March 5, 2026; indocumentado, sem documentos, san papye, 无证."
)


class _NoContextEnhancer(ContextAwareEnhancer):
    """Our recognizers score context themselves; Presidio's lemma enhancer has nothing to read."""

    def __init__(self) -> None:
        super().__init__(context_similarity_factor=0.0, min_score_with_context_similarity=0.0,
                         context_prefix_count=0, context_suffix_count=0)

    def enhance_using_context(self, text: str, raw_results: list[RecognizerResult], nlp_artifacts: Any,
                              recognizers: list[Any], context: list[str] | None = None) -> list[RecognizerResult]:
        return raw_results


class _NerCategoryRecognizer(LocalRecognizer):
    """Maps entities of an installed spaCy model (already relabelled to categories) to results."""

    def __init__(self, categories: list[str], score: float):
        self._score = score
        super().__init__(supported_entities=categories, name="ner", supported_language=LANGUAGE)

    def load(self) -> None:
        pass

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        out: list[RecognizerResult] = []
        if nlp_artifacts is None:
            return out
        for ent in nlp_artifacts.entities:
            if ent.label_ in entities and ent.end_char > ent.start_char:
                out.append(RecognizerResult(
                    entity_type=ent.label_, start=ent.start_char, end=ent.end_char, score=self._score,
                    recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: "ner",
                                          RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id},
                ))
        return out


def _ner_engine(spec: NerSpec) -> NlpEngine:
    import spacy.util
    from presidio_analyzer.nlp_engine import NerModelConfiguration, SpacyNlpEngine

    if not (spacy.util.is_package(spec.model) or Path(spec.model).is_dir()):
        raise RecognizerConfigError(
            f"NER was enabled but the spaCy model {spec.model!r} is not installed; status_guard "
            "never downloads models (install the package, or leave NER off)")
    cfg = NerModelConfiguration(
        model_to_presidio_entity_mapping=dict(spec.entity_map),
        labels_to_ignore=[],
        low_score_entity_names=[],
        default_score=spec.score,
    )
    engine = SpacyNlpEngine(models=[{"lang_code": LANGUAGE, "model_name": spec.model}],
                            ner_model_configuration=cfg)
    engine.load()
    return engine


_HOME_COUNTRY = frozenset({"us", "u.s.", "u.s", "usa", "u.s.a", "united states", "united states of america", "american",
                           "estados unidos", "estadounidense", "americano", "americana", "etazini", "ameriken",
                           "états-unis", "etats-unis", "américain", "américaine", "merkanu"})


class TextDetector:
    """Find protected categories in free text.  Build once per process (:func:`get_detector`),
    share between threads: ``detect`` keeps no state between calls."""

    def __init__(self, config: TextConfig, *, enable_ner: bool = False, prefilter: bool = True):
        """``prefilter=False``: run every pattern on every text (no literal gates; for the proof
        that the gates change nothing, and to measure them)."""
        self.config = config
        enable_ner = enable_ner or (config.ner is not None and config.ner.enabled)
        gates = Prefilter() if prefilter else None
        recognizers: list[LocalRecognizer] = [PolicyRecognizer(spec, prefilter=gates)
                                              for spec in config.recognizers]
        nlp_engine: NlpEngine
        if enable_ner:
            if config.ner is None:
                raise RecognizerConfigError("NER was enabled but text.ner is not configured")
            nlp_engine = _ner_engine(config.ner)
            recognizers.append(_NerCategoryRecognizer(sorted({c for _, c in config.ner.entity_map}),
                                                      config.ner.score))
        else:
            nlp_engine = NoOpNlpEngine(models=[{"lang_code": LANGUAGE, "model_name": "no_op"}])
            nlp_engine.load()
        registry = RecognizerRegistry(supported_languages=[LANGUAGE])
        for r in recognizers:
            registry.add_recognizer(r)
        self._analyzer = AnalyzerEngine(
            registry=registry, nlp_engine=nlp_engine, supported_languages=[LANGUAGE],
            context_aware_enhancer=_NoContextEnhancer(),
        )
        self.ner_enabled = enable_ner
        self.categories: frozenset[str] = frozenset(
            c for r in recognizers for c in r.get_supported_entities())
        self._countries = frozenset(
            w.casefold() for spec in config.recognizers if spec.group == "country_mention" for w in spec.terms)
        groups: dict[str, set[str]] = {}
        for spec in config.recognizers:
            if spec.group:
                groups.setdefault(spec.group, set()).add(spec.category)
        self._group_categories = {g: frozenset(c) for g, c in groups.items()}
        #: earlier successful detections, by their inputs (issue 15; see memo)
        self.memo = DetectMemo()

    @classmethod
    def from_policy_data(cls, text_cfg: Mapping[str, Any] | None = None, *, enable_ner: bool = False,
                         word_lists: Mapping[str, tuple[str, ...]] | None = None) -> TextDetector:
        """Defaults merged with a policy pack's ``text:`` section (``None``: defaults only);
        ``word_lists``: the pack's country names and demonyms (``None``: the packaged ones)."""
        return cls(build_config(text_cfg, word_lists), enable_ner=enable_ner)

    def _is_country(self, value: str) -> bool:
        v = value.strip(" \t.,;:()[]").casefold()
        if v in _HOME_COUNTRY:  # a US citizenship says nothing about national origin
            return False
        return bool(v) and (v in self._countries or any(p.strip() in self._countries for p in v.split("/")))

    def warm(self) -> None:
        """Run one detection so that first-call costs are paid at start, not in a request."""
        self.detect(_WARM_TEXT)

    # ------------------------------------------------------------------------------------

    def detect(self, text: str, *, categories: Iterable[str] | None = None,
               min_score: float | None = None, field_classifier: Any = None) -> list[Finding]:
        """Findings in ``text``, left to right.  Raises :class:`TextDetectionError` (fail closed)
        when the text cannot be checked completely.

        ``field_classifier``: a callable ``name -> categories`` (a Guard's field classifier);
        with it, key–value lines inside the text (``POB: Port-au-Prince``) are classified by their
        key like a form field and the value is reported with the key's categories."""
        if not isinstance(text, str):
            raise TextDetectionError(f"free text must be a str, not {type(text).__name__}")
        if len(text) > self.config.max_chars:
            raise TextTooLongError(self.config.max_chars, len(text))
        wanted: list[str] | None = None
        if categories is not None:
            wanted = sorted(set(categories))
            missing = [c for c in wanted if c not in self.categories]
            if missing:
                raise UnsupportedCategoryError(
                    f"no free-text recognizer for categor{'y' if len(missing) == 1 else 'ies'} "
                    f"{', '.join(missing)}")
            if not wanted:
                return []
        threshold = self.config.min_score if min_score is None else float(min_score)
        if not 0.0 <= threshold <= 1.0:  # also refuses NaN
            raise TextDetectionError("min_score must lie in [0, 1]")
        if not text.strip():
            return []
        memo_key = self.memo.key(text, wanted, threshold, field_classifier)
        remembered = self.memo.get(memo_key)
        if remembered is not None:
            return remembered
        from ..work_budget import TEXT_CHARS, charge

        charge(TEXT_CHARS, len(text))  # a check's bound on free text (issue 15 round f): raises past it
        findings = self._detect(text, wanted, threshold, field_classifier)
        self.memo.put(memo_key, findings)
        return findings

    def _detect(self, text: str, wanted: list[str] | None, threshold: float, field_classifier: Any) -> list[Finding]:
        """The detection itself (see ``detect``)."""
        folded = fold(text)
        deadline = time.monotonic() + self.config.deadline_ms / 1000.0
        token = DEADLINE.set(deadline)
        cache_token = CALL_CACHE.set({"text": folded.text})
        try:
            results = self._analyzer.analyze(
                text=folded.text, language=LANGUAGE, entities=wanted, score_threshold=threshold)
        except TextDetectionError:
            raise
        except Exception as exc:  # noqa: BLE001 - anything unexpected fails closed
            raise TextDetectionError(
                f"free-text detection failed ({type(exc).__name__}); the text is treated as unsafe"
            ) from None
        finally:
            CALL_CACHE.reset(cache_token)
            DEADLINE.reset(token)
        if time.monotonic() > deadline:
            raise TextDetectionTimeout("free-text detection exceeded its deadline")

        results = _resolve_groups(results, self._group_categories)
        if field_classifier is not None:
            try:
                pairs = classify_key_values(folded.text, field_classifier)
            except TimeoutError:
                raise TextDetectionTimeout("free-text detection exceeded its deadline (key-value lines)") from None
            extra = []
            for cat, s, e in pairs:
                # a country as a citizenship value is also the person's national origin
                # ("Citizenship: Haiti"), as on forms that ask a country of citizenship
                if cat == "citizenship_status" and self._is_country(folded.text[s:e]):
                    extra.append(("national_origin", s, e))
            for cat, s, e in pairs + extra:
                if (wanted is None or cat in wanted) and KEY_VALUE_SCORE >= threshold:
                    results.append(RecognizerResult(
                        entity_type=cat, start=s, end=e, score=KEY_VALUE_SCORE,
                        recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: "key_value"}))
        findings = []
        for r in results:
            start, end = folded.span(r.start, r.end)
            meta = r.recognition_metadata or {}
            findings.append(Finding(
                category=r.entity_type, start=start, end=end, score=float(r.score),
                recognizer=str(meta.get(RecognizerResult.RECOGNIZER_NAME_KEY, "unknown")),
            ))
        findings.sort(key=Finding.sort_key)
        return findings

    def redact(self, text: str, findings: Iterable[Finding],
               replacement: str = DEFAULT_REPLACEMENT) -> str:
        """Replace each finding's span; overlapping spans are merged (see ``redact_spans``)."""
        return redact_spans(text, findings, replacement)


def _resolve_groups(results: list[RecognizerResult],
                    group_categories: Mapping[str, frozenset[str]] | None = None) -> list[RecognizerResult]:
    """Within a group (e.g. release_date / hearing_information over the same date), a span keeps
    the categories whose context word is nearest; ties keep all of them. A grouped span that lies
    inside another finding of a sibling category ("Haiti" inside "born in Haiti") belongs to that
    finding (Presidio has already dropped the sibling's own contained result)."""
    if group_categories:
        siblings = [r for r in results if (r.recognition_metadata or {}).get(GROUP_KEY) is None]
        kept_first = []
        for r in results:
            g = (r.recognition_metadata or {}).get(GROUP_KEY)
            cats = group_categories.get(g) if g is not None else None
            if cats and any(o.entity_type in cats and o.start <= r.start
                            and r.end <= o.end and (o.start, o.end) != (r.start, r.end) for o in siblings):
                continue
            kept_first.append(r)
        results = kept_first
    best: dict[tuple[str, int, int], int] = {}
    for r in results:
        meta = r.recognition_metadata or {}
        group, dist = meta.get(GROUP_KEY), meta.get(CONTEXT_DISTANCE_KEY)
        if group is None or dist is None:
            continue
        key = (group, r.start, r.end)
        if key not in best or dist < best[key]:
            best[key] = dist
    if not best:
        return results
    kept = []
    for r in results:
        meta = r.recognition_metadata or {}
        group, dist = meta.get(GROUP_KEY), meta.get(CONTEXT_DISTANCE_KEY)
        if group is not None and dist is not None and dist > best[(group, r.start, r.end)]:
            continue
        kept.append(r)
    return kept


# ---------------------------------------------------------------------------- per-process singleton

_LOCK = threading.Lock()
_DETECTORS: dict[str, TextDetector] = {}
_MAX_CACHED = 8


def _config_key(text_cfg: Mapping[str, Any] | None, enable_ner: bool, lists_digest: str | None = None) -> str:
    dump = getattr(text_cfg, "model_dump", None)
    data = dump() if callable(dump) else text_cfg
    return json.dumps([data, enable_ner, lists_digest], sort_keys=True, default=repr)


def get_detector(text_cfg: Mapping[str, Any] | None = None, *, enable_ner: bool = False,
                 word_lists: Mapping[str, tuple[str, ...]] | None = None,
                 lists_digest: str | None = None) -> TextDetector:
    """The process-wide detector for this recognizer data (``None``: the packaged defaults;
    otherwise a policy pack's ``text:`` section), built and warmed once, shared by all threads.
    ``word_lists`` (with its ``lists_digest``): a pack's country names and demonyms."""
    if word_lists is not None and lists_digest is None:
        from .wordlists import digest

        lists_digest = digest(word_lists)
    key = _config_key(text_cfg, enable_ner, lists_digest)
    det = _DETECTORS.get(key)
    if det is not None:
        return det
    with _LOCK:
        det = _DETECTORS.get(key)
        if det is None:
            det = TextDetector.from_policy_data(text_cfg, enable_ner=enable_ner, word_lists=word_lists)
            det.warm()
            if len(_DETECTORS) >= _MAX_CACHED:
                _DETECTORS.pop(next(iter(_DETECTORS)))
            _DETECTORS[key] = det
        return det
