"""Free-text detection of protected categories (addresses, A-numbers, status remarks, court and
release dates) with Presidio, fully offline.

``Finding`` and the errors import cheaply; ``TextDetector`` / ``get_detector`` import Presidio
(about a second, once) on first use::

    from status_guard.text import get_detector
    findings = get_detector().detect("Mother said they are undocumented.")
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .findings import (
    Finding,
    RecognizerConfigError,
    TextDetectionError,
    TextDetectionTimeout,
    TextTooLongError,
    UnsupportedCategoryError,
)
from .redact_spans import DEFAULT_REPLACEMENT, redact_spans

if TYPE_CHECKING:  # pragma: no cover
    from .engine import TextDetector, get_detector

__all__ = [
    "DEFAULT_REPLACEMENT",
    "Finding",
    "RecognizerConfigError",
    "TextDetectionError",
    "TextDetectionTimeout",
    "TextDetector",
    "TextTooLongError",
    "UnsupportedCategoryError",
    "get_detector",
    "redact_spans",
]

_LAZY = {"TextDetector", "get_detector"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from . import engine

        return getattr(engine, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
