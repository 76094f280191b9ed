"""Remembered free-text detections (issue 15).

``TextDetector.detect`` is a pure function of the text, the categories asked for, the score
threshold and the field classifier (it keeps no state between calls); the same values come back
again and again (a school's name, an allergy, a page's labels), and each detection costs
milliseconds. This memo returns the findings of an earlier successful call with the same inputs —
exactly what the detector would compute again. Failures (timeouts, errors) are never remembered:
a text that could not be checked is checked again, and refused again if it still cannot be.

Bounded (``max_entries`` results of texts up to ``max_chars``, ``max_total_chars`` of text in
all), least recently used goes first, thread-safe. Holds the texts themselves in memory — never on disk, never in the audit log.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

MAX_ENTRIES = 4096
MAX_CHARS = 4096
MAX_TOTAL_CHARS = 2_000_000


class DetectMemo:
    def __init__(self, max_entries: int = MAX_ENTRIES, max_chars: int = MAX_CHARS,
                 max_total_chars: int = MAX_TOTAL_CHARS) -> None:
        self.max_entries = max_entries
        self.max_chars = max_chars
        self.max_total_chars = max_total_chars
        self.total_chars = 0
        self._lock = threading.Lock()
        self._data: OrderedDict[Hashable, tuple[Any, ...]] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def key(self, text: str, wanted: list[str] | None, threshold: float, field_classifier: Any) -> Hashable | None:
        if self.max_entries <= 0 or len(text) > self.max_chars:
            return None
        key = (text, tuple(wanted) if wanted is not None else None, threshold, field_classifier)
        try:
            hash(key)
        except TypeError:  # an unhashable classifier: not remembered
            return None
        return key

    def get(self, key: Hashable | None) -> list[Any] | None:
        if key is None:
            return None
        with self._lock:
            found = self._data.get(key)
            if found is None:
                self.misses += 1
                return None
            self._data.move_to_end(key)
            self.hits += 1
        return list(found)

    def put(self, key: Hashable | None, findings: list[Any]) -> None:
        if key is None:
            return
        text = key[0]  # type: ignore[index]
        with self._lock:
            if self._data.pop(key, None) is not None:
                self.total_chars -= len(text)
            self._data[key] = tuple(findings)
            self.total_chars += len(text)
            while len(self._data) > self.max_entries or self.total_chars > self.max_total_chars:
                gone, _ = self._data.popitem(last=False)
                self.total_chars -= len(gone[0])  # type: ignore[index]

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self.total_chars = 0
