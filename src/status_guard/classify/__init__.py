"""Field classification: a name, an optional label and an optional value -> categories, with
reasons. Named passes, each in its own module and testable alone (see ``classifier``):

``segments`` (path and prefixes) -> ``abbreviations`` -> ``vocabulary`` (Ed-Fi, CEDS, NIEM) ->
``lexicon`` (Aho-Corasick over terms, exclusions, look-alikes, owner words; ``variants`` for
typos and digits) -> vetoes -> ``owners`` (context decides the category) -> patterns.

The lexicon is data in the policy pack (``categories.<id>.detectors`` and the ``lexicon:``
files); nothing here names a category. See docs/classification.md.
"""

from __future__ import annotations

from .classifier import MAX_CLASSIFY_CHARS, Analysis, Classifier
from .flatten import flatten, flatten_located
from .result import EMPTY, Classification
from ..normalize import normalize

__all__ = ["Analysis", "Classification", "Classifier", "EMPTY", "MAX_CLASSIFY_CHARS", "flatten", "flatten_located",
           "normalize"]
