"""The remembered ``private_cache`` (issue 15) is the computed one.

Invariant (040(e); RFC 9111 shared caches): the headers a response leaves with — ``Cache-Control:
private`` (``no-store`` when redacted), ``Vary: Authorization, Cookie``, no shared-cache directive —
are those computed afresh for any header list, the first time and every later time, and a caller
changing the list it got changes no later answer.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from status_guard.asgi import headers as H

NAMES = st.sampled_from([b"Cache-Control", b"cache-control", b"Vary", b"vary", b"Surrogate-Control", b"CDN-Cache-Control",
                         b"content-type", b"x-thing", b"etag"])
VALUES = st.lists(st.sampled_from(["public", "max-age=60", "s-maxage=30", "no-store", "private", "*", "Accept",
                                   "cookie", "Origin", "no-cache", "proxy-revalidate", "application/json"]),
                  min_size=0, max_size=3).map(lambda xs: ", ".join(xs).encode())
HEADERS = st.lists(st.tuples(NAMES, VALUES), max_size=6)


@settings(max_examples=200, deadline=None)
@given(headers=HEADERS, no_store=st.booleans(), repeats=st.integers(1, 3))
def test_a_response_to_a_varying_route_is_never_stored_by_a_shared_cache_however_often_seen(
        headers: list[tuple[bytes, bytes]], no_store: bool, repeats: int) -> None:
    fresh = H.private_cache_of(list(headers), no_store=no_store)
    for _ in range(repeats):
        got = H.private_cache(headers, no_store=no_store)
        assert got == fresh
        assert not any(k.lower() in H.SHARED_CACHE_HEADERS for k, _ in got)
        got.append((b"cache-control", b"public"))  # the caller's list is its own
        got[0:1] = []
