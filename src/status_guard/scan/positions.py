"""Offsets to 1-based (line, column)."""

from __future__ import annotations

import bisect


class LineIndex:
    def __init__(self, text: str):
        self._starts = [0]
        for i, ch in enumerate(text):
            if ch == "\n":
                self._starts.append(i + 1)

    def position(self, offset: int) -> tuple[int, int]:
        if offset < 0:
            return (1, 1)
        i = bisect.bisect_right(self._starts, offset) - 1
        return (i + 1, offset - self._starts[i] + 1)
