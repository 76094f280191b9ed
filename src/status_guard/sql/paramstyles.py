"""The driver's view of placeholders: which bound parameter each placeholder of a statement receives.

A statement's placeholders are numbered by the *driver*, not by the SQL grammar, and the inspector
must number them the same way or it decides on one value while the database stores another. This
module turns the text an application hands to its driver into the text the server parses, with
canonical placeholders, and a list saying which parameter (a position or a name) each receives:

* ``psycopg`` (psycopg 3; Django and SQLAlchemy on PostgreSQL): when parameters are given, every
  ``%`` in the text is the driver's — ``%%`` is a percent sign, ``%s``/``%b``/``%t`` take the next
  positional parameter, ``%(name)s`` (``b``/``t``) a named one — wherever it stands, even inside a
  quoted literal (psycopg does not read SQL). Without parameters the text reaches the server as is.
  Native ``$1`` placeholders (``RawCursor``, asyncpg) take parameter ``n - 1``.
* ``format`` (PyMySQL, mysqlclient): Python ``%`` formatting, ``%s`` and ``%(name)s``, ``%%``.
* ``qmark`` (sqlite3, pyodbc): ``?`` placeholders as the SQL tokenizer sees them. sqlite3 also
  numbers ``?NNN`` and named ``:a``/``@a``/``$a`` placeholders: a named one takes the next free
  index the first time it appears, so with a sequence of parameters it binds by that index.
* ``native``: the text already is what the server parses (PostgreSQL ``$n``, named ``:a``).

Canonical placeholders in the returned text: PostgreSQL ``$n``; elsewhere ``:__sgpN``. Slot
``i`` (for ``$i+1`` or ``:__sgpi``) binds :attr:`ParamMap.keys[i]`. A placeholder the driver sees
inside a literal, an identifier or a comment (so the server does not see it where the parser
does) is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlglot import Dialect
from sqlglot.errors import TokenError
from sqlglot.tokens import TokenType

from .errors import SQLAnalysisError

PARAMSTYLES = frozenset({"psycopg", "format", "qmark", "native", "auto"})
AUTO_STYLE = {"postgres": "psycopg", "mysql": "format", "sqlite": "qmark", "tsql": "qmark", "oracle": "native"}
CANONICAL_PREFIX = "__sgp"

# psycopg's own placeholder grammar (psycopg/_queries.py): `%` then `(name)` and one character, or
# any one character.
_PERCENT = re.compile(r"%(?:\(([^)]+)\)(.)|(.))", re.S)


@dataclass(frozen=True)
class ParamKey:
    """What a placeholder binds: ``index`` of a sequence, or ``name`` of a mapping (or both, for
    sqlite3's named placeholders, which also have an index)."""

    index: int | None = None
    name: str | None = None

    @property
    def display(self) -> int | str | None:
        return self.name if self.name is not None else self.index


@dataclass(frozen=True)
class ParamMap:
    text: str  # what the parser reads
    keys: tuple[ParamKey, ...]  # slot -> key
    style: str
    bound: bool  # the driver substituted placeholders (parameters were given)

    def key(self, slot: int) -> ParamKey:
        try:
            return self.keys[slot]
        except IndexError:
            raise SQLAnalysisError("a placeholder does not correspond to any parameter") from None


def canonical(slot: int, dialect: str) -> str:
    return f"${slot + 1}" if dialect == "postgres" else f":{CANONICAL_PREFIX}{slot}"


def resolve_style(style: str | None, dialect: str, sql: str = "") -> str:
    """``auto``: the usual Python driver of the dialect (psycopg, sqlite3, PyMySQL, pyodbc); for
    MySQL and T-SQL, whichever of ``%s`` / ``?`` the text uses."""
    s = (style or "auto").lower()
    if s not in PARAMSTYLES:
        raise SQLAnalysisError(f"unknown parameter style `{style}` (known: {', '.join(sorted(PARAMSTYLES))})")
    if s != "auto":
        return s
    if dialect in ("mysql", "tsql"):
        return "format" if re.search(r"%(?:s|\([^)]+\)s)", sql) else "qmark"
    return AUTO_STYLE.get(dialect, "native")


def driver_view(sql: str, dialect: str, style: str | None = "auto", *, bound: bool = True) -> ParamMap:
    """The server's text and the slot -> parameter map for ``sql`` sent through ``style``."""
    s = resolve_style(style, dialect, sql)
    if CANONICAL_PREFIX in sql:
        raise SQLAnalysisError(f"statement text contains the reserved name `{CANONICAL_PREFIX}`")
    if s in ("psycopg", "format"):
        if not bound:
            return _native(sql, dialect, s, bound=False)
        return _percent(sql, dialect, s)
    if s == "qmark":
        return _qmark(sql, dialect)
    return _native(sql, dialect, s, bound=bound)


def _tokens(sql: str, dialect: str) -> list:
    try:
        return Dialect.get_or_raise(dialect).tokenize(sql)
    except (TokenError, ValueError):
        raise SQLAnalysisError("statement cannot be tokenized") from None
    except RecursionError:
        raise SQLAnalysisError("statement is nested too deeply to tokenize") from None


def _percent(sql: str, dialect: str, style: str) -> ParamMap:
    out: list[str] = []
    keys: list[ParamKey] = []
    named: dict[str, int] = {}
    kinds: set[str] = set()
    inserted: list[int] = []  # offsets of canonical placeholders in the converted text
    length = 0
    pos = 0
    for m in _PERCENT.finditer(sql):
        piece = sql[pos:m.start()]
        out.append(piece)
        length += len(piece)
        pos = m.end()
        if m.group(0) == "%%":
            out.append("%")
            length += 1
            continue
        name, fmt = (m.group(1), m.group(2)) if m.group(1) is not None else (None, m.group(3))
        allowed = "sbt" if style == "psycopg" else "s"
        if fmt not in allowed:
            raise SQLAnalysisError(f"`%{fmt}` is not a placeholder the {style} driver accepts (write `%%` for a percent sign)")
        kinds.add("named" if name is not None else "positional")
        if len(kinds) > 1:
            raise SQLAnalysisError("positional and named placeholders cannot be mixed")
        if name is not None:
            slot = named.get(name)
            if slot is None:
                slot = named[name] = len(keys)
                keys.append(ParamKey(name=name))
        else:
            slot = len(keys)
            keys.append(ParamKey(index=slot))
        ph = canonical(slot, dialect)
        inserted.append(length)
        out.append(ph)
        length += len(ph)
    out.append(sql[pos:])
    text = "".join(out)
    if not keys:
        return _native(text, dialect, style, bound=True)
    _check_visible(text, dialect, inserted)
    return ParamMap(text, tuple(keys), style, True)


def _check_visible(text: str, dialect: str, inserted: list[int]) -> None:
    """Every placeholder the driver substituted must be a placeholder token of the converted text,
    not part of a literal, a quoted identifier or a comment (where the driver substitutes it but
    the server does not read a parameter); and the text must hold no other native placeholder."""
    toks = _tokens(text, dialect)
    starts = set()
    native = 0
    for i, t in enumerate(toks):
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if dialect == "postgres" and t.token_type == TokenType.PARAMETER and nxt is not None \
                and nxt.token_type == TokenType.NUMBER and nxt.start == t.end + 1:
            starts.add(t.start)
            native += 1
        elif dialect != "postgres" and t.token_type == TokenType.COLON and nxt is not None \
                and nxt.text.startswith(CANONICAL_PREFIX) and nxt.start == t.end + 1:
            starts.add(t.start)
    if not set(inserted) <= starts:
        raise SQLAnalysisError("a placeholder stands inside a quoted literal, identifier or comment, where the "
                               "driver substitutes it but the database does not read it as a parameter")
    if dialect == "postgres" and native != len(inserted):
        raise SQLAnalysisError("driver placeholders and native `$n` placeholders cannot be mixed")


def _qmark(sql: str, dialect: str) -> ParamMap:
    """sqlite3's numbering: ``?`` -> next index; ``?NNN`` -> NNN; a named placeholder -> the index
    it got when first seen, else the next one. Other qmark drivers only accept ``?``."""
    toks = _tokens(sql, dialect)
    pieces: list[str] = []
    keys: list[ParamKey] = []
    slots_by_index: dict[int, int] = {}
    named: dict[str, int] = {}
    nvar = 0
    pos = 0
    i = 0
    while i < len(toks):
        t = toks[i]
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        adjacent = nxt is not None and nxt.start == t.end + 1
        start, end, key = None, None, None
        if t.token_type == TokenType.PLACEHOLDER and t.text == "?":
            if dialect == "sqlite" and adjacent and nxt.token_type == TokenType.NUMBER and nxt.text.isdigit():
                n = int(nxt.text)
                if n < 1:
                    raise SQLAnalysisError("`?0` is not a valid placeholder")
                nvar = max(nvar, n)
                start, end, key = t.start, nxt.end, ParamKey(index=n - 1)
                i += 1
            else:
                nvar += 1
                start, end, key = t.start, t.end, ParamKey(index=nvar - 1)
        elif dialect == "sqlite" and t.token_type in (TokenType.COLON, TokenType.PARAMETER) and adjacent and \
                nxt.token_type in (TokenType.VAR, TokenType.IDENTIFIER) and re.fullmatch(r"[A-Za-z_]\w*", nxt.text):
            # :name / @name (sqlglot splits them); the grammar's own `$name` is one VAR token below
            name = sql[t.start:nxt.end + 1]
            if name not in named:
                nvar += 1
                named[name] = nvar - 1
            start, end, key = t.start, nxt.end, ParamKey(index=named[name], name=name[1:])
            i += 1
        elif dialect == "sqlite" and t.token_type == TokenType.VAR and re.fullmatch(r"\$[A-Za-z_]\w*", t.text):
            name = t.text
            if name not in named:
                nvar += 1
                named[name] = nvar - 1
            start, end, key = t.start, t.end, ParamKey(index=named[name], name=name[1:])
        if key is not None:
            slot = slots_by_index.get(key.index)  # type: ignore[arg-type]
            if slot is None:
                slot = slots_by_index[key.index] = len(keys)  # type: ignore[index]
                keys.append(key)
            pieces.append(sql[pos:start])
            pieces.append(canonical(slot, dialect))
            pos = end + 1  # type: ignore[operator]
        i += 1
    pieces.append(sql[pos:])
    return ParamMap("".join(pieces), tuple(keys), "qmark", True)


def _native(sql: str, dialect: str, style: str, *, bound: bool) -> ParamMap:
    """PostgreSQL ``$n`` (parameter n - 1), other dialects' named ``:a``: the text is the server's."""
    if dialect != "postgres":
        return ParamMap(sql, (), style, bound)
    toks = _tokens(sql, dialect)
    highest = 0
    for i, t in enumerate(toks):
        if t.token_type == TokenType.PARAMETER and i + 1 < len(toks) and toks[i + 1].token_type == TokenType.NUMBER \
                and toks[i + 1].start == t.end + 1 and toks[i + 1].text.isdigit():
            highest = max(highest, int(toks[i + 1].text))
    return ParamMap(sql, tuple(ParamKey(index=k) for k in range(highest)), style, bound)


__all__ = ["AUTO_STYLE", "PARAMSTYLES", "ParamKey", "ParamMap", "canonical", "driver_view", "resolve_style"]
