"""What free-text detection returns, and how it fails.

A :class:`Finding` is a category and a span; it deliberately holds no excerpt of the text, so a
finding can be logged, audited or returned to a caller without leaking what was found.  Callers
that must show the matched text slice it themselves (``text[f.start:f.end]``).
"""

from __future__ import annotations

from dataclasses import dataclass

from status_guard.errors import ClassificationError, LimitExceededError


@dataclass(frozen=True, slots=True)
class Finding:
    """One detected span: ``text[start:end]`` holds data of ``category``."""

    category: str
    start: int
    end: int
    score: float
    recognizer: str

    def __post_init__(self) -> None:
        if not (0 <= self.start < self.end):
            raise ValueError("a finding needs 0 <= start < end")
        if not (0.0 <= self.score <= 1.0):
            raise ValueError("a finding's score lies in [0, 1]")

    def sort_key(self) -> tuple[int, int, str, str]:
        """Left to right, then by category: the order :meth:`TextDetector.detect` returns."""
        return (self.start, self.end, self.category, self.recognizer)

    def overlaps(self, other: Finding) -> bool:
        return self.start < other.end and other.start < self.end

    def to_dict(self) -> dict[str, object]:
        """A plain, value-free record (for JSON output and audit records)."""
        return {
            "category": self.category,
            "start": self.start,
            "end": self.end,
            "score": round(self.score, 4),
            "recognizer": self.recognizer,
        }


class TextDetectionError(ClassificationError):
    """Free text could not be checked (a recognizer failed or ran out of time, the configuration
    is invalid, a category has no recognizer).  Callers must treat the text as unsafe: refuse it,
    or hide all of it — never pass it through.  The message never quotes the text."""


class TextTooLongError(TextDetectionError, LimitExceededError):
    """The text is over the detector's size bound (``limits.max_chars``)."""

    def __init__(self, limit: int, observed: int):
        LimitExceededError.__init__(self, "free text length in characters", limit, observed)


class TextDetectionTimeout(TextDetectionError):
    """Detection did not finish within its deadline (``limits.deadline_ms``)."""


class RecognizerConfigError(TextDetectionError):
    """The recognizer data (``text:`` in a policy pack, or the defaults) is invalid."""


class UnsupportedCategoryError(TextDetectionError):
    """A caller asked for a category no configured recognizer can find (detecting nothing for it
    would look like a clean result, so it is refused)."""
