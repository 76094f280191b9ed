"""Where free text meets the Guard: submissions (find what a notes field records) and responses
(redact spans inside free-text fields the requester may otherwise see).

The Guard calls these lazily (``Guard.detect_text``, ``Guard.check_submission``); nothing here
decides policy — it only says which categories a text holds and where.
"""

from __future__ import annotations

import copy
import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from status_guard.classify import flatten
from status_guard.redact import split_path

from .engine import TextDetector, get_detector
from .findings import Finding, TextDetectionError
from .redact_spans import DEFAULT_REPLACEMENT, redact_spans

#: Values shorter than this, or without a space, are codes/names, not free text.
MIN_FREE_TEXT_LENGTH = 24
WITHHELD = "[WITHHELD: free text could not be checked]"


def looks_like_free_text(value: Any, min_length: int = MIN_FREE_TEXT_LENGTH) -> bool:
    return isinstance(value, str) and len(value) >= min_length and " " in value.strip()


class GuardTextDetector:
    """A :class:`TextDetector` bound to a Guard: built from its pack's ``text:`` data and word
    lists (country names), and reading key–value lines with the Guard's field classifier."""

    __slots__ = ("detector", "_classify", "_lookalikes")

    def __init__(self, detector: TextDetector, classify: Any):
        self.detector = detector
        self._classify = classify
        self._lookalikes = _owner_lookalikes(detector, getattr(classify, "classifier", None))

    @property
    def categories(self) -> frozenset[str]:
        return self.detector.categories

    @property
    def config(self) -> Any:
        return self.detector.config

    def detect(self, text: str, **kw: Any) -> list[Finding]:
        kw.setdefault("field_classifier", self._classify)
        found = self.detector.detect(text, **kw)
        la = self._lookalikes
        if la is None or not any(f.category == _LOOKALIKE_CATEGORY for f in found):
            return found
        # the field classifier's look-alike owners hold in notes too (a towed car's release)
        return [f for f in found if not (f.category == _LOOKALIKE_CATEGORY and f.recognizer != "key_value"
                                         and la.owned_by_a_thing(text, f.start, f.end))]

    def redact(self, text: str, findings: Iterable[Finding], replacement: str = DEFAULT_REPLACEMENT) -> str:
        return self.detector.redact(text, findings, replacement)


def _owner_lookalikes(detector: Any, classifier: Any) -> Any:
    """The classifier's look-alike owners of a release, with the release words of the notes."""
    from .owner_lookalikes import CATEGORY, OwnerLookalikes

    owners = getattr(getattr(classifier, "owners", None), "owners", None)
    if not owners:
        return None
    words: list[str] = []
    for spec in detector.config.recognizers:
        if spec.category == CATEGORY and spec.context is not None:
            words.extend(spec.context.words)
    la = OwnerLookalikes(owners.values(), words, classifier.owners.linkers)
    return la if la else None


_LOOKALIKE_CATEGORY = "release_date"

_LISTS: dict[int, tuple[Any, Any, str]] = {}  # id(lexicon) -> (lexicon, lists, digest)


def _word_lists(policy: Any) -> tuple[Any, str | None]:
    lexicon = getattr(policy, "lexicon", None)
    if lexicon is None or not getattr(lexicon, "countries", ()):
        return None, None
    hit = _LISTS.get(id(lexicon))
    if hit is None or hit[0] is not lexicon:
        from .wordlists import digest, from_countries

        lists = from_countries(lexicon.countries)
        hit = _LISTS[id(lexicon)] = (lexicon, lists, digest(lists))
        if len(_LISTS) > 16:
            _LISTS.pop(next(iter(_LISTS)))
    return hit[1], hit[2]


def detector_for(guard_or_detector: Any) -> Any:
    """A detector from a TextDetector, or from a Guard (its policy pack's ``text:`` data, country
    names and field classifier: see :class:`GuardTextDetector`)."""
    if isinstance(guard_or_detector, (TextDetector, GuardTextDetector)):
        return guard_or_detector
    policy = getattr(guard_or_detector, "policy", None)
    classifier = getattr(guard_or_detector, "classifier", None)
    try:  # one detector per guard, policy and classifier (issue 15: built per call before)
        hit = _BOUND.get(guard_or_detector)
    except TypeError:
        hit = None
    if hit is not None and hit[0] is policy and hit[1] is classifier:
        return hit[2]
    text_cfg = getattr(getattr(policy, "file", None), "text", None)
    lists, dig = _word_lists(policy)
    det = get_detector(text_cfg, word_lists=lists, lists_digest=dig)
    out = det if classifier is None else GuardTextDetector(det, _FieldCategories(classifier))
    try:
        _BOUND[guard_or_detector] = (policy, classifier, out)
    except TypeError:
        pass
    return out


_BOUND: weakref.WeakKeyDictionary[Any, tuple[Any, Any, Any]] = weakref.WeakKeyDictionary()


class _FieldCategories:
    """``name -> categories`` by a field classifier; equal for the same classifier (so that the
    detection memo recognises repeated calls: text.memo)."""

    __slots__ = ("classifier",)

    def __init__(self, classifier: Any) -> None:
        self.classifier = classifier

    def __call__(self, name: str) -> frozenset[str]:
        return self.classifier.classify(name).categories

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _FieldCategories) and other.classifier is self.classifier

    def __hash__(self) -> int:
        return hash((_FieldCategories, id(self.classifier)))


def _text_leaves(fields: Any, min_length: int) -> Iterable[tuple[str, str]]:
    if isinstance(fields, str):
        if looks_like_free_text(fields, min_length):
            yield "", fields
        return
    for path, _key_path, value in flatten(fields):
        if isinstance(value, list):
            for i, v in enumerate(value):
                if looks_like_free_text(v, min_length):
                    yield f"{path}[{i}]", v
        elif looks_like_free_text(value, min_length):
            yield path, value


def text_items(detector: Any, fields: Mapping[str, Any], *, categories: Iterable[str] | None = None,
               min_length: int = MIN_FREE_TEXT_LENGTH) -> dict[str, list[Finding]]:
    """Findings per field path for every free-text value of a (nested) form or JSON body.

    Only paths with findings are returned.  A value that cannot be checked raises
    :class:`TextDetectionError` naming its path — the submission must then be refused.
    """
    out: dict[str, list[Finding]] = {}
    for path, value in _text_leaves(fields, min_length):
        try:
            found = detector.detect(value, categories=categories)
        except TextDetectionError as exc:
            exc.args = (f"field {path}: {exc}",)
            raise
        if found:
            out[path] = found
    return out


def categories_for_values(guard_or_detector: Any, values: Mapping[str, Any]) -> dict[str, frozenset[str]]:
    """``{path: categories found}`` for free-text values (used by ``Guard.check_submission``: a
    notes field that records a person's status is treated like a status field)."""
    detector = detector_for(guard_or_detector)
    out: dict[str, frozenset[str]] = {}
    for path, value in values.items():
        if not isinstance(value, str) or not value.strip():
            continue
        try:
            found = detector.detect(value)
        except TextDetectionError as exc:
            exc.args = (f"field {path}: {exc}",)
            raise
        if found:
            out[path] = frozenset(f.category for f in found)
    return out


@dataclass(frozen=True)
class FreeTextRedaction:
    """A copy of the document with protected spans replaced inside free-text values."""

    document: Any
    #: path -> the findings that were replaced in that value (spans in the original value)
    findings: Mapping[str, tuple[Finding, ...]]
    #: paths whose value could not be checked and was withheld whole (on_error="withhold")
    withheld: tuple[str, ...]
    #: requested categories no free-text recognizer covers: the caller decides (e.g. withhold
    #: the field) — they were *not* searched for
    uncovered: frozenset[str]

    @property
    def changed(self) -> bool:
        return bool(self.findings or self.withheld)


def redact_free_text(detector: Any, document: Any, categories: Iterable[str], *,
                     replacement: str = DEFAULT_REPLACEMENT, min_length: int = MIN_FREE_TEXT_LENGTH,
                     on_error: Literal["raise", "withhold"] = "raise",
                     withheld_placeholder: str = WITHHELD) -> FreeTextRedaction:
    """Replace spans of ``categories`` inside the free-text values of a JSON-like document.

    The rest of each field stays visible (the requester may see it).  The input is not modified.
    ``on_error="withhold"`` replaces a value that cannot be checked by ``withheld_placeholder``
    instead of raising; either way nothing unchecked is passed through.
    """
    wanted = frozenset(categories)
    covered = wanted & detector.categories
    uncovered = wanted - covered
    doc = copy.deepcopy(document)
    found: dict[str, tuple[Finding, ...]] = {}
    withheld: list[str] = []
    if not covered:
        return FreeTextRedaction(doc, found, (), uncovered)
    if isinstance(doc, tuple):
        doc = list(doc)
    for path, value in list(_text_leaves(doc, min_length)):
        try:
            spans = detector.detect(value, categories=covered)
        except TextDetectionError as exc:
            if on_error == "raise":
                exc.args = (f"field {path or '(document)'}: {exc}",)
                raise
            doc = _set(doc, path, withheld_placeholder)
            withheld.append(path)
            continue
        if spans:
            doc = _set(doc, path, redact_spans(value, spans, replacement))
            found[path] = tuple(spans)
    return FreeTextRedaction(doc, found, tuple(withheld), uncovered)


def _set(doc: Any, path: str, value: Any) -> Any:
    """Set ``path`` in ``doc`` (in place) and return the document (a new one for path "")."""
    if path == "":
        return value
    parts = split_path(path)
    node = doc
    for p in parts[:-1]:
        node = node[p]
    if isinstance(node, tuple):  # flatten walks tuples too; rebuild is not worth it here
        raise TextDetectionError(f"field {path}: cannot redact inside a tuple")
    node[parts[-1]] = value
    return doc
