"""What the analysis finds out about a statement. Plain frozen data: no decisions here."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from ..schema import SchemaChange

Pair = tuple[str, str]  # (relation key, column name as stored)


@dataclass(frozen=True)
class Value:
    """What a statement puts somewhere (a written column, a JSON key, a key-value question).

    ``text`` (a literal) is used for value rules, never logged. ``param``: the parameter the driver
    binds (a position or a name); ``index``: sqlite3's index of a named placeholder, used when
    the parameters are a sequence. ``spread``: the parameter is an array whose *elements* are the
    values (``UNNEST(%s::text[])``, Django's ``bulk_create`` on PostgreSQL)."""

    kind: str  # "literal" | "null" | "param" | "expr" | "default" | "stream" | "unchanged"
    text: str | None = field(default=None, repr=False)
    param: int | str | None = None
    index: int | None = None
    spread: bool = False


@dataclass(frozen=True)
class Write:
    table: str
    column: str
    value: Value
    row: int = 0
    sources: frozenset[Pair] = frozenset()  # physical columns the written value comes from
    key: Value | None = None  # a key inside the column (a JSON object key written by jsonb_set / ||)
    params: frozenset[int | str] = frozenset()  # parameters an expression value is computed from
    # the value is a stored column's value passed on unchanged (``INSERT INTO t2 SELECT c FROM t1``,
    # a table rebuild by a migration): ``sources`` names that one column
    copied: bool = False


@dataclass(frozen=True)
class Output:
    """One output column of a statement (its SELECT list, or RETURNING), with the physical
    columns its value is computed from."""

    name: str
    sources: frozenset[Pair]


@dataclass(frozen=True)
class KeyedUse:
    """A key inside a column the statement reads or filters on: ``data->>'citizenship'``."""

    table: str
    column: str
    key: Value
    role: str  # "read" | "filter"


@dataclass(frozen=True)
class Pin:
    """``column = value`` required of every row the statement touches (a conjunct of its WHERE):
    what pins the question of a key-value table."""

    table: str
    column: str
    value: Value


@dataclass(frozen=True)
class StatementAnalysis:
    kind: str
    writes: tuple[Write, ...] = ()
    reads: frozenset[Pair] = frozenset()
    filters: frozenset[Pair] = frozenset()
    outputs: tuple[Output, ...] = ()
    references: frozenset[Pair] = frozenset()  # every physical column the statement names or touches
    targets: frozenset[str] = frozenset()  # relations whose existing rows it changes (UPDATE, DELETE, MERGE, upsert)
    adds: tuple[Pair, ...] = ()  # DDL introducing a column (CREATE TABLE, ADD COLUMN, RENAME COLUMN)
    drops: tuple[Pair, ...] = ()  # DDL removing a column: remediation, never a violation
    renames: tuple[Pair, ...] = ()  # ALTER TABLE old RENAME TO new: (old key, new key)
    changes: tuple[SchemaChange, ...] = ()  # what the schema map must follow once the statement is allowed
    functions: frozenset[str] = frozenset()  # every function called (canonical keys, see functions.py)
    types: frozenset[str] = frozenset()  # every type cast to (lower-case names; "?" for user-defined)
    catalogs: frozenset[str] = frozenset()  # system catalog relations named
    data_catalogs: frozenset[str] = frozenset()  # ... of which hold values (pg_stats, pg_stat_activity)
    keyed: tuple[KeyedUse, ...] = ()
    pins: tuple[Pin, ...] = ()
    catalog_only: bool = False


@dataclass(frozen=True)
class Analysis:
    dialect: str
    statements: tuple[StatementAnalysis, ...]
    positional_params: int = 0

    def _union(self, attr: str) -> frozenset:
        out: set = set()
        for s in self.statements:
            out |= getattr(s, attr)
        return frozenset(out)

    @cached_property
    def writes(self) -> tuple[Write, ...]:
        return tuple(w for s in self.statements for w in s.writes)

    @property
    def reads(self) -> frozenset[Pair]:
        return self._union("reads")

    @property
    def filters(self) -> frozenset[Pair]:
        return self._union("filters")

    @property
    def references(self) -> frozenset[Pair]:
        return self._union("references")

    @property
    def targets(self) -> frozenset[str]:
        return self._union("targets")

    @property
    def functions(self) -> frozenset[str]:
        return self._union("functions")

    @property
    def types(self) -> frozenset[str]:
        return self._union("types")

    @property
    def data_catalogs(self) -> frozenset[str]:
        return self._union("data_catalogs")

    @property
    def outputs(self) -> tuple[Output, ...]:
        """The output columns of the last statement (what a cursor returns)."""
        return self.statements[-1].outputs if self.statements else ()

    @cached_property
    def keyed(self) -> tuple[KeyedUse, ...]:
        return tuple(k for s in self.statements for k in s.keyed)

    @property
    def adds(self) -> tuple[Pair, ...]:
        return tuple(a for s in self.statements for a in s.adds)

    @property
    def renames(self) -> tuple[Pair, ...]:
        return tuple(r for s in self.statements for r in s.renames)

    @property
    def changes(self) -> tuple[SchemaChange, ...]:
        return tuple(c for s in self.statements for c in s.changes)


__all__ = ["Analysis", "KeyedUse", "Output", "Pair", "Pin", "StatementAnalysis", "Value", "Write"]
