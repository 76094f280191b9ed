"""Field classification: a name, an optional label and an optional value -> categories, with reasons.

The lexicon is data in the policy pack (``categories.<id>.detectors``). This module compiles it
once into an index and matches normalised token sequences (see ``normalize``):

* ``terms``     — word sequences per language, matched anywhere in the name or label;
* ``compact``   — substrings of the separator-free name (``isuscitizenship``);
* ``patterns``  — regular expressions over the raw text (case-sensitive where the pack says so);
* ``exclude``   — phrases that mark a legitimate look-alike where they overlap a match
                  (``citizens advisory committee``, ``Visa card``, ``hearing screening``);
* ``classify_values`` — the same terms applied to short values (a select option "Permanent resident").

Every match carries a human-readable reason. Results are cached by input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any, Iterable, Mapping

from .model import MISSING
from .normalize import compact, has_cjk, normalize, raw_clean, tokens

MAX_CLASSIFY_CHARS = 4096  # names/labels longer than this are truncated for matching (never echoed)
MAX_VALUE_TERMS_CHARS = 64


@dataclass(frozen=True)
class Classification:
    categories: frozenset[str]
    reasons: Mapping[str, tuple[str, ...]]

    def __bool__(self) -> bool:
        return bool(self.categories)

    def merged(self, other: Classification) -> Classification:
        reasons: dict[str, tuple[str, ...]] = dict(self.reasons)
        for k, v in other.reasons.items():
            reasons[k] = tuple(dict.fromkeys(reasons.get(k, ()) + v))
        return Classification(self.categories | other.categories, reasons)

    @cached_property
    def reason_list(self) -> tuple[str, ...]:
        return self.all_reasons()

    def all_reasons(self) -> tuple[str, ...]:
        out: list[str] = []
        for cat in sorted(self.reasons):
            out.extend(f"{cat}: {r}" for r in self.reasons[cat])
        return tuple(out)


EMPTY = Classification(frozenset(), {})


@dataclass(frozen=True)
class _Term:
    words: tuple[str, ...]
    category: str
    lang: str
    text: str
    not_with: frozenset[str]
    names_only: bool


@dataclass(frozen=True)
class _Pattern:
    regex: re.Pattern[str]
    category: str
    on: frozenset[str]
    description: str


class Classifier:
    """Compiled detectors of one policy pack."""

    def __init__(self, categories: Mapping[str, Any]):
        self._by_first: dict[str, list[_Term]] = {}
        self._cjk: list[_Term] = []
        self._compact: list[tuple[str, str]] = []
        self._patterns: list[_Pattern] = []
        self._exclude: dict[str, list[tuple[str, ...]]] = {}
        self._exclude_compact: dict[str, list[str]] = {}
        self._value_cats: set[str] = set()
        for cat_id, cat in categories.items():
            det = cat.detectors
            if det.classify_values:
                self._value_cats.add(cat_id)
            for lang, entries in det.terms.items():
                for entry in entries:
                    if isinstance(entry, str):
                        text, not_with, names_only = entry, (), False
                    else:
                        text, not_with, names_only = entry.term, entry.not_with, entry.names_only
                    nw = frozenset(w for n in not_with for w in tokens(n))
                    if has_cjk(text):
                        self._cjk.append(_Term((compact(text),), cat_id, lang, text, nw, names_only))
                        continue
                    words = tokens(text)
                    if not words:
                        continue
                    self._by_first.setdefault(words[0], []).append(_Term(words, cat_id, lang, text, nw, names_only))
            for s in det.compact:
                self._compact.append((compact(s), cat_id))
            for p in det.patterns:
                flags = 0 if p.case_sensitive else re.IGNORECASE
                self._patterns.append(
                    _Pattern(re.compile(p.regex, flags), cat_id, frozenset(p.where), p.description or p.regex)
                )
            self._exclude[cat_id] = [tokens(x) for x in det.exclude if tokens(x)]
            self._exclude_compact[cat_id] = [compact(x) for x in det.exclude if compact(x)]
        self._cache = lru_cache(maxsize=65536)(self._classify_text)
        self._pair_cache = lru_cache(maxsize=65536)(self._classify_pair)

    # -- public --------------------------------------------------------------------------------
    def classify(self, name: str, label: str | None = None, value: Any = MISSING) -> Classification:
        result = self._pair_cache(name or "", label or "")
        if value is not MISSING and value is not None:
            result = result.merged(self.classify_value(value))
        return result

    def _classify_pair(self, name: str, label: str) -> Classification:
        name = name[:MAX_CLASSIFY_CHARS] if name else ""
        label = label[:MAX_CLASSIFY_CHARS] if label else ""
        # each text is read with the other's words as context (a "Visa" label on a card_type field)
        result = self._cache(name, "name", tokens(label) if label else ()) if name else EMPTY
        if label:
            result = result.merged(self._cache(label, "label", tokens(name) if name else ()))
        return result

    def classify_value(self, value: Any) -> Classification:
        if isinstance(value, (list, tuple)):
            out = EMPTY
            for v in value[:64]:
                out = out.merged(self.classify_value(v))
            return out
        if not isinstance(value, str) or not value:
            return EMPTY
        return self._cache(value[:MAX_CLASSIFY_CHARS], "value", ())

    # -- matching ------------------------------------------------------------------------------
    def _classify_text(self, text: str, source: str, context: tuple[str, ...] = ()) -> Classification:
        found: dict[str, list[str]] = {}

        def add(cat: str, reason: str) -> None:
            found.setdefault(cat, [])
            if reason not in found[cat]:
                found[cat].append(reason)

        if source != "value" or len(text) <= MAX_VALUE_TERMS_CHARS:
            self._match_terms(text, source, add, context)
        if source != "value":
            self._match_compact(text, source, add)
        clean = None
        for p in self._patterns:
            if source not in p.on:
                continue
            clean = clean if clean is not None else raw_clean(text)
            if p.regex.search(clean):
                add(p.category, f"{source} matches pattern: {p.description}")
        return Classification(frozenset(found), {k: tuple(v) for k, v in found.items()})

    def _match_terms(self, text: str, source: str, add: Any, context: tuple[str, ...] = ()) -> None:
        toks = tokens(text)
        tokset = set(toks) | set(context)
        value_mode = source == "value"
        for i, tok in enumerate(toks):
            for term in self._by_first.get(tok, ()):
                n = len(term.words)
                if toks[i : i + n] != term.words:
                    continue
                if value_mode and term.category not in self._value_cats:
                    continue
                if term.names_only and source != "name":
                    continue
                if term.not_with & tokset:
                    continue
                if self._excluded(term.category, toks, i, i + n):
                    continue
                add(term.category, f"{source} term '{term.text}' ({term.lang})")
        if self._cjk and has_cjk(text):
            c = compact(text)
            for term in self._cjk:
                if term.words[0] in c and not (value_mode and term.category not in self._value_cats):
                    if any(x in c and term.words[0] in x for x in self._exclude_compact.get(term.category, ())):
                        continue
                    add(term.category, f"{source} term '{term.text}' ({term.lang})")

    def _match_compact(self, text: str, source: str, add: Any) -> None:
        if not self._compact:
            return
        c = compact(text)
        for s, cat in self._compact:
            start = c.find(s)
            while start != -1:
                end = start + len(s)
                if not self._excluded_compact(cat, c, start, end):
                    add(cat, f"{source} contains '{s}'")
                    break
                start = c.find(s, start + 1)

    def _excluded(self, cat: str, toks: tuple[str, ...], start: int, end: int) -> bool:
        for ex in self._exclude.get(cat, ()):
            n = len(ex)
            for j in range(max(0, start - n + 1), min(len(toks) - n, end - 1) + 1):
                if toks[j : j + n] == ex:
                    return True
        return False

    def _excluded_compact(self, cat: str, c: str, start: int, end: int) -> bool:
        for ex in self._exclude_compact.get(cat, ()):
            j = c.find(ex)
            while j != -1:
                if j < end and j + len(ex) > start:
                    return True
                j = c.find(ex, j + 1)
        return False


def flatten(document: Any, *, max_depth: int = 64, max_items: int = 100_000) -> Iterable[tuple[str, str, Any]]:
    """Yield (path, key_path, leaf_value) for every leaf of a JSON-like document.

    ``path`` keeps list indices (``children[0].birthplace``); ``key_path`` drops them
    (``children.birthplace``) and is what classification sees. A key may itself contain ``.`` or
    ``[``, so ``path`` does not always name one place: use :func:`flatten_located` to act on a leaf.
    """
    for _parts, path, keys, value in flatten_located(document, max_depth=max_depth, max_items=max_items):
        yield path, keys, value


def flatten_located(
    document: Any, *, max_depth: int = 64, max_items: int = 100_000
) -> Iterable[tuple[tuple[Any, ...], str, str, Any]]:
    """Like :func:`flatten`, with the exact location of each leaf first: the tuple of keys and list
    indices that reaches it (``{"a.b": 1}`` is ``("a.b",)``, ``{"a": {"b": 1}}`` is ``("a", "b")``)."""
    from .errors import LimitExceededError

    count = 0
    stack: list[tuple[Any, tuple[Any, ...], str, str, int]] = [(document, (), "", "", 0)]
    while stack:
        node, parts, path, keys, depth = stack.pop()
        if depth > max_depth:
            raise LimitExceededError("document depth", max_depth)
        if isinstance(node, dict) or (not isinstance(node, (str, int, float, bool, list, tuple)) and isinstance(node, Mapping)):
            if not node and path:
                yield parts, path, keys, node
            for k in reversed(list(node.keys())):
                ks = str(k)
                stack.append((node[k], parts + (k,), f"{path}.{ks}" if path else ks, f"{keys}.{ks}" if keys else ks,
                              depth + 1))
        elif isinstance(node, (list, tuple)):
            if not node and path:
                yield parts, path, keys, node
                continue
            if path and all(not isinstance(x, (dict, list, tuple, Mapping)) for x in node):
                # a list of scalars is one field with several values (checkboxes, a multi-select)
                count += 1
                if count > max_items:
                    raise LimitExceededError("document leaf count", max_items)
                yield parts, path, keys, list(node)
                continue
            for i in range(len(node) - 1, -1, -1):
                stack.append((node[i], parts + (i,), f"{path}[{i}]", keys, depth + 1))
        else:
            count += 1
            if count > max_items:
                raise LimitExceededError("document leaf count", max_items)
            yield parts, path, keys, node


__all__ = ["Classifier", "Classification", "EMPTY", "flatten", "flatten_located", "normalize"]
