"""The remembered verdicts (issue 15) stay within their bounds: entries, bytes per body and bytes
in all; the least recently used go first; a body over the per-body bound is never remembered."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from status_guard.asgi.verdict_cache import Verdict, VerdictCache


@settings(max_examples=50, deadline=None)
@given(sizes=st.lists(st.integers(0, 300), min_size=1, max_size=60), entries=st.integers(1, 10),
       total=st.integers(1, 1000))
def test_remembered_verdicts_never_exceed_their_bounds(sizes: list[int], entries: int, total: int) -> None:
    cache = VerdictCache(max_entries=entries, max_body_bytes=200, max_total_bytes=total)
    for i, n in enumerate(sizes):
        body = bytes([i % 256]) * n
        key = cache.key(("ctx", i % 7), body)
        if n > 200:
            assert key is None
            continue
        cache.put(key, Verdict(body, (), None))
        assert len(cache) <= entries and cache.total_bytes <= total
        assert cache.total_bytes == sum(len(v.body or b"") for v in cache._data.values())
        if n <= total:
            assert cache.get(key) == Verdict(body, (), None)  # the newest is kept when it fits
