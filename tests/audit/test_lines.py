"""Reading a JSON Lines log with bounded memory.

Invariant: forwards and backwards, the line reader yields exactly the lines of the file (offsets,
bytes, whether each ended with a newline), whatever the chunk size; a line longer than the limit
is never held — it is reported with its length (and, forwards, its SHA-256) and no data.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard.audit.sinks import lines as L


def _reference(data: bytes, limit: int) -> list[tuple[int, bytes, bool, int]]:
    out, off = [], 0
    segs = data.split(b"\n")
    for k, seg in enumerate(segs):
        last = k == len(segs) - 1
        if last and seg == b"":
            break
        over = len(seg) > limit
        out.append((off, b"" if over else seg, not last, len(seg) if over else 0))
        off += len(seg) + 1
    return out


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parts=st.lists(st.binary(max_size=300).map(lambda b: b.replace(b"\n", b"x")), max_size=8),
       trailing=st.booleans(), limit=st.sampled_from([3, 60, 150, 10**6]), chunk=st.sampled_from([1, 2, 7, 64, 65536]))
def test_forward_and_backward_readers_yield_exactly_the_lines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                              parts: list[bytes], trailing: bool, limit: int,
                                                              chunk: int) -> None:
    data = b"\n".join(parts) + (b"\n" if trailing and parts else b"")
    path = tmp_path / "f"
    path.write_bytes(data)
    monkeypatch.setattr(L, "CHUNK", chunk)
    fd = os.open(path, os.O_RDONLY)
    try:
        fwd = [(x.offset, x.data, x.complete, x.oversize) for x in L.iter_forward(fd, limit=limit)]
        back = [(x.offset, x.data, x.complete, x.oversize) for x in reversed(list(L.iter_backward(fd, limit=limit)))]
        hashes = [x.sha256 for x in L.iter_forward(fd, limit=limit, hash_oversize=True) if x.oversize]
    finally:
        os.close(fd)
    ref = _reference(data, limit)
    assert fwd == ref and back == ref
    over = [seg for seg in data.split(b"\n") if len(seg) > limit]
    assert hashes == [hashlib.sha256(s).hexdigest() for s in over]
