"""SQL migrations: columns a migration adds (CREATE TABLE, ALTER TABLE ADD COLUMN) and string
literals it writes (INSERT ... VALUES, UPDATE ... SET), parsed with sqlglot.

Only the DDL walk the scanner needs lives here (the scanner does not import the SQL adapter).
A statement sqlglot cannot parse, or only keeps as an opaque command while it looks like it
adds a column or writes rows, makes the whole file unparseable: it cannot be checked, so it is
reported (fail closed) rather than skipped.
"""

from __future__ import annotations

import logging
import re

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError

from ..errors import UnparseableInputError
from .findings import Candidate, Kind
from .positions import LineIndex

_OPAQUE_RISK = re.compile(r"\b(create\s+(?:temp(?:orary)?\s+)?table|add\s+(?:column\b|\w+\s+\w)|insert\s+into|update\s+\w+\s+set)\b", re.I)
DIALECTS = ("postgres", "mysql", "sqlite", "tsql", "oracle", "duckdb", "bigquery", "snowflake")


class _DropSQLText(logging.Filter):
    """sqlglot logs the raw statement when it falls back to an opaque command; that text may
    carry literals from the scanned file, so the record is dropped."""

    def filter(self, record: logging.LogRecord) -> bool:
        msg = str(record.msg)
        return "contains unsupported syntax" not in msg and "Falling back" not in msg


_log = logging.getLogger("sqlglot")
if not any(isinstance(f, _DropSQLText) for f in _log.filters):
    _log.addFilter(_DropSQLText())


def extract_sql(source: str, dialect: str = "postgres", *, line_offset: int = 0) -> list[Candidate]:
    """Candidates for one SQL text. ``line_offset`` shifts lines (SQL embedded in Python)."""
    try:
        statements = sqlglot.parse(source, read=dialect)
    except (ParseError, TokenError) as exc:
        raise UnparseableInputError(f"SQL could not be parsed as {dialect} ({_where(exc)})") from None
    except RecursionError:
        raise UnparseableInputError("SQL is nested too deeply to parse") from None
    index = LineIndex(source)
    out: list[Candidate] = []
    for st in statements:
        if st is None:
            continue
        if isinstance(st, exp.Command):
            if _OPAQUE_RISK.search(st.sql(dialect=dialect)[:2000]):
                raise UnparseableInputError("a statement that adds columns or writes rows could only be read as an opaque command")
            continue
        out.extend(_walk(st, index, line_offset))
    return out


def _where(exc: Exception) -> str:
    errors = getattr(exc, "errors", None) or []
    if errors and isinstance(errors[0], dict) and errors[0].get("line"):
        return f"line {errors[0]['line']}"
    return "syntax error"


def _pos(node: exp.Expression, index: LineIndex, line_offset: int) -> tuple[int, int]:
    ident = node if isinstance(node, exp.Identifier) else node.find(exp.Identifier)
    meta = getattr(ident, "meta", None) or {}
    if "start" in meta:
        line, col = index.position(int(meta["start"]))
        return line + line_offset, col
    if "line" in meta:
        return int(meta["line"]) + line_offset, 1
    return 1 + line_offset, 1


def _table_name(node: exp.Expression | None) -> str:
    t = node.find(exp.Table) if node is not None else None
    return t.name if t is not None else ""


def _walk(st: exp.Expression, index: LineIndex, line_offset: int) -> list[Candidate]:
    out: list[Candidate] = []
    if isinstance(st, exp.Create) and isinstance(st.this, exp.Schema):
        table = _table_name(st.this)
        for cd in st.this.expressions:
            if isinstance(cd, exp.ColumnDef):
                out.append(_column(cd, table, index, line_offset, "created"))
    elif isinstance(st, exp.Alter):
        table = _table_name(st.this)
        for action in st.args.get("actions") or []:
            for cd in ([action] if isinstance(action, exp.ColumnDef) else action.find_all(exp.ColumnDef)):
                out.append(_column(cd, table, index, line_offset, "added"))
    elif isinstance(st, exp.Insert):
        out.extend(_insert(st, index, line_offset))
    elif isinstance(st, exp.Update):
        table = _table_name(st.this)
        for eq in st.expressions:
            if isinstance(eq, exp.EQ) and isinstance(eq.this, exp.Column):
                vals = _string_literals(eq.expression)
                if vals:
                    line, col = _pos(eq.this, index, line_offset)
                    out.append(Candidate(Kind.VALUE_LITERAL, eq.this.name, "store", line, col, values=vals,
                                         context=f"UPDATE {table}".strip()))
    return out


def _column(cd: exp.ColumnDef, table: str, index: LineIndex, line_offset: int, how: str) -> Candidate:
    line, col = _pos(cd.this, index, line_offset)
    label = None
    for c in cd.args.get("constraints") or []:
        kind = c.args.get("kind")
        if isinstance(kind, exp.CommentColumnConstraint):
            label = kind.name or None
    defaults = ()
    for c in cd.args.get("constraints") or []:
        kind = c.args.get("kind")
        if isinstance(kind, exp.DefaultColumnConstraint):
            defaults = _string_literals(kind.this)
    return Candidate(Kind.DDL_COLUMN, cd.name, "store", line, col, label=label, values=defaults,
                     context=f"column {how} on table {table}" if table else f"column {how}")


def _insert(st: exp.Insert, index: LineIndex, line_offset: int) -> list[Candidate]:
    target = st.this
    if not isinstance(target, exp.Schema):
        return []  # no column list: the literals cannot be tied to columns
    cols = [c for c in target.expressions]
    table = _table_name(target)
    source = st.expression
    if not isinstance(source, exp.Values):
        return []
    per_col: dict[int, list[str]] = {}
    for row in source.expressions:
        cells = row.expressions if isinstance(row, exp.Tuple) else [row]
        for i, cell in enumerate(cells):
            per_col.setdefault(i, []).extend(_string_literals(cell))
    out = []
    for i, vals in per_col.items():
        if i < len(cols) and vals:
            line, col = _pos(cols[i], index, line_offset)
            name = cols[i].name if hasattr(cols[i], "name") else str(cols[i])
            out.append(Candidate(Kind.VALUE_LITERAL, name, "store", line, col, values=tuple(dict.fromkeys(vals)),
                                 context=f"INSERT INTO {table}"))
    return out


def _string_literals(node: exp.Expression | None) -> tuple[str, ...]:
    if node is None:
        return ()
    if isinstance(node, exp.Literal) and node.is_string:
        return (node.this,)
    return tuple(lit.this for lit in node.find_all(exp.Literal) if lit.is_string)[:64]
