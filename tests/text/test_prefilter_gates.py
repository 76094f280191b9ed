"""The literal pre-filter gates (issue 15, text.gates) change no detection.

A gate lets a recognizer pattern skip a text that contains none of the literals every match of
the pattern must contain.  Proved three ways:

* per pattern: for strings generated *from the pattern itself* (hypothesis ``from_regex``; case
  variants, Unicode letters the regex engine equates with ASCII ones, embedded in ASCII or
  non-ASCII noise), whenever the pattern matches, its gate is open;
* per detector: for texts built from the recognizers' own terms, context words and generated
  pattern matches, with case and diacritic variants, the gated detector returns exactly what a
  detector without gates returns;
* on every text of the existing corpora (tests/text/corpus, tests/blind): identical findings.

A pattern with no derivable gate always runs (never a silent skip).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import regex
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from status_guard.text.config import build_config
from status_guard.text.gates import Prefilter, _superset_props, required_literals

ROOT = Path(__file__).resolve().parents[1]
_CFG = build_config(None, None)
_PATTERNS = [(f"{s.id}/{p.name}", p.regex, regex.V0 | (0 if p.case_sensitive else regex.IGNORECASE))
             for s in _CFG.recognizers for p in s.patterns]
# letters the regex engine equates with ASCII ones under IGNORECASE, and accents / other scripts
_TWINS = {"k": "\u212a", "s": "\u017f", "i": "\u0131", "I": "\u0130", "e": "é", "a": "à", "o": "ò", "c": "ç"}
_NOISE = st.text(alphabet=st.sampled_from(list("abc xyz 0123456789-/.,:;'’\n") + ["é", "ñ", "月", "ß", "İ", "\u212a"]),
                 max_size=12)


def _variant(data: Any, s: str) -> str:
    """``s`` with random case flips and look-alike / accented letters."""
    out = []
    for c in s:
        r = data.draw(st.integers(0, 9), label="variant")
        if r == 0:
            out.append(c.swapcase())
        elif r == 1 and c in _TWINS:
            out.append(_TWINS[c])
        else:
            out.append(c)
    return "".join(out)


def _re_form(pattern: str) -> str | None:
    """The pattern as the standard ``re`` module reads it (\\p classes widened), for from_regex."""
    sub = _superset_props(pattern)
    if sub is None:
        return None
    try:
        re.compile(sub)
    except re.error:
        return None
    return sub


def test_most_patterns_get_a_gate_and_the_rest_always_run() -> None:
    gated = [name for name, pat, flags in _PATTERNS if Prefilter().gate(pat, flags) is not None]
    assert len(gated) >= 0.8 * len(_PATTERNS)
    from status_guard.text.engine import TextDetector

    det = TextDetector(_CFG)
    ungated = [p for r in det._analyzer.registry.recognizers for p in getattr(r, "_patterns", []) if p[5] is None]
    assert len(ungated) == len(_PATTERNS) - len(gated)  # each of them runs on every text


@pytest.mark.parametrize(("where", "pattern", "flags"), _PATTERNS, ids=[w for w, _, _ in _PATTERNS])
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_a_gate_is_open_whenever_its_pattern_matches(where: str, pattern: str, flags: int, data: Any) -> None:
    pf = Prefilter()
    gate = pf.gate(pattern, flags)
    if gate is None:
        return  # no gate: the pattern always runs
    form = _re_form(pattern)
    assume(form is not None)
    rx = regex.compile(pattern, flags=flags)
    body = data.draw(st.from_regex(re.compile(form, re.IGNORECASE if flags & regex.IGNORECASE else 0),
                                   fullmatch=True), label="match")
    body = _variant(data, body) if flags & regex.IGNORECASE else body
    text = data.draw(_NOISE, label="before") + body + data.draw(_NOISE, label="after")
    if rx.search(text) is not None:
        assert gate.open(pf.scan(text)), f"{where}: gate {sorted(gate.literals)[:5]} closed on {text!r}"


@pytest.mark.parametrize("pattern", [r"(?i:born)\s+in", r"ab(?=cd)", r"x{e<=1}", r"[[:alpha:]]+", r"\p{Lu}\w+",
                                     r"(?:foo)?bar|baz", r"a*", r"(a|b*)c?"])
def test_derivation_is_conservative_on_hard_shapes(pattern: str) -> None:
    found = required_literals(pattern, ignorecase=False)
    if pattern.startswith("(?i:"):
        assert found == (frozenset({"born"}), True)  # a scoped (?i) makes the whole gate ignore case
    elif "{e" in pattern or "[:" in pattern:
        assert found is None  # may mean something else to the regex module: no gate
    elif pattern in ("a*", r"(a|b*)c?", r"\p{Lu}\w+"):
        assert found is None  # can match without any fixed literal
    elif pattern == r"(?:foo)?bar|baz":
        assert found is not None and {"bar", "baz"} <= found[0] and all("ba" in s for s in found[0])


@pytest.fixture(scope="module")
def pair() -> tuple[Any, Any]:
    from status_guard.text.engine import TextDetector

    return TextDetector(_CFG), TextDetector(_CFG, prefilter=False)


def _detect(det: Any, text: str) -> Any:
    return det._detect(text, None, det.config.min_score, None)


def _vocab() -> list[str]:
    words: set[str] = set()
    for spec in _CFG.recognizers:
        words.update(spec.terms[:25])
        if spec.context:
            words.update(spec.context.words[:15])
    return sorted(words) + ["3/4/2026", "2026-03-05", "A-123-456-789", "12 Elm Street", "born in", "Haiti", "the",
                            "released", "hearing", "on Monday", "月", "는", ".", ","]


_VOCAB = _vocab()
_FORMS = [f for f in (_re_form(p) for _, p, _ in _PATTERNS) if f is not None]


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_gated_detector_returns_exactly_what_the_ungated_one_returns(pair: tuple[Any, Any], data: Any) -> None:
    gated, plain = pair
    parts = []
    for _ in range(data.draw(st.integers(1, 8), label="n")):
        kind = data.draw(st.integers(0, 2), label="kind")
        if kind == 0:
            parts.append(data.draw(st.sampled_from(_VOCAB)))
        elif kind == 1:
            form = data.draw(st.sampled_from(_FORMS))
            parts.append(data.draw(st.from_regex(re.compile(form, re.IGNORECASE), fullmatch=True)))
        else:
            parts.append(data.draw(_NOISE))
    text = _variant(data, " ".join(parts))
    assume(text.strip())
    assert _detect(gated, text) == _detect(plain, text)


def _corpus_texts() -> list[str]:
    out: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
        elif isinstance(node, str) and len(node.strip()) >= 3:
            out.add(node)

    for folder in (ROOT / "text" / "corpus", ROOT / "blind"):
        for path in sorted(folder.rglob("*.yaml")):
            walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    return sorted(out)


def test_gated_detector_is_identical_on_every_corpus_text(pair: tuple[Any, Any]) -> None:
    gated, plain = pair
    texts = _corpus_texts()
    assert len(texts) >= 500
    differ = [t[:60] for t in texts if _detect(gated, t) != _detect(plain, t)]
    assert differ == []


def test_the_ascii_twins_are_exactly_what_the_regex_engine_equates() -> None:
    from status_guard.text.gates import ASCII_TWINS, scan_ascii_twins

    assert scan_ascii_twins() == ASCII_TWINS
    # and the other way round: a non-ASCII pattern character matches an ASCII text character only
    # when it is one of the twins, and then only that letter (in one or both cases: the gate
    # compares lower-cased text, so it may open more often than needed, never less)
    every_ascii = "".join(chr(a) for a in range(128))
    flags = regex.V0 | regex.IGNORECASE
    hit = {m.group() for m in regex.finditer(r"[\x80-\U0010ffff]", every_ascii, flags=flags)}
    assert hit == {v for t in ASCII_TWINS.values() for v in (t, t.upper())}
    for twin, letter in ASCII_TWINS.items():
        matched = {a for a in every_ascii if regex.fullmatch(regex.escape(twin), a, flags=flags)}
        assert matched and matched <= {letter, letter.upper()}
