"""Recognizer data: load the packaged defaults, merge a policy pack's ``text:`` section, validate.

The data is plain YAML (``default_recognizers.yaml`` beside this module; structure in
docs/text.md).  Everything here is pure data handling: nothing imports Presidio.  Errors name the
key path that is wrong (``text.recognizers[3].patterns[0].regex``), never any free text.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from importlib import resources
from typing import Any, Mapping

import regex
import yaml

from .findings import RecognizerConfigError

DEFAULTS_RESOURCE = "default_recognizers.yaml"

_TOP_KEYS = {"version", "min_score", "limits", "pattern_sets", "recognizers", "ner", "inherit_defaults"}
_LIMIT_KEYS = {"max_chars", "deadline_ms"}
_RECOGNIZER_KEYS = {
    "id", "category", "enabled", "group", "patterns", "pattern_sets", "terms", "exclude",
    "context", "negative_context", "requires_context",
}
_PATTERN_KEYS = {"name", "regex", "score", "case_sensitive", "requires"}
_CONTEXT_KEYS = {"window", "boost", "words", "exclude"}
_NEGATIVE_KEYS = {"window", "penalty", "words"}
_TERMS_KEYS = {"score", "words", "lists"}
_LIST_REF = regex.compile(r"\{\{list:([a-z][a-z0-9_.\-]*)\}\}", regex.IGNORECASE)
_NER_KEYS = {"enabled", "model", "entity_map", "score"}
_ID = regex.compile(r"^[a-z][a-z0-9_]{0,63}$")

# Hard ceilings, so that policy data cannot make detection unbounded either.
MAX_CHARS_CEILING = 10_000_000
MAX_WINDOW = 400


@dataclass(frozen=True, slots=True)
class PatternSpec:
    name: str
    regex: str
    score: float
    case_sensitive: bool = False
    #: a cheap regex found inside every match of ``regex`` (a keyword it cannot match without):
    #: texts without it skip ``regex``.  Same case-sensitivity as ``regex``.
    requires: str | None = None


@dataclass(frozen=True, slots=True)
class ContextSpec:
    window: int
    boost: float
    words: tuple[str, ...]
    exclude: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class NegativeContextSpec:
    window: int
    penalty: float
    words: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RecognizerSpec:
    id: str
    category: str
    patterns: tuple[PatternSpec, ...] = ()
    terms: tuple[str, ...] = ()
    term_score: float = 0.0
    exclude: tuple[str, ...] = ()
    context: ContextSpec | None = None
    negative_context: NegativeContextSpec | None = None
    requires_context: bool = False
    group: str | None = None


@dataclass(frozen=True, slots=True)
class NerSpec:
    enabled: bool
    model: str
    entity_map: tuple[tuple[str, str], ...]
    score: float


@dataclass(frozen=True, slots=True)
class TextConfig:
    min_score: float
    max_chars: int
    deadline_ms: int
    recognizers: tuple[RecognizerSpec, ...]
    ner: NerSpec | None = None

    @property
    def categories(self) -> frozenset[str]:
        return frozenset(r.category for r in self.recognizers)


def load_default_data() -> dict[str, Any]:
    """The packaged default recognizer data, as a fresh plain dict."""
    raw = resources.files(__package__).joinpath(DEFAULTS_RESOURCE).read_text(encoding="utf-8")
    data = yaml.load(raw, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - a safe loader (C: ~6x faster)
    if not isinstance(data, dict):
        raise RecognizerConfigError(f"{DEFAULTS_RESOURCE}: top level must be a mapping")
    return data


def _plain(obj: Any) -> Any:
    """Accept a pydantic model (the policy loader's ``policy.text``) as well as plain data."""
    dump = getattr(obj, "model_dump", None)
    if callable(dump):
        return dump(exclude_none=True)
    return obj


def merge_policy_data(defaults: Mapping[str, Any], override: Mapping[str, Any] | None) -> dict[str, Any]:
    """Merge a policy pack's ``text:`` data into the defaults.

    * ``inherit_defaults: false`` — the override is used alone.
    * scalars and ``limits`` keys — replaced one by one.
    * ``pattern_sets`` — replaced per set name.
    * ``recognizers`` — merged by ``id``: same id replaces the default recognizer whole,
      ``{id: x, enabled: false}`` removes it, a new id is appended.
    * ``ner`` — replaced whole.
    """
    base = copy.deepcopy(dict(defaults))
    if override is None:
        return base
    override = _plain(override)
    if not isinstance(override, Mapping):
        raise RecognizerConfigError("text: must be a mapping")
    unknown = set(override) - _TOP_KEYS
    if unknown:
        raise RecognizerConfigError(f"text: unknown key(s) {sorted(unknown)}")
    inherit = override.get("inherit_defaults", True)
    if not isinstance(inherit, bool):
        raise RecognizerConfigError("text.inherit_defaults: must be true or false")
    if not inherit:
        return copy.deepcopy({k: v for k, v in override.items() if k != "inherit_defaults"})
    for key in ("version", "min_score", "ner"):
        if key in override:
            base[key] = copy.deepcopy(override[key])
    if "limits" in override:
        if not isinstance(override["limits"], Mapping):
            raise RecognizerConfigError("text.limits: must be a mapping")
        base.setdefault("limits", {}).update(copy.deepcopy(dict(override["limits"])))
    if "pattern_sets" in override:
        if not isinstance(override["pattern_sets"], Mapping):
            raise RecognizerConfigError("text.pattern_sets: must be a mapping")
        base.setdefault("pattern_sets", {}).update(copy.deepcopy(dict(override["pattern_sets"])))
    if "recognizers" in override:
        items = override["recognizers"]
        if not isinstance(items, list):
            raise RecognizerConfigError("text.recognizers: must be a list")
        merged: dict[str, Any] = {r.get("id"): r for r in base.get("recognizers", []) if isinstance(r, Mapping)}
        order = list(merged)
        for i, item in enumerate(items):
            item = _plain(item)
            if not isinstance(item, Mapping) or not isinstance(item.get("id"), str):
                raise RecognizerConfigError(f"text.recognizers[{i}]: needs a string id")
            rid = item["id"]
            if item.get("enabled", True) is False and set(item) <= {"id", "enabled"}:
                merged.pop(rid, None)
                continue
            if rid not in merged:
                order.append(rid)
            merged[rid] = copy.deepcopy(dict(item))
        base["recognizers"] = [merged[r] for r in order if r in merged]
    return base


def build_config(text_cfg: Mapping[str, Any] | None = None,
                 word_lists: Mapping[str, tuple[str, ...]] | None = None) -> TextConfig:
    """Defaults merged with ``text_cfg`` (a policy pack's ``text:`` section), validated.
    ``word_lists``: the pack's named lists (countries, demonyms); None = the packaged ones."""
    if word_lists is None:
        from .wordlists import default_word_lists

        word_lists = default_word_lists()
    return parse_config(merge_policy_data(load_default_data(), text_cfg), word_lists)


def _expand_lists(rx: str, word_lists: Mapping[str, tuple[str, ...]], where: str) -> str:
    """``{{list:demonyms.en}}`` -> a non-capturing alternation of the list's words (longest
    first, spaces matching any whitespace)."""
    def repl(m: Any) -> str:
        name = m.group(1)
        words = word_lists.get(name)
        if not words:
            raise RecognizerConfigError(f"{where}: unknown or empty word list {name!r}")
        alts = sorted({regex.escape(w.strip()).replace("\\ ", r"\s+") for w in words if w.strip()},
                      key=lambda x: (-len(x), x))
        return "(?:" + "|".join(alts) + ")"
    return _LIST_REF.sub(repl, rx)


# ----------------------------------------------------------------------------- validation


def _num(value: Any, path: str, lo: float, hi: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not (lo <= value <= hi):
        raise RecognizerConfigError(f"{path}: must be a number in [{lo}, {hi}]")
    return float(value)


def _int(value: Any, path: str, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not (lo <= value <= hi):
        raise RecognizerConfigError(f"{path}: must be an integer in [{lo}, {hi}]")
    return value


def _keys(obj: Any, allowed: set[str], path: str) -> Mapping[str, Any]:
    if not isinstance(obj, Mapping):
        raise RecognizerConfigError(f"{path}: must be a mapping")
    unknown = set(obj) - allowed
    if unknown:
        raise RecognizerConfigError(f"{path}: unknown key(s) {sorted(unknown)}")
    return obj


def _words(obj: Any, path: str) -> tuple[str, ...]:
    """``{lang: [word, ...]}`` (or a flat list) -> a de-duplicated tuple of words."""
    if obj is None:
        return ()
    groups: list[tuple[str, Any]]
    if isinstance(obj, list):
        groups = [("", obj)]
    elif isinstance(obj, Mapping):
        groups = list(obj.items())
    else:
        raise RecognizerConfigError(f"{path}: must be a mapping of language -> list of strings")
    out: dict[str, None] = {}
    for lang, words in groups:
        where = f"{path}.{lang}" if lang else path
        if not isinstance(words, list):
            raise RecognizerConfigError(f"{where}: must be a list of strings")
        for j, w in enumerate(words):
            if not isinstance(w, str) or not w.strip() or len(w) > 200:
                raise RecognizerConfigError(f"{where}[{j}]: must be a non-empty string (<= 200 chars)")
            out[w.strip()] = None
    return tuple(out)



def _check_pattern(rx: str, case_sensitive: bool, where: str) -> None:
    """A recognizer regex must compile and must not match the empty string."""
    try:
        compiled = regex.compile(rx, flags=regex.V0 | (0 if case_sensitive else regex.IGNORECASE))
    except regex.error as exc:
        raise RecognizerConfigError(f"{where}: invalid regular expression ({exc})") from None
    if compiled.search("") is not None:
        raise RecognizerConfigError(f"{where}: matches the empty string")

def _pattern(obj: Any, path: str, word_lists: Mapping[str, tuple[str, ...]] | None = None) -> PatternSpec:
    obj = _keys(obj, _PATTERN_KEYS, path)
    name = obj.get("name")
    rx = obj.get("regex")
    if not isinstance(name, str) or not name:
        raise RecognizerConfigError(f"{path}.name: required string")
    if not isinstance(rx, str) or not rx:
        raise RecognizerConfigError(f"{path}.regex: required string")
    if "{{list:" in rx:
        rx = _expand_lists(rx, word_lists or {}, f"{path}.regex")
    cs = obj.get("case_sensitive", False)
    if not isinstance(cs, bool):
        raise RecognizerConfigError(f"{path}.case_sensitive: must be true or false")
    _check_pattern(rx, cs, f"{path}.regex")
    req = obj.get("requires")
    if req is not None:
        if not isinstance(req, str) or not req:
            raise RecognizerConfigError(f"{path}.requires: must be a non-empty string")
        _check_pattern(req, cs, f"{path}.requires")
    return PatternSpec(name=name, regex=rx, score=_num(obj.get("score"), f"{path}.score", 0.0, 1.0),
                       case_sensitive=cs, requires=req)


def parse_config(data: Mapping[str, Any], word_lists: Mapping[str, tuple[str, ...]] | None = None) -> TextConfig:
    """Validate merged recognizer data into a :class:`TextConfig` (refuses anything unclear)."""
    word_lists = word_lists or {}
    data = _keys(data, _TOP_KEYS - {"inherit_defaults"}, "text")
    version = data.get("version", 1)
    if version != 1:
        raise RecognizerConfigError("text.version: only version 1 is understood")
    min_score = _num(data.get("min_score", 0.5), "text.min_score", 0.0, 1.0)
    limits = _keys(data.get("limits", {}), _LIMIT_KEYS, "text.limits")
    max_chars = _int(limits.get("max_chars", 100_000), "text.limits.max_chars", 1, MAX_CHARS_CEILING)
    deadline_ms = _int(limits.get("deadline_ms", 2000), "text.limits.deadline_ms", 1, 600_000)

    sets_raw = data.get("pattern_sets", {}) or {}
    if not isinstance(sets_raw, Mapping):
        raise RecognizerConfigError("text.pattern_sets: must be a mapping of name -> list of patterns")
    pattern_sets: dict[str, tuple[PatternSpec, ...]] = {}
    for set_name, pats in sets_raw.items():
        if not isinstance(pats, list) or not pats:
            raise RecognizerConfigError(f"text.pattern_sets.{set_name}: must be a non-empty list")
        pattern_sets[set_name] = tuple(
            _pattern(p, f"text.pattern_sets.{set_name}[{i}]", word_lists) for i, p in enumerate(pats)
        )

    recs_raw = data.get("recognizers")
    if not isinstance(recs_raw, list) or not recs_raw:
        raise RecognizerConfigError("text.recognizers: must be a non-empty list")
    specs: list[RecognizerSpec] = []
    seen: set[str] = set()
    for i, raw in enumerate(recs_raw):
        path = f"text.recognizers[{i}]"
        raw = _keys(_plain(raw), _RECOGNIZER_KEYS, path)
        rid = raw.get("id")
        if not isinstance(rid, str) or not _ID.match(rid):
            raise RecognizerConfigError(f"{path}.id: must match [a-z][a-z0-9_]*")
        if rid in seen:
            raise RecognizerConfigError(f"{path}.id: duplicate id {rid!r}")
        seen.add(rid)
        path = f"text.recognizers[{rid}]"  # by id: indexes shift when a pack merges into defaults
        if raw.get("enabled", True) is False:
            continue
        category = raw.get("category")
        if not isinstance(category, str) or not _ID.match(category):
            raise RecognizerConfigError(f"{path}.category: must be a policy category id")
        patterns = [_pattern(p, f"{path}.patterns[{j}]", word_lists) for j, p in enumerate(raw.get("patterns") or [])]
        for set_name in raw.get("pattern_sets") or []:
            if set_name not in pattern_sets:
                raise RecognizerConfigError(f"{path}.pattern_sets: unknown pattern set {set_name!r}")
            patterns.extend(pattern_sets[set_name])
        terms: tuple[str, ...] = ()
        term_score = 0.0
        if raw.get("terms") is not None:
            t = _keys(raw["terms"], _TERMS_KEYS, f"{path}.terms")
            terms = _words(t.get("words"), f"{path}.terms.words")
            term_score = _num(t.get("score"), f"{path}.terms.score", 0.0, 1.0)
            lists = t.get("lists") or []
            if not isinstance(lists, list) or not all(isinstance(x, str) for x in lists):
                raise RecognizerConfigError(f"{path}.terms.lists: must be a list of word-list names")
            for name in lists:
                if not word_lists.get(name):
                    raise RecognizerConfigError(f"{path}.terms.lists: unknown or empty word list {name!r}")
                terms = tuple(dict.fromkeys(terms + tuple(w for w in word_lists[name] if w.strip())))
        if not patterns and not terms:
            raise RecognizerConfigError(f"{path}: needs patterns, pattern_sets or terms")
        context = None
        if raw.get("context") is not None:
            c = _keys(raw["context"], _CONTEXT_KEYS, f"{path}.context")
            context = ContextSpec(
                window=_int(c.get("window", 40), f"{path}.context.window", 1, MAX_WINDOW),
                boost=_num(c.get("boost", 0.0), f"{path}.context.boost", 0.0, 1.0),
                words=_words(c.get("words"), f"{path}.context.words"),
                exclude=_words(c.get("exclude"), f"{path}.context.exclude"),
            )
            if not context.words:
                raise RecognizerConfigError(f"{path}.context.words: needs at least one word")
        negative = None
        if raw.get("negative_context") is not None:
            n = _keys(raw["negative_context"], _NEGATIVE_KEYS, f"{path}.negative_context")
            negative = NegativeContextSpec(
                window=_int(n.get("window", 32), f"{path}.negative_context.window", 1, MAX_WINDOW),
                penalty=_num(n.get("penalty", 0.0), f"{path}.negative_context.penalty", 0.0, 1.0),
                words=_words(n.get("words"), f"{path}.negative_context.words"),
            )
        requires = raw.get("requires_context", False)
        if not isinstance(requires, bool):
            raise RecognizerConfigError(f"{path}.requires_context: must be true or false")
        if requires and context is None:
            raise RecognizerConfigError(f"{path}.requires_context: set, but no context is given")
        group = raw.get("group")
        if group is not None and (not isinstance(group, str) or not _ID.match(group)):
            raise RecognizerConfigError(f"{path}.group: must be an id")
        specs.append(RecognizerSpec(
            id=rid, category=category, patterns=tuple(patterns), terms=terms, term_score=term_score,
            exclude=_words(raw.get("exclude"), f"{path}.exclude"), context=context,
            negative_context=negative, requires_context=requires, group=group,
        ))
    if not specs:
        raise RecognizerConfigError("text.recognizers: every recognizer is disabled")

    ner = None
    if data.get("ner") is not None:
        n = _keys(data["ner"], _NER_KEYS, "text.ner")
        model = n.get("model")
        if not isinstance(model, str) or not model:
            raise RecognizerConfigError("text.ner.model: required string (a spaCy package name or path)")
        emap = n.get("entity_map")
        if not isinstance(emap, Mapping) or not emap:
            raise RecognizerConfigError("text.ner.entity_map: must map NER labels to categories")
        for label, cat in emap.items():
            if not isinstance(label, str) or not isinstance(cat, str) or not _ID.match(cat):
                raise RecognizerConfigError(f"text.ner.entity_map.{label}: must be a category id")
        enabled = n.get("enabled", False)
        if not isinstance(enabled, bool):
            raise RecognizerConfigError("text.ner.enabled: must be true or false")
        ner = NerSpec(enabled=enabled, model=model, entity_map=tuple(sorted(emap.items())),
                      score=_num(n.get("score", 0.6), "text.ner.score", 0.0, 1.0))
    return TextConfig(min_score=min_score, max_chars=max_chars, deadline_ms=deadline_ms,
                      recognizers=tuple(specs), ner=ner)
