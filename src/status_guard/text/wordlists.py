"""Word lists that recognizers draw on by name: country names and demonyms from the policy
pack's ``countries.yaml`` (generated from pycountry, see tools/build_countries.py).

Names available to recognizer data (``terms: {lists: [...]}``, or ``{{list:NAME}}`` inside a
regex): ``countries`` (every language), ``countries.<lang>``, ``demonyms``,
``demonyms.<lang>``. English names that too often mean something else (Jordan, Chad, Georgia —
the pack's ``ambiguous`` list) are left out. Nothing here reads the network.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

DEFAULT_COUNTRIES = "data/cambridge-2.129/countries.yaml"
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

WordLists = Mapping[str, tuple[str, ...]]


def from_countries(files: Iterable[Mapping[str, Any] | Any]) -> dict[str, tuple[str, ...]]:
    """Word lists from one or more ``countries`` data files (plain dicts or pydantic models)."""
    lists: dict[str, dict[str, None]] = {}

    def add(name: str, word: str) -> None:
        lists.setdefault(name, {})[word] = None

    for f in files:
        data = f.model_dump() if hasattr(f, "model_dump") else f
        ambiguous = set(data.get("ambiguous") or ())
        for kind in ("countries", "demonyms"):
            for _code, by_lang in (data.get(kind) or {}).items():
                for lang, words in by_lang.items():
                    for w in words:
                        if not isinstance(w, str) or not w.strip() or w in ambiguous:
                            continue
                        add(kind, w)
                        add(f"{kind}.{lang}", w)
    return {k: tuple(v) for k, v in lists.items()}


@lru_cache(maxsize=1)
def default_word_lists() -> dict[str, tuple[str, ...]]:
    """The lists of the packaged Cambridge pack (used when no policy pack is given)."""
    raw = resources.files("status_guard").joinpath(DEFAULT_COUNTRIES).read_text(encoding="utf-8")
    return from_countries([yaml.load(raw, Loader=_LOADER)])  # noqa: S506 - a safe loader


def digest(lists: WordLists) -> str:
    h = hashlib.sha256()
    for name in sorted(lists):
        h.update(name.encode())
        h.update(b"\0")
        h.update("\x1f".join(lists[name]).encode())
        h.update(b"\0")
    return h.hexdigest()
