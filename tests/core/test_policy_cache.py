"""Issue 15, start-up: the local cache of validated packs (``status_guard.policy.cache``) never
changes the pack in use. Whatever file of a pack is edited — the pack itself or any lexicon file
it lists — a load through the cache gives exactly what a load without it gives (hash, validated
model, lexicon, compiled lexicon, classifications); a cache that is not private to this user, or
is corrupt, is not used. The pack's hash is what every audit record cites (2.129.060 reporting):
a stale cache would make records cite a pack that is not the one deciding."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard.classify import Classifier
from status_guard.policy import default_policy_path, load_policy
from status_guard.policy import cache as policy_cache

PACK = default_policy_path()
FILES = sorted(str(p.relative_to(PACK.parent)) for p in (PACK.parent / "cambridge-2.129").rglob("*.yaml"))
NAMES = ["citizenship_status", "home_address", "release_date", "first_name", "nombre", "lugar_de_nacimiento",
         "ins_no", "alien_reg_number", "grade_level", "visa_card_last4", "parent_email", "country_of_birth"]


def _copy(tmp: Path) -> Path:
    shutil.copy(PACK, tmp / PACK.name)
    shutil.copytree(PACK.parent / "cambridge-2.129", tmp / "cambridge-2.129")
    return tmp / PACK.name


def _same(a, b) -> None:
    assert a.hash == b.hash
    assert a.file == b.file
    assert a.lexicon == b.lexicon
    ca, cb = Classifier.from_policy(a), Classifier.from_policy(b)
    assert ca.lexicon.word_keys == cb.lexicon.word_keys and ca.lexicon.compact_keys == cb.lexicon.compact_keys
    assert ca.lexicon.known_words == cb.lexicon.known_words
    for n in NAMES:
        assert ca.classify(n) == cb.classify(n), n


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    d = tmp_path / "cache"
    monkeypatch.setenv("STATUS_GUARD_CACHE_DIR", str(d))
    return d


def test_a_cached_pack_is_the_pack(cache_dir: Path) -> None:
    first = load_policy(PACK)  # miss: validated, compiled, stored
    assert list(cache_dir.glob("pack-*.pickle"))
    assert policy_cache.load(PACK.resolve(), PACK.read_bytes()) is not None
    _same(load_policy(PACK), load_policy(PACK, cache=False))
    _same(first, load_policy(PACK, cache=False))


_EDITS = st.sampled_from(["comment", "term", "bytes_same_meaning"])


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(which=st.sampled_from(["<pack>"] + FILES), edit=_EDITS, word=st.from_regex(r"[a-z]{5,12}", fullmatch=True))
def test_a_changed_pack_file_never_uses_a_stale_cache(tmp_path_factory, monkeypatch, which: str, edit: str,
                                                      word: str) -> None:
    tmp = tmp_path_factory.mktemp("pack")
    monkeypatch.setenv("STATUS_GUARD_CACHE_DIR", str(tmp / "cache"))
    pack = _copy(tmp)
    before = load_policy(pack)  # fills the cache
    target = pack if which == "<pack>" else pack.parent / which
    text = target.read_text(encoding="utf-8")
    if edit == "comment":
        text += f"\n# {word}\n"
    elif edit == "bytes_same_meaning":
        text = text.replace("\n", "\n\n", 1)
    else:  # a change of meaning where one is easy to make: a title / description string
        text = text.replace("title: ", f"title: {word} ", 1) if "title: " in text else text + f"\n# {word}\n"
    target.write_text(text, encoding="utf-8")
    after = load_policy(pack)
    fresh = load_policy(pack, cache=False)
    _same(after, fresh)
    if edit == "term" and "title: " in text and which != "<pack>":
        assert after.hash != before.hash


def test_an_edited_lexicon_term_changes_classification_through_the_cache(cache_dir: Path, tmp_path: Path) -> None:
    pack = _copy(tmp_path)
    c0 = Classifier.from_policy(load_policy(pack))
    assert not c0.classify("zorblaxed_flag").categories
    en = pack.parent / "cambridge-2.129/languages/en.yaml"
    text = en.read_text(encoding="utf-8")
    assert "  citizenship_status:\n    terms: [" in text
    en.write_text(text.replace("  citizenship_status:\n    terms: [", "  citizenship_status:\n    terms: [zorblaxed, ", 1),
                  encoding="utf-8")
    c1 = Classifier.from_policy(load_policy(pack))
    assert "citizenship_status" in c1.classify("zorblaxed_flag").categories


def test_a_cache_others_can_write_is_not_read(cache_dir: Path) -> None:
    load_policy(PACK)
    os.chmod(cache_dir, 0o777)
    assert policy_cache.load(PACK.resolve(), PACK.read_bytes()) is None
    os.chmod(cache_dir, 0o700)
    entry = next(cache_dir.glob("pack-*.pickle"))
    os.chmod(entry, 0o666)
    assert policy_cache.load(PACK.resolve(), PACK.read_bytes()) is None
    os.chmod(entry, 0o600)
    assert policy_cache.load(PACK.resolve(), PACK.read_bytes()) is not None


def test_a_corrupt_or_foreign_entry_is_ignored(cache_dir: Path) -> None:
    load_policy(PACK)
    entry = next(cache_dir.glob("pack-*.pickle"))
    entry.write_bytes(entry.read_bytes()[:1000])
    _same(load_policy(PACK), load_policy(PACK, cache=False))
    entry.write_bytes(b"not a pickle")
    _same(load_policy(PACK), load_policy(PACK, cache=False))


def test_the_cache_can_be_turned_off(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("STATUS_GUARD_CACHE_DIR", "off")
    assert policy_cache.cache_dir() is None
    _same(load_policy(PACK), load_policy(PACK, cache=False))
