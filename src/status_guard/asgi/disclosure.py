"""What every response-body module is handed: the audience of this response and a way to run the
disclosure passes (``status_guard.disclose``) over a format's leaves."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..disclose.audience import Audience
from ..disclose.leaves import Flat
from ..disclose.pipeline import Outcome, run
from ..model import Decision
from .config import Limits


@dataclass(frozen=True)
class RedactedBody:
    body: bytes
    decisions: tuple[Decision, ...]
    redacted: tuple[str, ...]  # paths or column names withheld (no values)


@dataclass(frozen=True)
class Disclosure:
    guard: Any
    audience: Audience
    limits: Limits

    def run(self, flat: Flat) -> Outcome:
        return run(self.guard, flat, self.audience)

    def safe_key(self, key: str) -> bool:
        return self.guard._path_safe_key(key)

    @property
    def classifier(self) -> Any:
        return self.guard.classifier


__all__ = ["Disclosure", "RedactedBody"]
