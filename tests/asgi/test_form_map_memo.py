"""The form map builds a learned mapping's questions once (issue 15) and learns exactly what it
learned before: what a later submission is read with (2.129.040(b), 040(k)) is the same whether the
mapping was taught once, again, under another route, or interleaved with other mappings."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from status_guard.asgi.form_map import FormMap
from status_guard.asgi.forms import Learned

CATS = st.frozensets(st.sampled_from(["citizenship_status", "immigration_status", "country_of_birth"]), max_size=2)
learned = st.builds(Learned, CATS, st.sampled_from(["Name", "Are you a US citizen?", "Country of birth", "Phone"]),
                    st.frozensets(st.tuples(st.sampled_from(["survey"]), st.sampled_from(["1", "2"])), max_size=1))
mapping = st.dictionaries(st.sampled_from(["/echo", "/submit", "/submit/", "/a/*"]),
                          st.dictionaries(st.sampled_from(["q1", "q2", "name", "citz"]), learned, min_size=1, max_size=3),
                          min_size=1, max_size=2)


def _state(fm: FormMap) -> dict[str, Any]:
    return {p: fm.lookup(p) for p in ("/echo", "/submit", "/submit/", "/a/b")}


@settings(max_examples=200, deadline=None)
@given(maps=st.lists(mapping, min_size=1, max_size=4),
       order=st.lists(st.tuples(st.integers(0, 3), st.sampled_from(["/page", "/other"])), min_size=1, max_size=10))
def test_a_mapping_taught_again_teaches_what_a_fresh_reading_teaches_040b(maps: list[Any], order: list[Any]) -> None:
    memo, fresh = FormMap(), FormMap()
    for i, label in order:
        m = maps[i % len(maps)]
        memo.learn(m, label)
        fresh._memo.clear()  # the oracle: every mapping read afresh
        fresh.learn(m, label)
        assert _state(memo) == _state(fresh)
