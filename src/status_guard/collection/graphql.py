"""GraphQL operations, read the way a GraphQL server reads them (graphql-core, the parser of
Strawberry, Ariadne and Graphene): every argument of every field — and every field of an input
object, and every value a variable supplies — is a submitted field.

    mutation ($in: ResidentInput!) { createResident(input: $in) { id } }
    variables: {"in": {"name": "Ana", "citizenship": "no"}}
    -> createResident.input.name = "Ana", createResident.input.citizenship = "no"

The classification name is the field name plus the argument path (``setCitizenship.value``), so an
argument with a generic name still carries the subject of its field. An operation cannot be edited
in place: a forbidden argument refuses the request even on a ``strip`` route.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ..errors import UnparseableInputError
from .view import Leaf, VDict, VList, walk

MAX_TOKENS = 20_000
MAX_ARGUMENT_VALUES = 5_000
_LOOKS_GRAPHQL = re.compile(r"^\s*(?:#[^\n]*\n\s*)*(?:\{|query\b|mutation\b|subscription\b|fragment\b)")


def looks_like_graphql(text: str) -> bool:
    return bool(_LOOKS_GRAPHQL.match(text))


def is_graphql_document(text: str) -> bool:
    """An operation, not prose: it starts like one and has a selection set (``query about my
    taxes`` in a search box is not GraphQL; ``mutation { ... }`` is, whether or not it parses)."""
    return looks_like_graphql(text) and "{" in text


def envelopes(view: Any) -> Iterator[VDict]:
    """Mapping nodes shaped like a GraphQL request: ``{"query": "...", "variables": {...}}``."""
    stack = [view]
    while stack:
        node = stack.pop()
        if isinstance(node, VDict):
            q = node.get("query")
            if isinstance(q, Leaf) and isinstance(q.value, str) and looks_like_graphql(q.value):
                yield node
            stack.extend(v for v in node.values() if isinstance(v, (VDict, VList)))
        elif isinstance(node, VList):
            stack.extend(v for v in node if isinstance(v, (VDict, VList)))


def _variables(envelope: VDict) -> dict[str, Any]:
    """The variables as plain values (the view keeps them as Leaf/VDict nodes)."""
    v = envelope.get("variables")
    return _plain(v) if isinstance(v, (VDict, VList)) else {}


def _plain(node: Any) -> Any:
    if isinstance(node, Leaf):
        return node.value
    if isinstance(node, dict):
        return {k: _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    return node


def parse_document(text: str, *, strict: bool) -> Any:
    """The parsed document, or None when ``text`` is not GraphQL (``strict``: raise instead — a body
    sent as ``application/graphql`` that the guard cannot read is refused)."""
    from graphql import GraphQLError, parse  # lazy: only GraphQL requests pay for the import

    try:
        return parse(text, no_location=True, max_tokens=MAX_TOKENS)
    except GraphQLError as exc:
        if strict:
            msg = "the GraphQL operation could not be parsed"
            where = (getattr(exc, "locations", None) or [None])[0]
            if where is not None:  # where, never what (the token may be a submitted value)
                msg += f" (syntax error at line {where.line}, column {where.column})"
            if "token" in str(exc).lower() and "limit" in str(exc).lower():
                msg = f"the GraphQL operation has more than {MAX_TOKENS} tokens"
            raise UnparseableInputError(msg) from None
        return None
    except RecursionError:
        raise UnparseableInputError("the GraphQL operation is nested too deeply") from None


def read_operation(query: str, variables: dict[str, Any], base_path: str, *, strict: bool = False,
                   variable_nodes: Any = None) -> list[Leaf] | None:
    """Leaves for every argument value of every operation and fragment in ``query``. Each
    argument's value (variables substituted) is read like a JSON document, so a form builder's
    question/answer pairs passed as an argument are understood too. A value that comes from the
    request's ``variables`` (``variable_nodes``: their view) is plain JSON the guard can edit: its
    leaves point at the variable's own location and are stripped or redacted there, like any JSON
    body's (r12f F21); a value written in the operation text cannot be edited and is refused."""
    from graphql.language import ast as gql

    from . import builders
    from .view import _Builder

    doc = parse_document(query, strict=strict)
    if doc is None:
        return None
    # a variable the client did not send takes its declared default, and that value is what the
    # argument it is used in receives (``($s: String = "undocumented") { setStatus(value: $s) }``);
    # a fragment uses the variables of the operation that spreads it: every operation's defaults
    defaults: dict[str, Any] = {}
    for definition in doc.definitions:
        if isinstance(definition, gql.OperationDefinitionNode):
            for vd in definition.variable_definitions or ():
                if vd.default_value is not None:
                    defaults.setdefault(vd.variable.name.value, vd.default_value)
    out: list[Leaf] = []
    prefix = f"{base_path}." if base_path else ""
    count = 0

    def plain(node: Any, depth: int) -> Any:
        nonlocal count
        count += 1
        if count > MAX_ARGUMENT_VALUES:
            raise UnparseableInputError(f"the GraphQL operation has more than {MAX_ARGUMENT_VALUES} argument values")
        if depth > 32:
            raise UnparseableInputError("a GraphQL argument is nested too deeply")
        if isinstance(node, gql.VariableNode):
            vname = node.name.value
            if vname not in variables and vname in defaults:
                return plain(defaults[vname], depth + 1)
            return variables.get(vname)
        if isinstance(node, gql.ObjectValueNode):
            return {f.name.value: plain(f.value, depth + 1) for f in node.fields}
        if isinstance(node, gql.ListValueNode):
            return [plain(v, depth + 1) for v in node.values]
        return _scalar(node)

    def add(value: Any, path: str, key_path: str) -> None:
        b = _Builder()
        sub = b.json(value, (), path, key_path, origin="graphql")
        if not isinstance(sub, Leaf):
            builders.annotate(sub)
        for lf in walk(sub):
            lf.origin = "graphql"
            lf.drops = ()  # an operation cannot be edited in place: refuse instead
            lf.editable = False
            out.append(lf)

    def bind(value: Any, built: Any, into: dict[int, Leaf]) -> None:
        """Pair the leaves built from a variable's value with the variable's own leaves (same shape)."""
        if isinstance(value, gql.VariableNode):
            src = variable_nodes.get(value.name.value) if isinstance(variable_nodes, VDict) else None
            if src is None or isinstance(built, Leaf) != isinstance(src, Leaf):
                return
            mine, theirs = list(walk(built)), list(walk(src))
            if len(mine) == len(theirs) and all(a.value == b.value for a, b in zip(mine, theirs)):
                into.update((id(a), b) for a, b in zip(mine, theirs))
        elif isinstance(value, gql.ObjectValueNode) and isinstance(built, VDict):
            for f in value.fields:
                if f.name.value in built:
                    bind(f.value, built[f.name.value], into)
        elif isinstance(value, gql.ListValueNode) and isinstance(built, VList) and len(built) == len(value.values):
            for v, b in zip(value.values, built):
                bind(v, b, into)

    def editable_at(lf: Leaf, bound: dict[int, Leaf]) -> None:
        src = bound.get(id(lf))
        if src is not None and src.loc is not None and src.editable:
            # edited in ``variables``, where it is plain JSON (its origin says so to the plan)
            lf.loc, lf.drops, lf.editable, lf.origin = src.loc, src.drops, True, src.origin
        else:
            lf.drops = ()  # an operation cannot be edited in place: refuse instead
            lf.editable = False

    def add_args(args: Any, here: str, name: str) -> None:
        """A field's arguments read together, as one object: a question/answer pair passed as two
        arguments (``answer(question: "...", response: "no")``) is read like a builder's pair."""
        if not args:
            return
        b = _Builder()
        node = VDict()
        node.loc = None
        node.path = here
        bound: dict[int, Leaf] = {}
        for arg in args:
            an = arg.name.value
            node[an] = b.json(plain(arg.value, 0), (), f"{here}({an})", f"{name}.{an}", origin="graphql")
            bind(arg.value, node[an], bound)
        builders.annotate(node)
        for lf in walk(node):
            lf.origin = "graphql"
            editable_at(lf, bound)
            out.append(lf)

    for definition in doc.definitions:
        if isinstance(definition, gql.OperationDefinitionNode):
            root = f"{prefix}{definition.operation.value}"
            if definition.name is not None:
                root += f" {definition.name.value}"
            # default values of variables the client did not send are submitted too
            for vd in definition.variable_definitions or ():
                if vd.default_value is not None and vd.variable.name.value not in variables:
                    add(plain(vd.default_value, 0), f"{root}.${vd.variable.name.value}", vd.variable.name.value)
        elif isinstance(definition, gql.FragmentDefinitionNode):
            root = f"{prefix}fragment {definition.name.value}"
        else:
            continue  # type-system definitions carry no submitted values
        stack: list[tuple[Any, str, int]] = [(definition.selection_set, root, 0)]
        while stack:
            sel_set, at, depth = stack.pop()
            if sel_set is None:
                continue
            if depth > 64:
                raise UnparseableInputError("the GraphQL operation is nested too deeply")
            for sel in sel_set.selections:
                if isinstance(sel, gql.FieldNode):
                    name = sel.name.value
                    here = f"{at}.{sel.alias.value if sel.alias else name}"
                    add_args(sel.arguments or (), here, name)
                    for d in sel.directives or ():  # ``@tag(citizenshipStatus: "no")`` is submitted too
                        add_args(d.arguments or (), f"{here}@{d.name.value}", f"{name}.{d.name.value}")
                    stack.append((sel.selection_set, here, depth + 1))
                elif isinstance(sel, gql.InlineFragmentNode):
                    stack.append((sel.selection_set, at, depth + 1))
                # fragment spreads: their definitions are read on their own
    return out


def _scalar(node: Any) -> Any:
    from graphql.language import ast as gql

    if isinstance(node, gql.EnumValueNode):
        return node.value.replace("_", " ")  # PERMANENT_RESIDENT reads as the answer it is
    if isinstance(node, gql.NullValueNode):
        return None
    if isinstance(node, gql.BooleanValueNode):
        return node.value
    return getattr(node, "value", None)


def graphql_leaves(view: Any) -> list[Leaf]:
    """Read every GraphQL request in a view; mark the query text itself as read (not an answer)."""
    out: list[Leaf] = []
    for env in envelopes(view):
        q = env["query"]
        assert isinstance(q, Leaf)
        # an operation the guard cannot parse is not let through unread (fail closed): the server
        # may read it differently, or a later version of it may
        leaves = read_operation(q.value, _variables(env), env.path, strict=is_graphql_document(q.value),
                                variable_nodes=env.get("variables"))
        if leaves is None:
            continue
        q.role = "skip"  # the operation text is read through its arguments
        out.extend(leaves)
    return out


def read_graphql_body(text: str) -> list[Leaf]:
    """A body sent as ``application/graphql``: the whole body is one operation."""
    return read_operation(text, {}, "", strict=True) or []


__all__ = ["envelopes", "graphql_leaves", "looks_like_graphql", "read_graphql_body", "read_operation", "walk"]
