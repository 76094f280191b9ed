"""The per-statement state the analysis passes share."""

from __future__ import annotations

from collections.abc import Mapping

from sqlglot import exp
from sqlglot.schema import MappingSchema

from ..errors import SQLAnalysisError
from ..names import Naming, naming
from ..paramstyles import ParamMap
from ..parse import Limits
from ..schema import Relation, SchemaMap
from .model import KeyedUse, Pair, Pin, StatementAnalysis

SYNTHETIC = "__sgr"


class State:
    """What the passes learn about one statement, in order."""

    def __init__(self, dialect: str, schema: SchemaMap | None, limits: Limits, params: ParamMap,
                 temp: Mapping[str, Relation] | None = None):
        self.dialect = dialect
        self.naming: Naming = naming(dialect)
        self.schema = schema
        self.limits = limits
        self.params = params
        self.temp: dict[str, Relation] = dict(temp or {})
        self.relations: list[Relation] = []
        self._rel_index: dict[str, int] = {}
        self.cte_names: set[str] = set()
        self.accounted: set[int] = set()  # ids of original column nodes attributed directly
        self.regions: set[int] = set()  # ids of original subtrees analysed through a copy
        self.references: set[Pair] = set()  # columns named outside any output/filter/write (INSERT lists, COPY)
        self.constraint_columns: set[Pair] = set()
        self.functions: set[str] = set()
        self.types: set[str] = set()
        self.catalogs: set[str] = set()
        self.data_catalogs: set[str] = set()
        self.keyed: list[KeyedUse] = []
        self.pins: list[Pin] = []
        self.result: StatementAnalysis | None = None
        self.nested: list[StatementAnalysis] = []  # data-modifying CTEs
        self._ms: MappingSchema | None = None

    # -- relations -----------------------------------------------------------------------------
    def synthetic(self, rel: Relation) -> str:
        i = self._rel_index.get(rel.key)
        if i is None:
            i = self._rel_index[rel.key] = len(self.relations)
            self.relations.append(rel)
            self._ms = None
            if rel.catalog is not None:
                self.catalogs.add(rel.key)
                if rel.catalog.holds_values:
                    self.data_catalogs.add(rel.key)
        return f"{SYNTHETIC}{i}"

    def relation_of(self, table: exp.Expression) -> Relation | None:
        """The relation a (rewritten) table node stands for."""
        if not isinstance(table, exp.Table) or not isinstance(table.this, exp.Identifier):
            return None
        name = table.name
        if name.startswith(SYNTHETIC) and name[len(SYNTHETIC):].isdigit():
            return self.relations[int(name[len(SYNTHETIC):])]
        return None

    def relation_key(self, table: exp.Expression) -> str:
        rel = self.relation_of(table)
        if rel is not None:
            return rel.key
        if self.schema is None and isinstance(table, exp.Table):
            return table.name
        raise SQLAnalysisError(f"unsupported DML target `{type(table).__name__}`")

    def mapping_schema(self) -> MappingSchema | None:
        if self.schema is None:
            return None
        if self._ms is None:
            nm = self.naming
            flat = {f"{SYNTHETIC}{i}": {nm.stored(c.name): "text" for c in rel.columns}
                    for i, rel in enumerate(self.relations)}
            self._ms = MappingSchema(flat, dialect=self.dialect, normalize=False)
        return self._ms

    def column_key(self, name: str) -> str:
        """The lookup key of a column identifier that the identifier pass already folded."""
        return name

    def target_column(self, table: str, name: str) -> str:
        """The stored name of column ``name`` (folded identifier) of relation ``table``."""
        if self.schema is None:
            return name
        rel = self._by_key(table)
        col = rel.column(name, self.dialect) if rel is not None else None
        if col is None:
            raise SQLAnalysisError(f"column `{name}` is not in the schema of table `{table}`")
        return col.name

    def all_columns(self, table: str, what: str) -> list[str]:
        if self.schema is None:
            raise SQLAnalysisError(f"{what} without a column list needs a schema to know the columns")
        rel = self._by_key(table)
        return [c.name for c in rel.columns] if rel is not None else []

    def _by_key(self, key: str) -> Relation | None:
        i = self._rel_index.get(key)
        if i is not None:
            return self.relations[i]
        return self.schema.relation(key) if self.schema is not None else None

    # -- bookkeeping ---------------------------------------------------------------------------
    def mark(self, *nodes: exp.Expression | None) -> None:
        """Subtrees analysed through a copy (their columns are accounted by that analysis)."""
        for n in nodes:
            if n is not None:
                self.regions.add(id(n))


__all__ = ["SYNTHETIC", "State"]
