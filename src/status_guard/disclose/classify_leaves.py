"""Pass 2 — classify leaves: each leaf becomes an :class:`Item` the decision engine can decide.

For a leaf reached through names ``n1 … nk`` with value ``v``:

* **categories** = the categories of the whole name path ``n1.….nk`` (protection is inherited:
  anything under ``home_address`` is an address) ∪ the categories ``v`` itself carries (an
  A-number, a status phrase), where the value can matter;
* **public_record** = a declared path pattern matches exactly this leaf's names (never its last
  name anywhere, never a whole subtree) — ``status_guard.disclose.paths``;
* **carve_out** (may a carve-out such as 8 U.S.C. §1373 release it?) — only when the leaf is a
  field value (not document text), its *own* key classifies inside the carve-out's categories
  and is made of status-key words only (``status_values.is_status_key``: not ``immigration_detainee``,
  ``deportation_scheduled``, ``immigration_released`` — custody / removal / release flags),
  the value is a status and nothing else (every word status vocabulary — an allow-list,
  ``status_values`` — and no value shape) and carries no other protected category. A release is never inherited from a parent key:
  ``{"immigration_status": {"notes": ...}}`` is decided by ``notes``.

Classification of names is cached per name path; value checks run only where they can change
the outcome (for a default-deny audience: public-record and status candidates only).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ..classify import Classification, Classifier
from ..model import Item
from .audience import Audience
from .leaves import Leaf
from .free_text import looks_like_free_text
from .status_values import is_status_key
from .values import status_like


class LeafClassifier:
    """Per-run caches over one classifier and one audience."""

    def __init__(self, classifier: Classifier, audience: Audience, spans: frozenset[str] = frozenset()) -> None:
        self.classifier = classifier
        self.audience = audience
        #: categories the free-text pass finds span by span: in a free-text value they are left to
        #: it (the rest of the note stays visible) — ``deferred`` records them, and a leaf whose
        #: deferred categories the span pass does not find is withheld whole after all
        self.spans = spans
        self.deferred: dict[int, frozenset[str]] = {}
        self._names: dict[tuple[str, ...], tuple[Classification, frozenset[str], bool]] = {}

    def names(self, names: tuple[str, ...]) -> tuple[Classification, frozenset[str], bool]:
        """(classification of the name path, categories of the own key, public record?)."""
        hit = self._names.get(names)
        if hit is None:
            cl = self.classifier.classify(".".join(names)) if names else _EMPTY
            own = self.classifier.classify(names[-1]).categories if names else frozenset()
            if own:
                cl = cl.merged(self.classifier.classify(names[-1]))
            public = self.audience.public.matches(names) if names else False
            hit = (cl, own, public)
            self._names[names] = hit
        return hit

    def value_categories(self, value: Any) -> Classification:
        if isinstance(value, str) and value:
            return self.classifier.classify_value(value)
        return _EMPTY

    def item(self, leaf: Leaf, index: int = -1) -> Item:
        cl, own, public = self.names(leaf.names)
        aud = self.audience
        carve_candidate = (leaf.kind == "value" and bool(own) and bool(aud.carve) and own <= aud.carve
                           and is_status_key(leaf.names[-1]))
        cats = cl.categories
        reasons = cl.reason_list
        need_value = (not aud.default_deny) or public or carve_candidate
        vcats: frozenset[str] = frozenset()
        if need_value:
            vc = self.value_categories(leaf.value)
            if vc.categories:
                vcats = vc.categories
                # a status value under its own status key is decided whole by the carve-out test
                # below, never span by span (the free-text pass also looks for status: r13f F01)
                later = (vcats & self.spans if self.spans and not carve_candidate and looks_like_free_text(leaf.value)
                         else frozenset())
                if later and index >= 0:
                    self.deferred[index] = later
                    vcats = vcats - later
                cats = cats | vcats
                reasons = reasons + tuple(f"{c}: the value itself reads as one" for c in sorted(vcats))
        carve_out = False
        if carve_candidate:
            carve_out = status_like(leaf.value) and vcats <= aud.carve and cats <= aud.carve
            if not carve_out:
                reasons = reasons + ("the value under a status key is not itself a status value, so the "
                                     "8 U.S.C. §1373 carve-out does not apply",)
        return Item(leaf.path, cats, reasons, public_record=public, carve_out=carve_out)


def classify_leaves(classifier: Classifier, audience: Audience, leaves: Sequence[Leaf],
                    spans: frozenset[str] = frozenset()) -> tuple[list[Item], LeafClassifier]:
    """Items for ``leaves``; ``spans``: the categories the free-text pass will look for."""
    lc = LeafClassifier(classifier, audience, spans)
    make: Callable[[Leaf, int], Item] = lc.item
    return [make(leaf, i) for i, leaf in enumerate(leaves)], lc


_EMPTY = Classification(frozenset(), {})

__all__ = ["LeafClassifier", "classify_leaves"]
