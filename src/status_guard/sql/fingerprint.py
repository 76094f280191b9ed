"""Statement fingerprints: a short stable id of a statement with its literals and comments removed.

Two statements that differ only in literal values share a fingerprint, so audit records and error
messages can name a statement without ever carrying a value from it."""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache

from sqlglot import Dialect
from sqlglot.tokens import TokenType

_LITERAL_TOKENS = frozenset(
    {
        TokenType.STRING,
        TokenType.NUMBER,
        TokenType.NATIONAL_STRING,
        TokenType.RAW_STRING,
        TokenType.HEREDOC_STRING,
        TokenType.BIT_STRING,
        TokenType.HEX_STRING,
        TokenType.BYTE_STRING,
        TokenType.UNICODE_STRING,
    }
)
_PROCESS_KEY = os.urandom(16)


def template(sql: str, dialect: str) -> str | None:
    """The statement as a token sequence with literals replaced by ``?`` and comments dropped,
    or None when it cannot be tokenized."""
    try:
        tokens = Dialect.get_or_raise(dialect).tokenize(sql)
    except Exception:  # TokenError and friends: no template
        return None
    out = []
    for tok in tokens:
        if tok.token_type in _LITERAL_TOKENS:
            out.append("?")
        else:
            out.append(tok.text.lower() if tok.token_type is not TokenType.IDENTIFIER else tok.text)
    return " ".join(out)


def fingerprint(sql: object, dialect: str = "postgres", max_chars: int | None = None) -> str:
    """``sql:`` + 16 hex digits of the literal-free token sequence. Text that cannot be tokenized,
    is not text, or is longer than ``max_chars`` gets ``sqlx:`` + 16 hex digits of a per-process
    keyed hash (nothing about its literals can be recovered by guessing). Both shapes are accepted
    by the audit record's allow-list."""
    if not isinstance(sql, str):
        raw = repr(type(sql)).encode()
        return "sqlx:" + hashlib.blake2b(raw, key=_PROCESS_KEY, digest_size=8).hexdigest()
    if max_chars is not None and len(sql) > max_chars:
        return "sqlx:" + hashlib.blake2b(sql.encode("utf-8", "surrogatepass"), key=_PROCESS_KEY,
                                         digest_size=8).hexdigest()
    return _fingerprint(sql, dialect)


@lru_cache(maxsize=8192)
def _fingerprint(sql: str, dialect: str) -> str:
    t = template(sql, dialect)
    if t is None:
        digest = hashlib.blake2b(sql.encode("utf-8", "surrogatepass"), key=_PROCESS_KEY, digest_size=8).hexdigest()
        return f"sqlx:{digest}"
    return "sql:" + hashlib.sha256(t.encode("utf-8", "surrogatepass")).hexdigest()[:16]


__all__ = ["fingerprint", "template"]
