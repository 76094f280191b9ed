"""Reading a JSON Lines file with bounded memory, forwards and backwards.

No line is ever held whole past :data:`MAX_LINE`: a longer line (a 1 GB line appended by mistake or
malice) is skipped over while its length and SHA-256 are counted, and reported as oversized.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass

from .base import MAX_LINE

CHUNK = 64 * 1024


@dataclass(frozen=True)
class Line:
    offset: int  # byte offset of the line's first byte
    data: bytes  # empty when oversized
    complete: bool  # ends with a newline
    oversize: int = 0  # > 0: the line's length (it was not kept)
    sha256: str | None = None  # set for oversized lines (and on request)

    @property
    def end(self) -> int:
        """Offset just past the line and its newline."""
        n = self.oversize or len(self.data)
        return self.offset + n + (1 if self.complete else 0)


def iter_forward(fd: int, start: int = 0, end: int | None = None, limit: int = MAX_LINE,
                 hash_oversize: bool = False) -> Iterator[Line]:
    """Lines of ``fd`` from byte ``start`` (a line start) up to ``end`` (default: the current size).
    ``hash_oversize``: also compute the SHA-256 of lines over the limit (costs a pass over them)."""
    if end is None:
        end = os.fstat(fd).st_size
    pos = start
    buf = bytearray()
    line_start = start
    over = 0
    hasher = hashlib.sha256()
    while pos < end:
        chunk = os.pread(fd, min(CHUNK, end - pos), pos)
        if not chunk:
            break
        pos += len(chunk)
        j = 0
        while j < len(chunk):
            i = chunk.find(b"\n", j)
            piece = chunk[j:] if i == -1 else chunk[j:i]
            if over:
                over += len(piece)
                if hash_oversize:
                    hasher.update(piece)
            elif len(buf) + len(piece) > limit:
                hasher = hashlib.sha256(bytes(buf))
                if hash_oversize:
                    hasher.update(piece)
                over = len(buf) + len(piece)
                buf.clear()
            else:
                buf += piece
            if i == -1:
                break
            if over:
                yield Line(line_start, b"", True, over, hasher.hexdigest() if hash_oversize else None)
            else:
                yield Line(line_start, bytes(buf), True)
            line_start += (over or len(buf)) + 1
            buf.clear()
            over = 0
            j = i + 1
    if over:
        yield Line(line_start, b"", False, over, hasher.hexdigest() if hash_oversize else None)
    elif buf:
        yield Line(line_start, bytes(buf), False)


def iter_backward(fd: int, end: int | None = None, limit: int = MAX_LINE) -> Iterator[Line]:
    """Lines of ``fd`` from the last one back to the first. Oversized lines come without data
    (and without a hash: hashing them backwards would need their bytes in order)."""
    if end is None:
        end = os.fstat(fd).st_size
    if end <= 0:
        return
    complete = os.pread(fd, 1, end - 1) == b"\n"
    line_end = end - 1 if complete else end  # exclusive end of the current line's content
    pos = line_end
    parts: list[bytes] = []  # pieces of the current line, right to left
    held = 0
    over = 0
    while pos > 0:
        start = max(0, pos - CHUNK)
        chunk = os.pread(fd, pos - start, start)
        stop = len(chunk)
        while True:
            i = chunk.rfind(b"\n", 0, stop)
            piece = chunk[i + 1:stop]
            if over or held + len(piece) > limit:
                over = (over or held) + len(piece)
                parts, held = [], 0
            else:
                parts.append(piece)
                held += len(piece)
            if i == -1:
                break
            line_start = start + i + 1
            if over:
                yield Line(line_start, b"", complete, over)
            else:
                yield Line(line_start, b"".join(reversed(parts)), complete)
            parts, held, over, complete = [], 0, 0, True
            stop = i
        pos = start
    if over:
        yield Line(0, b"", complete, over)
    elif parts or line_end >= 0:
        data = b"".join(reversed(parts))
        if data or complete:
            yield Line(0, data, complete)
