"""From an analysis (and the bound parameters) to the items the Guard decides, per action.

* ``store``: every written value — with the categories of its column, of the columns it was
  copied from, of a JSON key it is written under (``jsonb_set(data, '{citizenship}', …)``, an
  object bound as a parameter), or of the question a key-value table row answers; and every
  column DDL adds.
* ``select_by``: every filter column (and JSON key filtered on).
* ``read``: every output column (and JSON key read), and value-holding catalogs.

**Restricted requesters** (the policy's ``restricted: true`` classes — federal, ICE, unknown):
*inference is reading*. A column that decides which rows come back, in which order, or whether a
statement fails (``WHERE address LIKE 'A%'`` answered row by row, a failing cast whose error text
quotes the value) reveals its value as surely as selecting it. So for them every column the
statement references anywhere — filters, joins, ORDER/GROUP BY, windows, function arguments,
written columns and their sources — is also decided as a ``read``, and every column of a table
whose existing rows the statement changes (UPDATE, DELETE, MERGE, upsert: a constraint violation
prints the failing row) too. Whatever the policy lets them read (status under 8 U.S.C. §1373,
public-record columns) they may also filter on; nothing else may appear in the statement."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .catalogs import framework_metadata
from ..model import MISSING, Item
from ..normalize import normalize
from .analysis import Analysis, KeyedUse, Value, Write
from .errors import SQLAnalysisError

_JSON_TYPES = ("json", "jsonb")


@dataclass
class Plan:
    store: list[Item] = field(default_factory=list)
    adds: list[Item] = field(default_factory=list)  # columns DDL defines (capacity to store)
    select_by: list[Item] = field(default_factory=list)
    read: list[Item] = field(default_factory=list)
    signature: list[Any] = field(default_factory=list)  # what about the bound values changed the plan

    def put(self, action: str, item: Item) -> None:
        items = getattr(self, action)
        paths = {i.path for i in items}
        if action != "store" and item.path in paths:
            return  # a column read or filtered on twice is one item
        path, n = item.path, 1
        while path in paths:
            n += 1
            path = f"{item.path}#{n}"
        if path != item.path:
            item = Item(path, item.categories, item.reasons, item.value, item.public_record)
        items.append(item)


def bind(value: Value, row: Any, fp: str) -> Any:
    """The Python value a placeholder/literal stands for: None (NULL), MISSING (unknown), the value,
    or (``spread``) the list of values of an array parameter."""
    if value.kind == "null":
        return None
    if value.kind == "literal":
        return value.text
    if value.kind != "param":
        return MISSING
    if row is None:
        return MISSING
    p = value.param
    try:
        if isinstance(row, Mapping):
            if not isinstance(p, str):
                raise SQLAnalysisError("positional placeholders were given named parameters", fp)
            v = row[p]
        elif isinstance(row, (str, bytes)) or not hasattr(row, "__getitem__"):
            raise SQLAnalysisError("parameters must be a sequence or a mapping", fp)
        elif isinstance(p, int):
            v = row[p]
        elif value.index is not None:
            v = row[value.index]
        else:
            raise SQLAnalysisError(f"named placeholder `{p}` was given positional parameters", fp)
    except (IndexError, KeyError):
        raise SQLAnalysisError("the parameters do not match the statement's placeholders", fp) from None
    except TypeError:
        raise SQLAnalysisError("parameters must be a sequence or a mapping", fp) from None
    obj = getattr(v, "obj", v)  # psycopg Json/Jsonb wrappers
    if value.spread:
        if obj is None:
            return None
        if not isinstance(obj, (list, tuple)):
            raise SQLAnalysisError("an array parameter spread into rows is not a list", fp)
        return list(obj)
    return obj


def key_text(k: Any) -> str:
    """A JSON path as a dotted key: ``["a", "b"]``, ``'{a,b}'``, ``'$."a".b'`` -> ``a.b``."""
    if isinstance(k, (list, tuple)):
        return ".".join(str(x) for x in k)
    t = str(k).strip()
    if t.startswith("{") and t.endswith("}"):
        return ".".join(p.strip().strip('"') for p in t[1:-1].split(",") if p.strip())
    if t.startswith("$"):
        return ".".join(p.strip('"') for p in t.lstrip("$").strip(".").split(".") if p)
    return t


def _json_doc(v: Any) -> Any:
    if isinstance(v, (dict, list)):
        return v
    if isinstance(v, (str, bytes, bytearray)):
        s = v.decode("utf-8", "replace") if isinstance(v, (bytes, bytearray)) else v
        t = s.lstrip()
        if t[:1] in ("{", "["):
            try:
                return json.loads(s)
            except ValueError:
                return None
    return None


def _json_leaves(doc: Any, prefix: str = "") -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    if isinstance(doc, dict):
        for k, v in doc.items():
            path = f"{prefix}.{k}" if prefix else str(k)
            if isinstance(v, (dict, list)):
                out.extend(_json_leaves(v, path))
            else:
                out.append((path, v))
    elif isinstance(doc, list):
        for v in doc:
            out.extend(_json_leaves(v, prefix))
    return out


class Planner:
    """Builds a :class:`Plan` for one statement with one set of parameters."""

    def __init__(self, insp: Any, analysis: Analysis, session: Any, fp: str, value_cats: frozenset[str],
                 restricted: bool = False, statics: dict[Any, Any] | None = None):
        self.insp = insp
        self.restricted = restricted
        self.analysis = analysis
        self.session = session
        self.fp = fp
        self.value_cats = value_cats
        schema = insp.schema
        self.kv = dict(schema.key_value) if schema is not None else {}
        # by (table, column, sources): what a write's column gives it; shareable between planners of
        # one statement shape against one schema and session state
        self._statics: dict[Any, tuple[frozenset[str], bool, tuple[str, ...], bool]] = {} if statics is None else statics
        self._by_row: dict[tuple[str, int], dict[str, Write]] | None = None

    def cats(self, table: str, column: str) -> tuple[frozenset[str], bool, tuple[str, ...]]:
        return self.insp.categories(table, column, self.session)

    def key_cats(self, key_text: str) -> tuple[frozenset[str], tuple[str, ...]]:
        c = self.insp.guard.classify(key_text)
        return c.categories, tuple(f"key `{key_text}`: {r}" for r in c.all_reasons())

    def column_type(self, table: str, column: str) -> str:
        col = self.insp.column(table, column, self.session)
        return (col.type if col is not None else "").lower()

    # -- store ---------------------------------------------------------------------------------
    def writes(self, plan: Plan, rows: list[Any]) -> None:
        writes = self.analysis.writes
        if self._by_row is None:
            self._by_row = {}
            for w in writes:
                self._by_row.setdefault((w.table, w.row), {}).setdefault(w.column, w)
        for row_no, row in enumerate(rows):
            for w in writes:
                self._write(plan, w, row, row_no, self._by_row.get((w.table, w.row), {}))

    def _static(self, w: Write) -> tuple[frozenset[str], bool, tuple[str, ...], bool]:
        """What about a write does not depend on the bound values (cached with the planner)."""
        skey = (w.table, w.column, w.sources)
        hit = self._statics.get(skey)
        if hit is None:
            cats, public, reasons = self.cats(w.table, w.column)
            for t, c in sorted(w.sources):
                scats, _, sreasons = self.cats(t, c)
                if scats:
                    cats = cats | scats
                    reasons = reasons + tuple(f"value copied from {t}.{c}: {r}" for r in sreasons)
            hit = self._statics[skey] = (cats, public, reasons,
                                          self.column_type(w.table, w.column).startswith(_JSON_TYPES))
        return hit

    def _write(self, plan: Plan, w: Write, row: Any, row_no: int, same_row: dict[str, Write]) -> None:
        cats, public, reasons, json_column = self._static(w)
        if w.value.kind == "unchanged":
            return  # SET c = c: nothing new is stored
        value = bind(w.value, row, self.fp)
        from_param = w.value.kind == "param"
        r = w.row if row_no == 0 else row_no
        base = f"{w.table}.{w.column}" if r == 0 else f"{w.table}[{r}].{w.column}"
        key_text = None
        if w.key is not None:
            k = bind(w.key, row, self.fp)
            if k is MISSING or (k is not None and not isinstance(k, (str, int, float, list, tuple))):
                if value is None:
                    return
                raise SQLAnalysisError(f"a JSON key written to {w.table}.{w.column} cannot be determined before the "
                                       "statement runs", self.fp)
            key_text = globals()["key_text"](k)
            from_param = from_param or w.key.kind == "param"
        kv = self.kv.get(w.table)
        if kv is not None and w.column == kv[0] and w.key is None:
            self._kv_rekey(plan, w, kv, value, same_row)
        if kv is not None and w.column == kv[1] and key_text is None:
            key_text = self._kv_key(w, row, same_row, value)
            from_param = True if key_text is not None else from_param
        if key_text is not None:
            kc, kr = self.key_cats(key_text)
            cats, reasons = cats | kc, reasons + kr
            base = f"{base}.{key_text}"
            plan.signature.append(("key", base, key_text))
        values = value if w.value.spread and isinstance(value, list) else [value]
        for i, v in enumerate(values):
            path = base if len(values) == 1 else f"{w.table}[{r + i}].{w.column}" + (f".{key_text}" if key_text else "")
            if v is None:
                if from_param:  # classified or not: a written value is a field of the decision
                    plan.signature.append(("null", path))
                continue  # writing NULL erases; it collects nothing
            if v is MISSING and cats & self.value_cats and not self._copied_under_same_rule(w, cats, same_row):
                raise SQLAnalysisError(
                    f"the value written to {w.table}.{w.column} ({', '.join(sorted(cats & self.value_cats))}) cannot be "
                    "determined before the statement runs", self.fp)
            if from_param and (cats or self.restricted):
                plan.signature.append(("val", path, normalize(str(v)) if cats & self.value_cats else "set"))
            plan.put("store", Item(path, cats, reasons, v, public))
            if self.restricted:  # a unique or check violation answers whether the value exists
                tcats, tpublic, treasons = self.cats(w.table, w.column)
                plan.put("read", Item(f"{w.table}.{w.column}", tcats,
                                      ("written (a restricted requester learns from constraint errors)", *treasons),
                                      MISSING, tpublic))
            if from_param and (json_column or isinstance(v, (dict, list))):
                self._json_param(plan, w, v, path)

    def _copied_under_same_rule(self, w: Write, cats: frozenset[str], same_row: dict[str, Write]) -> bool:
        """A migration's table rebuild (``INSERT INTO new__t SELECT … FROM t``): every column of the
        new row is copied unchanged from one row of another table, and this one from a column the
        same value rules already cover. The copy records no new hold — the value was checked when it
        was stored, and it stays with the same row. A value computed from a column, copied from a
        column the rules do not cover, or put beside values of another origin (a hold basis copied
        onto another person's booking) still cannot be known before the statement runs."""
        if not w.copied or len(w.sources) != 1:
            return False
        (t, c), = w.sources
        if t == w.table:
            return False
        row = list(same_row.values()) or [w]
        if any(not o.copied or len(o.sources) != 1 or next(iter(o.sources))[0] != t for o in row):
            return False
        scats, _, _ = self.cats(t, c)
        return (cats & self.value_cats) <= scats

    def _json_param(self, plan: Plan, w: Write, v: Any, path: str) -> None:
        doc = _json_doc(v)
        if doc is None:
            return
        for key, leaf in _json_leaves(doc):
            if leaf is None:
                continue
            kc, kr = self.key_cats(key)
            if not kc:
                continue
            plan.signature.append(("jsonkey", path, key))
            plan.put("store", Item(f"{path}.{key}", kc, kr, leaf))

    def _kv_rekey(self, plan: Plan, w: Write, kv: tuple[str, str], key: Any, same_row: dict[str, Write]) -> None:
        """A write of a key-value table's question column: a row whose value is not written with it
        (``UPDATE answers SET question = 'citizenship' WHERE …``) now stores its existing answer under
        that question — collection of what the question classifies. A question that cannot be known
        before the statement runs is refused."""
        if kv[1] in same_row or key is None:
            return  # the value write carries the question (see _kv_key), or the row is unkeyed
        if key is MISSING or isinstance(key, (dict, list)):
            raise SQLAnalysisError(f"the question written to key-value table {w.table} ({w.table}.{w.column}) "
                                   "cannot be determined before the statement runs", self.fp)
        key_text = str(key)
        kc, kr = self.key_cats(key_text)
        if not kc:
            return
        if kc & self.value_cats:
            raise SQLAnalysisError(
                f"the answer moved under question `{key_text}` of {w.table} ({', '.join(sorted(kc & self.value_cats))})"
                " cannot be determined before the statement runs", self.fp)
        path = f"{w.table}.{kv[1]}.{key_text}"
        plan.signature.append(("key", path, key_text))
        plan.put("store", Item(path, kc, ("existing answer re-keyed", *kr), MISSING, False))

    def _kv_key(self, w: Write, row: Any, same_row: dict[str, Write], value: Any) -> str | None:
        key_col, _ = self.kv[w.table]
        kw = same_row.get(key_col)
        k: Any = MISSING
        if kw is not None:
            k = bind(kw.value, row, self.fp)
        else:
            for pin in self.analysis.statements[-1].pins:
                if pin.table == w.table and pin.column == key_col:
                    k = bind(pin.value, row, self.fp)
        if k is MISSING or k is None:
            if value is None:
                return None
            raise SQLAnalysisError(f"the question of key-value table {w.table} is not pinned (write "
                                   f"{w.table}.{key_col} in the same row, or `WHERE {key_col} = …`)", self.fp)
        return str(k)

    # -- reads and filters ---------------------------------------------------------------------
    def columns(self, plan: Plan, action: str, pairs: Any, reason: str | None = None) -> None:
        for t, c in sorted(pairs):
            if self.restricted and action == "read" and framework_metadata(t, self.insp.columns(t, self.session)):
                continue  # migration/ORM bookkeeping (django_migrations, alembic_version …): no person
            cats, public, reasons = self.cats(t, c)
            if reason:
                reasons = (reason, *reasons)
            plan.put(action, Item(f"{t}.{c}", cats, reasons, MISSING, public))

    def keyed(self, plan: Plan, uses: tuple[KeyedUse, ...], rows: list[Any], restricted: bool) -> None:
        row = rows[0] if rows else None
        for u in uses:
            k = bind(u.key, row, self.fp)
            if k is MISSING or k is None:
                continue
            key_text = globals()["key_text"](k)
            cats, public, reasons = self.cats(u.table, u.column)
            kc, kr = self.key_cats(key_text)
            item = Item(f"{u.table}.{u.column}.{key_text}", cats | kc, reasons + kr, MISSING, public)
            if u.key.kind == "param":
                plan.signature.append(("keyed", item.path))
            action = "select_by" if u.role == "filter" else "read"
            plan.put(action, item)
            if restricted and action != "read":
                plan.put("read", item)

    def kv_reads(self, plan: Plan, rows: list[Any]) -> None:
        """Reads of a key-value table's value column pinned to a question carry its categories."""
        if not self.kv:
            return
        row = rows[0] if rows else None
        last = self.analysis.statements[-1]
        for t, (key_col, val_col) in self.kv.items():
            if (t, val_col) not in last.reads:
                continue
            for pin in last.pins:
                if pin.table == t and pin.column == key_col:
                    k = bind(pin.value, row, self.fp)
                    if k is MISSING or k is None:
                        continue
                    kc, kr = self.key_cats(str(k))
                    cats, public, reasons = self.cats(t, val_col)
                    plan.put("read", Item(f"{t}.{val_col}.{k}", cats | kc, reasons + kr, MISSING, public))
                    if pin.value.kind == "param":
                        plan.signature.append(("kv", t, str(k)))

    def data_catalogs(self, plan: Plan) -> None:
        cats = self.insp.schema.all_categories() if self.insp.schema is not None else frozenset()
        every = cats or frozenset(self.insp.guard.policy.file.categories)
        for rel in sorted(self.analysis.data_catalogs):
            plan.put("read", Item(rel, every, ("a system catalog that holds column values or other sessions' SQL",)))

    def restricted_reads(self, plan: Plan) -> None:
        a = self.analysis
        self.columns(plan, "read", a.filters, "filtered on (a restricted requester infers what decides rows)")
        written = {(w.table, w.column) for w in a.writes}
        extra = set(a.references) - written  # written columns: read when a non-NULL value is written
        for w in a.writes:
            extra |= w.sources
        for t in a.targets:
            cols = self.insp.columns(t, self.session)
            extra |= {(t, c.name) for c in cols}
        self.columns(plan, "read", extra - a.reads - a.filters,
                     "named in the statement (a restricted requester may infer it from rows, order or errors)")


def build(insp: Any, analysis: Analysis, rows: list[Any], *, restricted: bool, session: Any, fp: str,
          value_cats: frozenset[str], planner: Planner | None = None) -> Plan:
    p = planner or Planner(insp, analysis, session, fp, value_cats, restricted)
    plan = Plan()
    p.writes(plan, rows)
    for t, c in analysis.adds:
        cats, public, reasons = p.cats(t, c)
        plan.put("adds", Item(f"{t}.{c}", cats, reasons, MISSING, public))
    p.columns(plan, "select_by", analysis.filters)
    p.columns(plan, "read", analysis.reads)
    p.keyed(plan, analysis.keyed, rows, restricted)
    p.kv_reads(plan, rows)
    p.data_catalogs(plan)
    if restricted:
        p.restricted_reads(plan)
    return plan


__all__ = ["Plan", "Planner", "bind", "build"]
