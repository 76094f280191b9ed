"""The result of a redaction, and path helpers shared by adapters.

The redaction itself lives in :mod:`status_guard.disclose` — named passes that decide every leaf
of a document (flatten → classify leaves → keys → decide → free text → apply). This module keeps
the :class:`Redaction` result ``Guard.redact`` returns, the placeholder, and ``split_path`` (a
dotted path string to keys and list positions, for adapters that address form fields by path).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .model import Decision

REDACTED = "[REDACTED]"
_PATH_TOKEN = re.compile(r"\[(\d+)\]|\.?([^.\[\]]+)")


@dataclass(frozen=True)
class Redaction:
    """The redacted copy of a document and the decision that shaped it. ``redacted`` / ``removed``
    are the value-free paths of withheld leaves (keys that may be values shown by position)."""

    document: Any
    decision: Decision
    redacted: tuple[str, ...]
    removed: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.redacted or self.removed)


@lru_cache(maxsize=65536)
def split_path(path: str) -> tuple[str | int, ...]:
    return tuple(int(m.group(1)) if m.group(1) is not None else m.group(2) for m in _PATH_TOKEN.finditer(path))


__all__ = ["REDACTED", "Redaction", "split_path"]
