"""The phrase index (issue 15, round f) reads the pack's look-alike phrases — welcoming statements,
city services, words addressing the person — with the same results as trying every phrase at every
word, so what a form asks (2.129.040(b), 040(k)) is decided exactly as before, only without
seconds of work on a page of many labels.

The oracle is the naive reading kept here: every phrase, every position, :meth:`_Phrase.at`.
Sequences are generated from the pack's own phrase words (whole, cut short, lengthened, with the
suffixes and prefixes the pack matches by) mixed with other words, so matches at every position,
overlapping matches, prefix and suffix phrases and Han text are all met."""

from __future__ import annotations

from typing import Any, Iterable

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard.classify.lexicon import compact_script
from status_guard.collection import lookalikes as la
from status_guard.collection.lookalikes import _Phrase, vocab

LISTS = ("services", "addressed", "not_asked", "rights", "requests", "verbs", "declarative_addressed",
         "answer_services", "signup", "personal_services")


# -- the oracle: the reading before the index ----------------------------------------------------
def naive_found(phrases: Iterable[_Phrase], words: tuple[str, ...], ctext: str) -> list[_Phrase]:
    out = []
    for p in phrases:
        if la._spaceless(p.ctext):
            if p.ctext in ctext:
                out.append(p)
        elif any(p.at(words, i) for i in range(len(words))):
            out.append(p)
    return out


def naive_occurrences(phrases: Iterable[_Phrase], words: tuple[str, ...]) -> list[tuple[int, int, _Phrase]]:
    out = []
    for p in phrases:
        if compact_script(p.ctext):
            continue
        for i in range(len(words)):
            if p.at(words, i):
                out.append((i, i + len(p.words), p))
    return out


def naive_says_not_asked(clause: str, phrases: tuple[_Phrase, ...] | None = None) -> bool:
    words = tuple(la.tokens(clause))
    ctext = None
    for p in vocab().not_asked if phrases is None else phrases:
        if compact_script(p.ctext):
            ctext = la.compact(clause) if ctext is None else ctext
            if p.ctext and p.ctext in ctext:
                return True
        elif any(p.at(words, i) for i in range(len(words))):
            return True
    return False


# -- generated text ---------------------------------------------------------------------------------
def _pieces() -> list[str]:
    v = vocab()
    out: set[str] = set()
    for name in LISTS:
        for p in getattr(v, name):
            for w in p.words:
                out.add(w)
                if len(w) > 2:
                    out.add(w[:-1])  # cut short: a prefix phrase's stem, a near miss
                out.add(w + "s")
                out.add("x" + w)  # lengthened in front: what a suffix phrase matches
            if p.ctext and compact_script(p.ctext):
                out.add(p.ctext)
    return sorted(out)


def _edges() -> list[str]:
    """Words at the edge of a prefix or suffix phrase: the stem itself, one letter more or less."""
    v = vocab()
    out: set[str] = set()
    for name in LISTS:
        for p in getattr(v, name):
            if p.prefix or p.suffix:
                w = p.words[-1] if p.prefix else p.words[0]
                out.update({w, w[:-1] or w, w[1:] or w, "가" + w, w + "a", "x" + w[1:]})
    return sorted(out)


PIECES = _pieces()
EDGES = _edges()
OTHER = ("the", "a", "your", "we", "will", "not", "ask", "about", "status", "citizenship", "immigration", "of",
         "naturalization", "ceremony", "office", "date", "2024", "?", ".", "入籍", "仪式", "我们", "니다")
word = st.one_of(st.sampled_from(PIECES), st.sampled_from(EDGES), st.sampled_from(OTHER),
                 st.text(alphabet="abcdeéíñoruyz入籍民", min_size=1, max_size=8))
sequences = st.lists(word, min_size=0, max_size=24)
phrase_list = st.sampled_from(LISTS)


def _words(seq: list[str]) -> tuple[str, ...]:
    return tuple(la.tokens(" ".join(seq)))


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seq=sequences)
def test_indexed_phrase_reading_equals_every_phrase_at_every_word(seq: list[str]) -> None:
    text = " ".join(seq)
    words = _words(seq)
    ctext = la.compact(text)
    for name in LISTS:  # every list of the pack, on every sequence
        phrases = getattr(vocab(), name)
        assert la._found(phrases, words, ctext) == naive_found(phrases, words, ctext), name
        assert la._occurrences(phrases, words) == naive_occurrences(phrases, words), name
        assert la._says_not_asked(text, phrases) == naive_says_not_asked(text, phrases), name
    assert la._says_not_asked(text) == naive_says_not_asked(text)


@settings(max_examples=200, deadline=None)
@given(seq=sequences, name=phrase_list, data=st.data())
def test_a_list_a_caller_assembles_is_read_like_the_packs_own(seq: list[str], name: str, data: Any) -> None:
    """Filtered lists and concatenations (services + answer services) give the same answer."""
    phrases = getattr(vocab(), name)
    keep = data.draw(st.lists(st.booleans(), min_size=len(phrases), max_size=len(phrases)))
    chosen = [p for p, k in zip(phrases, keep) if k]
    words = _words(seq)
    ctext = la.compact(" ".join(seq))
    assert la._occurrences(chosen, words) == naive_occurrences(chosen, words)
    assert la._found(tuple(chosen), words, ctext) == naive_found(chosen, words, ctext)
    both = vocab().services + phrases
    assert la._occurrences(both, words) == naive_occurrences(both, words)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seq=sequences, name=st.sampled_from(("q7", "citizenship_status", "service", "notes", "entry.status")),
       answer=st.booleans())
def test_what_a_field_asks_is_decided_as_with_the_naive_reading_040b(seq: list[str], name: str, answer: bool) -> None:
    """``asked`` (the whole look-alike pass) with the index = with the naive reading swapped in."""
    import pytest

    label = " ".join(seq) or None
    clf = _classifier()
    fast = la.asked(clf, name, label, answer=answer)
    la.without_statements.cache_clear()
    la._addresses.cache_clear()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(la, "_found", naive_found)
        mp.setattr(la, "_occurrences", naive_occurrences)
        mp.setattr(la, "_says_not_asked", naive_says_not_asked)
        slow = la.asked(clf, name, label, answer=answer)
        la.without_statements.cache_clear()
        la._addresses.cache_clear()
    assert (fast[0].categories, dict(fast[0].reasons), fast[1]) == (slow[0].categories, dict(slow[0].reasons), slow[1])


_CLF: Any = None


def _classifier() -> Any:
    global _CLF
    if _CLF is None:
        from status_guard.classify.classifier import Classifier
        from status_guard.policy import load_policy

        _CLF = Classifier.from_policy(load_policy(None))
    return _CLF


def test_the_oracle_can_tell_a_wrong_index_apart() -> None:
    """The comparison can fail: an index that drops the prefix phrases reads a text differently."""
    v = vocab()
    prefixed = [p for p in v.requests if p.prefix and len(p.words) == 1]
    assert prefixed, "the pack has one-word prefix phrases"
    p = prefixed[0]
    words = (p.words[0] + "xyz",)
    index = la.PhraseIndex(v.requests, compact_script)
    index.prefix = {}
    assert not any(index.phrases[k] is p for k, _ in index.matches(words))
    assert p in naive_found(v.requests, words, la.compact(" ".join(words)))
