"""Literal variants: statements that differ from one already analysed only in their literals.

ORM and report SQL repeats one shape with new literal values (``WHERE id = 42``, ``VALUES ('a',
'b')``). Parsing and qualifying each is ~1 ms; the shape's analysis is the same. So the inspector
keeps, per *shape* — the text with its literal spans cut out, plus their kinds — a **template**: the
analysis of a probe statement whose literals are unique sentinels, and which of its values each
literal became. A variant is then *bound*: the template's analysis with the variant's literals put
where the sentinels were. The decision is then built from it exactly as from a full analysis.

A shape is only ever templated when its analysis provably cannot depend on its literals' values
(otherwise every variant gets the full analysis — never a guessed verdict):

* dialects whose strings are plain ``'…'`` with ``''`` escapes (PostgreSQL, SQLite); no ``$``,
  backslash, comment, NUL or prefixed string (``E'…'``, ``X'…'``) anywhere in the text;
* every literal sits where only its value, never its meaning, matters: a ``VALUES`` row element,
  one side of a comparison (``=``, ``<>``, ``<``, ``<=``, ``>``, ``>=``) with a column, an
  ``IN (…)`` list or ``BETWEEN`` bound of a column, ``LIMIT`` / ``OFFSET`` (not ``ORDER BY 1``, a
  function argument, a cast, a JSON path, ``set_config``…);
* sqlglot's tokenizer finds exactly these literals (verified on the probe);
* each sentinel becomes a value of the analysis exactly, or nowhere (no value is computed from a
  literal); the analysis changes no schema;
* a variant's string literals hold no ``%``, ``?``, ``:``, ``$``, ``{``/``[``-led JSON, NUL or the
  placeholder prefix (they change placeholder numbering or become JSON keys), and the variant is
  within the length limit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, is_dataclass
from typing import Any

from sqlglot import Dialect, exp
from sqlglot.tokens import TokenType

from .analysis import Analysis
from .analysis.model import KeyedUse, Pin, StatementAnalysis, Value, Write
from .fingerprint import _LITERAL_TOKENS
from .paramstyles import CANONICAL_PREFIX

DIALECTS = frozenset({"postgres", "sqlite"})
# a literal: '...' (with '' escapes) or an unsigned decimal number that is not part of a name,
# a placeholder (?1, :1, %(p1)s) or another number
_LIT = re.compile(r"'(?:[^']|'')*'|(?<![\w.$?:@])\d+(?:\.\d+)?(?![\w.])")
_UNSAFE_TEXT = re.compile(r"[$\\\x00#]|/\*|--")
_UNSAFE_LITERAL = re.compile(r"[%?:$\x00\\]")
_STRING_SENTINEL = "zzsgvslot{}zz"
_NUMBER_SENTINEL = 7300000000


@dataclass(frozen=True)
class Shape:
    key: tuple[tuple[str, ...], tuple[bool, ...]]  # text between literals; whether each literal is a string
    texts: tuple[str, ...]  # each literal's value as the parser reads it


def shape_of(sql: str, dialect: str, max_chars: int) -> Shape | None:
    """The statement's shape and literal values, or None when variants of it are not bound."""
    if dialect not in DIALECTS or len(sql) > max_chars or _UNSAFE_TEXT.search(sql):
        return None
    segs: list[str] = []
    kinds: list[bool] = []
    texts: list[str] = []
    pos = 0
    for m in _LIT.finditer(sql):
        raw = m.group()
        s = m.start()
        if raw[0] == "'":
            if s and (sql[s - 1].isalnum() or sql[s - 1] in "_&'\""):
                return None  # E'..', X'..', U&'..', adjacent strings
            text = raw[1:-1].replace("''", "'")
            if _UNSAFE_LITERAL.search(text) or text.lstrip()[:1] in ("{", "[") or CANONICAL_PREFIX in text:
                return None
            kinds.append(True)
        else:
            text = raw
            kinds.append(False)
        segs.append(sql[pos:s])
        texts.append(text)
        pos = m.end()
    if not texts:
        return None
    segs.append(sql[pos:])
    return Shape((tuple(segs), tuple(kinds)), tuple(texts))


def probe_text(shape: Shape) -> tuple[str, tuple[str, ...]]:
    """The shape with unique sentinel literals, and the sentinels."""
    segs, kinds = shape.key
    out = [segs[0]]
    sentinels = []
    for i, is_str in enumerate(kinds):
        s = _STRING_SENTINEL.format(i) if is_str else str(_NUMBER_SENTINEL + i)
        sentinels.append(s)
        out.append(f"'{s}'" if is_str else s)
        out.append(segs[i + 1])
    return "".join(out), tuple(sentinels)


def tokens_agree(sql: str, dialect: str, sentinels: tuple[str, ...], kinds: tuple[bool, ...]) -> bool:
    """sqlglot's tokenizer finds exactly the probe's literals, in order, with their values."""
    try:
        toks = Dialect.get_or_raise(dialect).tokenize(sql)
    except Exception:
        return False
    lits = [t for t in toks if t.token_type in _LITERAL_TOKENS]
    if len(lits) != len(sentinels):
        return False
    for t, s, is_str in zip(lits, sentinels, kinds):
        if t.token_type is not (TokenType.STRING if is_str else TokenType.NUMBER) or t.text != s:
            return False
    return True


_CMP = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE)


def _safe_position(node: exp.Literal) -> bool:
    p = node.parent
    if isinstance(p, exp.Tuple) and isinstance(p.parent, exp.Values):
        return True
    if isinstance(p, _CMP):
        other = p.expression if p.this is node else p.this
        return isinstance(other, exp.Column)
    if isinstance(p, exp.In):
        return node.arg_key == "expressions" and isinstance(p.this, exp.Column)
    if isinstance(p, exp.Between):
        return node.arg_key in ("low", "high") and isinstance(p.this, exp.Column)
    if isinstance(p, (exp.Limit, exp.Offset)):
        return node.arg_key == "expression"
    return False


def literals_safe(trees: list[exp.Expression], sentinels: tuple[str, ...]) -> bool:
    """Every literal of the parsed probe is one sentinel, seen once, in a position where only its
    value matters."""
    want = set(sentinels)
    seen: set[str] = set()
    for tree in trees:
        for node in tree.walk():
            if isinstance(node, exp.Literal):
                t = str(node.this)
                if t not in want or t in seen or not _safe_position(node):
                    return False
                seen.add(t)
    return seen == want


@dataclass(frozen=True)
class Template:
    analysis: Analysis  # of the probe
    slots: tuple[int, ...]  # literal indexes the analysis holds as values (in first-seen order)
    sentinels: tuple[str, ...]
    fingerprint: str  # the same for every variant (literals are not part of it)
    relevant: tuple[int, ...]  # literal indexes the items can depend on (written, keys, key-value pins)


@dataclass(frozen=True)
class BoundAnalysis(Analysis):
    """An analysis bound from a template: ``variant`` keys its plan and verdict (the shape and the
    literal values the items can depend on)."""

    variant: Any = None
    fingerprint: str = ""


def _walk_strings(obj: Any, out: list[str]) -> None:
    if isinstance(obj, str):
        out.append(obj)
    elif isinstance(obj, (tuple, list, frozenset, set)):
        for x in obj:
            _walk_strings(x, out)
    elif isinstance(obj, dict):
        for k, v in obj.items():
            _walk_strings(k, out)
            _walk_strings(v, out)
    elif is_dataclass(obj) and not isinstance(obj, type):
        for f in fields(obj):
            _walk_strings(getattr(obj, f.name), out)


def make_template(analysis: Analysis, sentinels: tuple[str, ...], fp: str, kv: Any = ()) -> Template | None:
    """The probe's analysis as a template, or None when a sentinel became anything but a whole
    value (an output name, part of a key, a schema change…)."""
    if analysis.changes:
        return None
    index = {s: i for i, s in enumerate(sentinels)}
    slots: list[int] = []
    values: list[str] = []
    for v in _values(analysis):
        if v.kind == "literal" and v.text in index:
            values.append(v.text)
            if index[v.text] not in slots:
                slots.append(index[v.text])
    strings: list[str] = []
    _walk_strings(analysis, strings)
    # Value.text is not a dataclass repr field but is a field: it is walked too; every string that
    # mentions a sentinel must be exactly one of those values
    mentions = [s for s in strings if any(x in s for x in sentinels)]
    if sorted(mentions) != sorted(values):
        return None
    relevant: list[int] = []
    for st in analysis.statements:
        vs = [w.value for w in st.writes] + [w.key for w in st.writes if w.key is not None]
        vs += [k.key for k in st.keyed] + [p.value for p in st.pins if p.table in kv]
        for v in vs:
            if v.kind == "literal" and v.text in index and index[v.text] not in relevant:
                relevant.append(index[v.text])
    return Template(analysis, tuple(slots), sentinels, fp, tuple(sorted(relevant)))


def _values(analysis: Analysis):
    for st in analysis.statements:
        for w in st.writes:
            yield w.value
            if w.key is not None:
                yield w.key
        for k in st.keyed:
            yield k.key
        for p in st.pins:
            yield p.value


def _rebound(w: Write, value: Value, key: Value | None) -> Write:
    if value is w.value and key is w.key:
        return w
    return Write(w.table, w.column, value, w.row, w.sources, key, w.params, w.copied)


def bind_template(t: Template, texts: tuple[str, ...], variant: Any) -> BoundAnalysis:
    """The template's analysis with a variant's literal values where the sentinels were."""
    sub = {t.sentinels[i]: Value("literal", texts[i]) for i in t.slots}

    def val(v: Value | None) -> Value | None:
        if v is not None and v.kind == "literal":
            return sub.get(v.text, v)
        return v

    stmts = []
    for st in t.analysis.statements:
        writes = tuple(_rebound(w, val(w.value), val(w.key)) for w in st.writes)
        keyed = tuple(k if (nk := val(k.key)) is k.key else KeyedUse(k.table, k.column, nk, k.role) for k in st.keyed)
        pins = tuple(p if (nv := val(p.value)) is p.value else Pin(p.table, p.column, nv) for p in st.pins)
        if all(a is b for a, b in zip(writes + keyed + pins, st.writes + st.keyed + st.pins)):
            stmts.append(st)
            continue
        new = object.__new__(StatementAnalysis)  # a copy with three fields changed (frozen dataclass)
        new.__dict__.update(st.__dict__)
        new.__dict__.update(writes=writes, keyed=keyed, pins=pins)
        stmts.append(new)
    return BoundAnalysis(t.analysis.dialect, tuple(stmts), t.analysis.positional_params, variant, t.fingerprint)


__all__ = ["BoundAnalysis", "DIALECTS", "Shape", "Template", "bind_template", "literals_safe", "make_template", "probe_text",
           "shape_of", "tokens_agree"]
