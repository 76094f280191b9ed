"""Python source, read with :mod:`ast` (never imported or run).

Found:
* SQLAlchemy ``Column(...)`` / ``mapped_column(...)`` (class attributes, ``Table(...)``,
  Alembic ``op.add_column`` / ``op.create_table``)                       -> store
* Django ``models.XField`` attributes, ``migrations.AddField`` / ``CreateModel``  -> store
* pydantic / SQLModel / dataclass / attrs / TypedDict fields               -> store
* WTForms and Django form fields (``label=`` / first positional label)     -> collect
* ``request.form[...]`` / ``request.args.get(...)`` keys (Flask-style)     -> collect
* SQL strings given to ``op.execute`` (Alembic) and ``op.bulk_insert`` rows, walked like migrations.

Labels come from ``label=``, ``verbose_name=``, ``title=``, ``description=``, ``comment=``,
``doc=``, ``alias=`` — text a developer wrote. Literal values (choices, defaults, ``Literal[...]``
members, inserted rows) are used for classification and value rules only.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

from ..errors import UnparseableInputError
from .findings import Candidate, Kind
from .sql import extract_sql

_COLUMN_CALLS = frozenset({"Column", "mapped_column"})
_SCHEMA_BASES = frozenset({"BaseModel", "SQLModel", "TypedDict", "Schema", "BaseSettings", "Struct"})
_DATACLASS_DECOS = frozenset({"dataclass", "define", "frozen", "s", "attrs", "mutable"})
_WTFORMS = frozenset({
    "StringField", "TextAreaField", "SelectField", "SelectMultipleField", "RadioField", "BooleanField",
    "IntegerField", "DecimalField", "FloatField", "DateField", "DateTimeField", "EmailField", "TelField",
    "HiddenField", "PasswordField", "FileField", "MultipleFileField", "SearchField", "URLField",
})
_LABEL_KWS = ("label", "verbose_name", "title", "description", "comment", "doc", "alias", "help_text")
_REQUEST_ATTRS = frozenset({"form", "args", "values", "json", "files", "GET", "POST", "data", "query_params"})
_SKIP_FIELD_CALLS = frozenset({"ForeignKey", "relationship", "ManyToManyField", "OneToOneField"})
MAX_LITERALS = 256


def _terminal(func: ast.expr) -> tuple[str, str]:
    """(qualifier, name) of a called function: ``models.CharField`` -> ("models", "CharField")."""
    if isinstance(func, ast.Name):
        return "", func.id
    if isinstance(func, ast.Attribute):
        q = func.value
        qual = q.id if isinstance(q, ast.Name) else q.attr if isinstance(q, ast.Attribute) else ""
        return qual, func.attr
    return "", ""


def _str(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Call) and node.args:  # _("label"), gettext_lazy("label")
        _, fname = _terminal(node.func)
        if fname in {"_", "gettext", "gettext_lazy", "ugettext", "ugettext_lazy", "lazy_gettext", "_l"}:
            return _str(node.args[0])
    return None


def _kw(call: ast.Call, name: str) -> ast.expr | None:
    for k in call.keywords:
        if k.arg == name:
            return k.value
    return None


def _literals(node: ast.AST | None) -> tuple[str, ...]:
    if node is None:
        return ()
    out = [n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    return tuple(dict.fromkeys(out))[:MAX_LITERALS]


def _labels(call: ast.Call, *, first_positional: bool) -> str | None:
    parts: list[str] = []
    if first_positional and call.args:
        s = _str(call.args[0])
        if s:
            parts.append(s)
    for k in _LABEL_KWS:
        s = _str(_kw(call, k))
        if s:
            parts.append(s)
    return " / ".join(dict.fromkeys(parts)) or None


class _Extractor(ast.NodeVisitor):
    def __init__(self) -> None:
        self.out: list[Candidate] = []
        self.handled: set[int] = set()
        self.errors: list[str] = []

    def add(self, kind: Kind, name: str, action: str, node: ast.AST, *, label: str | None = None,
            values: Iterable[str] = (), context: str = "") -> None:
        if not name:
            return
        self.out.append(Candidate(kind, name, action, getattr(node, "lineno", 1), getattr(node, "col_offset", 0) + 1,
                                  label=label, values=tuple(values)[:MAX_LITERALS], context=context))

    # -- classes ---------------------------------------------------------------------------------
    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        bases = {_terminal(b)[1] if not isinstance(b, ast.Subscript) else _terminal(b.value)[1] for b in node.bases}
        base_quals = {_terminal(b)[0] for b in node.bases if not isinstance(b, ast.Subscript)}
        decos = {_terminal(d.func if isinstance(d, ast.Call) else d)[1] for d in node.decorator_list}
        is_form = any(b.endswith("Form") for b in bases)
        is_serializer = any(b.endswith("Serializer") for b in bases)
        is_schema = bool(bases & _SCHEMA_BASES) or bool(decos & _DATACLASS_DECOS)
        is_django_model = "Model" in bases and ("models" in base_quals or not is_schema)
        ctx = f"class {node.name}"
        for stmt in node.body:
            target: str | None = None
            value: ast.expr | None = None
            annotation: ast.expr | None = None
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                target, value = stmt.targets[0].id, stmt.value
            elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                target, value, annotation = stmt.target.id, stmt.value, stmt.annotation
            if target is None or target.startswith("__") or target in {"Meta", "Config", "model_config"}:
                continue
            if isinstance(value, ast.Call):
                self._class_call(target, value, stmt, ctx, is_form=is_form, is_serializer=is_serializer,
                                 is_schema=is_schema, is_django_model=is_django_model, annotation=annotation)
            elif annotation is not None and is_schema and not _is_classvar(annotation):
                self.add(Kind.MODEL_FIELD, target, "store", stmt, values=_annotation_literals(annotation), context=ctx)
        self.generic_visit(node)

    def _class_call(self, target: str, call: ast.Call, stmt: ast.stmt, ctx: str, *, is_form: bool, is_serializer: bool,
                    is_schema: bool, is_django_model: bool, annotation: ast.expr | None) -> None:
        qual, fname = _terminal(call.func)
        if fname in _SKIP_FIELD_CALLS:
            self.handled.add(id(call))
            return
        if fname in _COLUMN_CALLS:
            self.handled.add(id(call))
            name = _str(call.args[0]) if call.args and _str(call.args[0]) else target
            self.add(Kind.MODEL_FIELD, name or target, "store", stmt, label=_labels(call, first_positional=False),
                     values=_literals(_kw(call, "default")) + _literals(_kw(call, "server_default")), context=ctx)
            return
        if fname == "Field" and (is_schema or qual in {"pydantic", "sqlmodel", ""}):
            self.handled.add(id(call))
            vals = _annotation_literals(annotation) if annotation is not None else ()
            self.add(Kind.MODEL_FIELD, target, "store", stmt, label=_labels(call, first_positional=False),
                     values=vals + _literals(_kw(call, "default")), context=ctx)
            return
        if not fname.endswith("Field"):
            return
        self.handled.add(id(call))
        choices = _literals(_kw(call, "choices")) + _literals(_kw(call, "default"))
        # Django models and WTForms share field names (BooleanField, DateField...): the class and the
        # module the field comes from decide, and only then the name
        is_model = qual == "models" or is_django_model or (is_schema and not is_form)
        if is_form or qual in {"forms", "wtforms", "fields"} or (fname in _WTFORMS and not is_model
                                                                 and not is_serializer):
            self.add(Kind.FORM_FIELD, target, "collect", stmt, label=_labels(call, first_positional=True),
                     values=choices, context=ctx)
        elif is_serializer or qual == "serializers":
            self.add(Kind.API_PROPERTY, target, "collect", stmt, label=_labels(call, first_positional=False),
                     values=choices, context=ctx)
        else:
            self.add(Kind.MODEL_FIELD, target, "store", stmt,
                     label=_labels(call, first_positional=qual == "models" or is_django_model), values=choices, context=ctx)

    # -- calls anywhere ----------------------------------------------------------------------------
    def visit_Call(self, node: ast.Call) -> None:
        if id(node) not in self.handled:
            self._call(node)
        self.generic_visit(node)

    def _call(self, node: ast.Call) -> None:
        qual, fname = _terminal(node.func)
        if fname in _COLUMN_CALLS and node.args and _str(node.args[0]):
            self.add(Kind.DDL_COLUMN, _str(node.args[0]) or "", "store", node, label=_labels(node, first_positional=False),
                     values=_literals(_kw(node, "default")) + _literals(_kw(node, "server_default")),
                     context="migration column")
        elif fname == "AddField" and _str(_kw(node, "name")):
            field = _kw(node, "field")
            label = _labels(field, first_positional=True) if isinstance(field, ast.Call) else None
            if isinstance(field, ast.Call):
                self.handled.add(id(field))
            self.add(Kind.DDL_COLUMN, _str(_kw(node, "name")) or "", "store", node, label=label,
                     values=_literals(_kw(field, "choices")) if isinstance(field, ast.Call) else (),
                     context=f"migration AddField on {_str(_kw(node, 'model_name')) or 'model'}")
        elif fname == "CreateModel":
            fields = _kw(node, "fields")
            if isinstance(fields, (ast.List, ast.Tuple)):
                for elt in fields.elts:
                    if isinstance(elt, ast.Tuple) and len(elt.elts) == 2 and _str(elt.elts[0]):
                        f = elt.elts[1]
                        if isinstance(f, ast.Call):
                            self.handled.add(id(f))
                            if _terminal(f.func)[1] in _SKIP_FIELD_CALLS:
                                continue
                        self.add(Kind.DDL_COLUMN, _str(elt.elts[0]) or "", "store", elt,
                                 label=_labels(f, first_positional=True) if isinstance(f, ast.Call) else None,
                                 values=_literals(_kw(f, "choices")) if isinstance(f, ast.Call) else (),
                                 context=f"migration CreateModel {_str(_kw(node, 'name')) or ''}".strip())
        elif fname == "execute" and qual == "op" and node.args:
            self._embedded_sql(node.args[0], strict=True)
        elif fname == "execute" and node.args:
            self._embedded_sql(node.args[0], strict=False)
        elif fname == "bulk_insert" and len(node.args) >= 2 and isinstance(node.args[1], (ast.List, ast.Tuple)):
            for row in node.args[1].elts:
                if isinstance(row, ast.Dict):
                    for k, v in zip(row.keys, row.values):
                        key = _str(k)
                        vals = _literals(v) if isinstance(v, ast.Constant) else ()
                        if key and vals:
                            self.add(Kind.VALUE_LITERAL, key, "store", k or row, values=vals, context="op.bulk_insert")
        elif fname == "get" and isinstance(node.func, ast.Attribute) and _is_request_data(node.func.value) and node.args:
            key = _str(node.args[0])
            if key:
                self.add(Kind.FORM_FIELD, key, "collect", node, context="request data read")

    def visit_Subscript(self, node: ast.Subscript) -> None:
        if _is_request_data(node.value):
            key = _str(node.slice)
            if key:
                self.add(Kind.FORM_FIELD, key, "collect", node, context="request data read")
        self.generic_visit(node)

    def _embedded_sql(self, arg: ast.expr, *, strict: bool) -> None:
        if isinstance(arg, ast.Call) and arg.args and _terminal(arg.func)[1] == "text":
            arg = arg.args[0]
        sql = _str(arg)
        if not sql:
            return
        try:
            found = extract_sql(sql, line_offset=getattr(arg, "lineno", 1) - 1)
        except UnparseableInputError as exc:
            if strict:
                self.errors.append(f"migration SQL at line {getattr(arg, 'lineno', 1)}: {exc}")
            return
        self.out.extend(found)


def _is_request_data(node: ast.expr) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr in _REQUEST_ATTRS
            and isinstance(node.value, ast.Name) and node.value.id in {"request", "req"})


def _is_classvar(annotation: ast.expr) -> bool:
    node = annotation.value if isinstance(annotation, ast.Subscript) else annotation
    return _terminal(node)[1] in {"ClassVar", "InitVar"}


def _annotation_literals(annotation: ast.expr | None) -> tuple[str, ...]:
    if annotation is None:
        return ()
    for n in ast.walk(annotation):
        if isinstance(n, ast.Subscript) and _terminal(n.value)[1] == "Literal":
            return _literals(n.slice)
    return ()


def extract_python(source: str) -> list[Candidate]:
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise UnparseableInputError(f"Python syntax error at line {exc.lineno or '?'}") from None
    except (RecursionError, MemoryError, ValueError):
        raise UnparseableInputError("Python source is nested too deeply or is not valid source") from None
    ex = _Extractor()
    try:
        ex.visit(tree)
    except RecursionError:
        raise UnparseableInputError("Python source is nested too deeply to walk") from None
    if ex.errors:
        raise UnparseableInputError("; ".join(ex.errors[:3]))
    return ex.out
