"""Turning statement text into sqlglot trees, refusing what cannot be read with certainty.

Everything here fails closed: a parse error, a ``Command`` fallback, comment-only input, an
executable comment, a statement over a size/complexity bound -> :class:`SQLAnalysisError`.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import sqlglot
from sqlglot import exp
from sqlglot.errors import ErrorLevel, ParseError, TokenError
from sqlglot.tokens import Token, TokenType

from .errors import SQLAnalysisError, SQLLimitError

DIALECTS = {
    "postgres": "postgres",
    "postgresql": "postgres",
    "mysql": "mysql",
    "mariadb": "mysql",
    "sqlite": "sqlite",
    "tsql": "tsql",
    "mssql": "tsql",
    "oracle": "oracle",
}
_MYSQL_FAMILY = frozenset({"mysql"})


@dataclass(frozen=True)
class Limits:
    """Bounds on what one check may cost. Past a bound the statement is refused."""

    max_chars: int = 100_000
    max_statements: int = 64
    max_nodes: int = 50_000
    max_bool_terms: int = 512
    max_value_rows: int = 10_000
    max_depth: int = 200


DEFAULT_LIMITS = Limits()


class _DropSQLTextWarnings(logging.Filter):
    """sqlglot logs the raw statement when it falls back to ``Command``; that text may carry
    literals, so the record is dropped (the inspector refuses such statements itself)."""

    def filter(self, record: logging.LogRecord) -> bool:
        msg = str(record.msg)
        return "contains unsupported syntax" not in msg and "Falling back" not in msg


_sqlglot_log = logging.getLogger("sqlglot")
if not any(isinstance(f, _DropSQLTextWarnings) for f in _sqlglot_log.filters):
    _sqlglot_log.addFilter(_DropSQLTextWarnings())


def canonical_dialect(dialect: str) -> str:
    d = DIALECTS.get((dialect or "").strip().lower())
    if d is None:
        raise SQLAnalysisError(f"unsupported SQL dialect `{dialect}` (supported: {', '.join(sorted(set(DIALECTS.values())))})")
    return d


# Statements sqlglot does not model but that carry no column data; matched on the whole text.
_IDENT = r'(?:"(?:[^"]|"")+"|`[^`]+`|\[[^\]]+\]|[A-Za-z_][\w$]*)'
_PASSTHROUGH = [
    re.compile(rf"^\s*SAVEPOINT\s+{_IDENT}\s*;?\s*$", re.I),
    re.compile(rf"^\s*RELEASE\s+(?:SAVEPOINT\s+)?{_IDENT}\s*;?\s*$", re.I),
    re.compile(rf"^\s*ROLLBACK\s+(?:TRANSACTION\s+|WORK\s+)?TO\s+(?:SAVEPOINT\s+)?{_IDENT}\s*;?\s*$", re.I),
    re.compile(r"^\s*SHOW\s+[A-Za-z_][\w.]*\s*;?\s*$", re.I),
    # taking privileges away (REVOKE …, ALTER DEFAULT PRIVILEGES …): no expression, no data; one
    # statement (no `;` inside, no string literal, no comment)
    re.compile(r"^\s*REVOKE\s[^;'$]*;?\s*$", re.I),
    re.compile(r"^\s*ALTER\s+DEFAULT\s+PRIVILEGES\s[^;'$]*;?\s*$", re.I),
    re.compile(rf"^\s*SET\s+CONSTRAINTS\s+(?:ALL|{_IDENT}(?:\s*,\s*{_IDENT})*)\s+(?:IMMEDIATE|DEFERRED)\s*;?\s*$", re.I),
    re.compile(r"^\s*SET\s+(?:SESSION\s+|LOCAL\s+)?TIME\s+ZONE\s+(?:'[A-Za-z0-9_/+\-:]*'|[A-Za-z_]+)\s*;?\s*$", re.I),
]


def is_passthrough(sql: str) -> bool:
    return any(p.match(sql) for p in _PASSTHROUGH)


def parse(sql: str, dialect: str, limits: Limits = DEFAULT_LIMITS) -> list[exp.Expression]:
    """Parse into statements, or raise SQLAnalysisError (without a fingerprint; callers add it)."""
    if not isinstance(sql, str):
        raise SQLAnalysisError(f"statement must be text, not {type(sql).__name__}")
    if len(sql) > limits.max_chars:
        raise SQLLimitError(f"statement length {len(sql)} exceeds the limit of {limits.max_chars} characters")
    if "\x00" in sql:
        raise SQLAnalysisError("statement contains a NUL character")
    if dialect in _MYSQL_FAMILY and "/*!" in sql:
        raise SQLAnalysisError("MySQL executable comment `/*! */` (code to MySQL, a comment to the parser)")
    try:
        tokens = sqlglot.Dialect.get_or_raise(dialect).tokenize(sql)
    except (TokenError, ValueError) as exc:
        raise SQLAnalysisError(f"statement cannot be tokenized ({exc.__class__.__name__})") from None
    except RecursionError:
        raise SQLLimitError("statement is nested too deeply to tokenize") from None
    for tok in tokens:
        for c in tok.comments or ():
            if c.lstrip().startswith("!"):
                raise SQLAnalysisError("executable comment `/*! */` (code to MySQL, a comment to the parser)")
    sql = rewrite_for_parser(sql, dialect, tokens)
    try:
        trees = sqlglot.parse(sql, read=dialect, error_level=ErrorLevel.RAISE)
    except (ParseError, TokenError) as exc:
        where = ""
        errs = getattr(exc, "errors", None) or []
        if errs and isinstance(errs[0], dict) and errs[0].get("line") is not None:
            where = f" at line {errs[0].get('line')}, column {errs[0].get('col')}"
        raise SQLAnalysisError(f"statement cannot be parsed{where}") from None
    except RecursionError:
        raise SQLLimitError("statement is nested too deeply to parse") from None
    except Exception as exc:  # any other parser failure: refuse
        raise SQLAnalysisError(f"statement cannot be parsed ({exc.__class__.__name__})") from None
    statements = [t for t in trees if t is not None]
    if not statements:
        raise SQLAnalysisError("statement is empty or holds only comments")
    if len(statements) > limits.max_statements:
        raise SQLLimitError(f"{len(statements)} statements exceed the limit of {limits.max_statements}")
    for st in statements:
        check_size(st, limits)
    return statements


def prepare_text(sql: str, dialect: str) -> str:
    """Rewrites that must happen before placeholders are read (MySQL/SQLite ``REPLACE``: the
    tokenizer reads the rest of a ``REPLACE`` statement as one opaque command string)."""
    if dialect not in _MYSQL_FAMILY and dialect != "sqlite":
        return sql
    if "replace" not in sql.lower():
        return sql
    try:
        tokens = sqlglot.Dialect.get_or_raise(dialect).tokenize(sql)
    except (TokenError, ValueError, RecursionError):
        return sql  # parse() refuses it with a clear reason
    return rewrite_for_parser(sql, dialect, tokens)


def _splice(chars: list[str], start: int, text: str) -> None:
    chars[start:start + len(text)] = list(text)


def rewrite_for_parser(sql: str, dialect: str, tokens: list[Token]) -> str:
    """Same-length, token-exact rewrites of syntax the parser does not model into equivalent syntax
    it does (positions in error messages stay right; string literals are never touched): MySQL /
    SQLite ``REPLACE [INTO] t ...`` at a statement start -> ``INSERT [INTO] t ...`` (a REPLACE
    writes exactly the columns an INSERT would; the row it deletes first is erasure). Driver
    placeholders were already turned into the server's by :mod:`.paramstyles`."""
    chars: list[str] | None = None
    if dialect in _MYSQL_FAMILY or dialect == "sqlite":
        for i, tok in enumerate(tokens):
            if tok.token_type == TokenType.REPLACE and tok.text.upper() == "REPLACE" and (
                i == 0 or tokens[i - 1].token_type == TokenType.SEMICOLON
            ) and sql[tok.start:tok.end + 1].upper() == "REPLACE":
                chars = chars if chars is not None else list(sql)
                _splice(chars, tok.start, "INSERT ")
    return sql if chars is None else "".join(chars)


def check_size(tree: exp.Expression, limits: Limits) -> None:
    nodes = 0
    bools = 0
    stack: list[tuple[exp.Expression, int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        nodes += 1
        if depth > limits.max_depth:
            raise SQLLimitError(f"statement nesting exceeds the limit of {limits.max_depth}")
        if isinstance(node, (exp.Or, exp.And)):
            bools += 1
        for child in node.iter_expressions():
            stack.append((child, depth + 1))
    if nodes > limits.max_nodes:
        raise SQLLimitError(f"statement has {nodes} syntax nodes, over the limit of {limits.max_nodes}")
    if bools > limits.max_bool_terms:
        raise SQLLimitError(f"statement has {bools} AND/OR terms, over the limit of {limits.max_bool_terms}")


__all__ = ["DEFAULT_LIMITS", "DIALECTS", "Limits", "canonical_dialect", "check_size", "is_passthrough", "parse",
           "prepare_text", "rewrite_for_parser"]
