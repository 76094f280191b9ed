"""OpenAPI 3 (and Swagger 2) documents and JSON Schema files, in JSON or YAML.

Property names, parameter names, titles, descriptions and enum members are read. Request bodies
and parameters are ``collect``; response schemas (and response headers) are ``disclose``. Local
``$ref``s are followed (with cycle protection); a component no operation references is checked
both ways, since its use is unknown. Positions come from the YAML node tree (JSON is YAML).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import yaml

from ..errors import UnparseableInputError
from .findings import Candidate, Kind

MAX_NODES = 500_000
MAX_DEPTH = 256
Path_ = tuple[Any, ...]
_HTTP = ("get", "put", "post", "delete", "options", "head", "patch", "trace", "query")
SPEC_HINTS = ("openapi", "swagger", "$schema", "properties")


class _Located:
    """A plain document plus the (line, column) of every mapping key and sequence item."""

    def __init__(self, text: str):
        self.pos: dict[Path_, tuple[int, int]] = {}
        self._count = 0
        try:
            nodes = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"line {mark.line + 1}" if mark is not None else "syntax error"
            raise UnparseableInputError(f"YAML/JSON could not be parsed ({where})") from None
        except RecursionError:
            raise UnparseableInputError("YAML/JSON is nested too deeply") from None
        self.docs = [self._convert(n, (i,), 0) for i, n in enumerate(nodes) if n is not None]

    def _convert(self, node: yaml.Node, path: Path_, depth: int) -> Any:
        self._count += 1
        if self._count > MAX_NODES:
            raise UnparseableInputError(f"document has more than {MAX_NODES} nodes (aliases expanded)")
        if depth > MAX_DEPTH:
            raise UnparseableInputError(f"document is nested deeper than {MAX_DEPTH}")
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Any] = {}
            for k, v in node.value:
                key = str(k.value) if isinstance(k, yaml.ScalarNode) else f"<{k.tag}>"
                self.pos[path + (key,)] = (k.start_mark.line + 1, k.start_mark.column + 1)
                out[key] = self._convert(v, path + (key,), depth + 1)
            return out
        if isinstance(node, yaml.SequenceNode):
            items = []
            for i, v in enumerate(node.value):
                self.pos[path + (i,)] = (v.start_mark.line + 1, v.start_mark.column + 1)
                items.append(self._convert(v, path + (i,), depth + 1))
            return items
        return node.value  # scalars stay strings: only names and labels are used

    def at(self, path: Path_) -> tuple[int, int]:
        while path:
            if path in self.pos:
                return self.pos[path]
            path = path[:-1]
        return (1, 1)


def looks_like_spec(text: str) -> bool:
    """True when ``text`` may be an API spec or schema: a hint word appears anywhere in it, or its
    top-level keys spell one with escapes (``"\\u006fpenapi"``), which must not hide a spec."""
    if any(h in text for h in SPEC_HINTS):
        return True
    if "\\" not in text:
        return False
    try:
        docs = _Located(text).docs
    except UnparseableInputError:
        return False  # not parseable, so not a spec any application could load
    top = ("openapi", "swagger", "$schema", "properties", "$defs", "definitions")
    return any(isinstance(d, dict) and any(k in d for k in top) for d in docs)


def extract_openapi(text: str, *, filename: str = "") -> list[Candidate] | None:
    """Candidates, or None when the document is not an API spec or schema."""
    if filename.endswith(".json"):
        try:
            json.loads(text)
        except ValueError as exc:
            raise UnparseableInputError(f"JSON could not be parsed (line {getattr(exc, 'lineno', '?')})") from None
        except RecursionError:
            raise UnparseableInputError("JSON is nested too deeply") from None
    loc = _Located(text)
    out: list[Candidate] = []
    found = False
    for i, doc in enumerate(loc.docs):
        if not isinstance(doc, dict):
            continue
        walker = _Walker(loc, doc, (i,))
        if "openapi" in doc or "swagger" in doc:
            found = True
            walker.walk_openapi()
        elif "$schema" in doc or isinstance(doc.get("properties"), dict) or "$defs" in doc or "definitions" in doc:
            found = True
            walker.walk_schema(doc, (i,), "collect", "JSON Schema")
            walker.walk_unreferenced(("collect",))
        out.extend(walker.out)
    return out if found else None


class _Walker:
    def __init__(self, loc: _Located, doc: dict[str, Any], root: Path_):
        self.loc = loc
        self.doc = doc
        self.root = root
        self.out: list[Candidate] = []
        self.seen: set[tuple[Path_, str]] = set()
        self.visited_refs: set[Path_] = set()

    # -- refs ------------------------------------------------------------------------------------
    def resolve(self, node: Any, path: Path_, stack: frozenset[Path_] = frozenset()) -> tuple[Any, Path_] | None:
        hops = 0
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if not ref.startswith("#/"):
                return None  # an external file: scanned on its own
            parts = tuple(p.replace("~1", "/").replace("~0", "~") for p in ref[2:].split("/"))
            target: Any = self.doc
            for p in parts:
                if isinstance(target, dict) and p in target:
                    target = target[p]
                elif isinstance(target, list) and p.isdigit() and int(p) < len(target):
                    target = target[int(p)]
                else:
                    raise UnparseableInputError(f"unresolvable $ref at line {self.loc.at(path + ('$ref',))[0]}")
            path = self.root + tuple(int(p) if isinstance(target, list) and p.isdigit() else p for p in parts)
            self.visited_refs.add(path)
            node = target
            hops += 1
            if hops > 64 or path in stack:
                return None
        return node, path

    # -- openapi -----------------------------------------------------------------------------------
    def walk_openapi(self) -> None:
        paths = self.doc.get("paths") or {}
        if isinstance(paths, dict):
            for route, item in paths.items():
                r = self.resolve(item, self.root + ("paths", route))
                if r is None or not isinstance(r[0], dict):
                    continue
                item, ipath = r
                shared = item.get("parameters") or []
                for method in _HTTP:
                    op = item.get(method)
                    if not isinstance(op, dict):
                        continue
                    where = f"{method.upper()} {route}"
                    opath = ipath + (method,)
                    self._parameters(shared, ipath + ("parameters",), where)
                    self._parameters(op.get("parameters") or [], opath + ("parameters",), where)
                    body = op.get("requestBody")
                    if body is not None:
                        rb = self.resolve(body, opath + ("requestBody",))
                        if rb is not None and isinstance(rb[0], dict):
                            for mt, schema, spath in _content(rb[0], rb[1]):
                                self.walk_schema(schema, spath, "collect", f"request body of {where}")
                    for code, resp in (op.get("responses") or {}).items():
                        rr = self.resolve(resp, opath + ("responses", code))
                        if rr is None or not isinstance(rr[0], dict):
                            continue
                        resp, rpath = rr
                        ctx = f"response {code} of {where}"
                        for mt, schema, spath in _content(resp, rpath):
                            self.walk_schema(schema, spath, "disclose", ctx)
                        if isinstance(resp.get("schema"), dict):  # Swagger 2
                            self.walk_schema(resp["schema"], rpath + ("schema",), "disclose", ctx)
                        headers = resp.get("headers")
                        if isinstance(headers, dict):
                            for h in headers:
                                self._emit(h, {}, rpath + ("headers", h), "disclose", ctx)
        self.walk_unreferenced(("collect", "disclose"))

    def walk_unreferenced(self, actions: tuple[str, ...]) -> None:
        for container in (("components", "schemas"), ("definitions",), ("$defs",)):
            node: Any = self.doc
            for c in container:
                node = node.get(c) if isinstance(node, dict) else None
            if not isinstance(node, dict):
                continue
            for name, schema in node.items():
                p = self.root + container + (name,)
                if p in self.visited_refs:
                    continue
                for action in actions:
                    self.walk_schema(schema, p, action, f"schema {name} (not referenced by any operation)")

    def _parameters(self, params: Any, path: Path_, where: str) -> None:
        if not isinstance(params, list):
            return
        for i, p in enumerate(params):
            r = self.resolve(p, path + (i,))
            if r is None or not isinstance(r[0], dict):
                continue
            p, ppath = r
            if p.get("in") == "body" and isinstance(p.get("schema"), dict):  # Swagger 2
                self.walk_schema(p["schema"], ppath + ("schema",), "collect", f"request body of {where}")
                continue
            name = p.get("name")
            if isinstance(name, str):
                schema = p.get("schema") if isinstance(p.get("schema"), dict) else p
                self._emit(name, {**schema, "description": p.get("description") or schema.get("description")},
                           ppath + ("name",), "collect", f"{p.get('in', 'parameter')} parameter of {where}")

    # -- schemas -----------------------------------------------------------------------------------
    def walk_schema(self, schema: Any, path: Path_, action: str, ctx: str, depth: int = 0,
                    stack: frozenset[Path_] = frozenset()) -> None:
        if depth > 64:
            return
        r = self.resolve(schema, path, stack)
        if r is None:
            return
        schema, path = r
        if not isinstance(schema, dict) or path in stack:
            return
        stack = stack | {path}
        for comb in ("allOf", "anyOf", "oneOf"):
            subs = schema.get(comb)
            if isinstance(subs, list):
                for i, s in enumerate(subs):
                    self.walk_schema(s, path + (comb, i), action, ctx, depth + 1, stack)
        props = schema.get("properties")
        if isinstance(props, dict):
            for name, sub in props.items():
                ppath = path + ("properties", name)
                sr = self.resolve(sub, ppath, stack)
                sub_schema = sr[0] if sr is not None and isinstance(sr[0], dict) else {}
                self._emit(name, sub_schema if isinstance(sub_schema, dict) else {}, ppath, action, ctx,
                           own=sub if isinstance(sub, dict) else {})
                self.walk_schema(sub, ppath, action, ctx, depth + 1, stack)
        for key in ("items", "additionalProperties", "not"):
            sub = schema.get(key)
            if isinstance(sub, dict):
                self.walk_schema(sub, path + (key,), action, ctx, depth + 1, stack)

    def _emit(self, name: str, schema: dict[str, Any], path: Path_, action: str, ctx: str,
              own: dict[str, Any] | None = None) -> None:
        key = (path, action)
        if key in self.seen:
            return
        self.seen.add(key)
        labels = []
        for src in (own or {}, schema):
            for k in ("title", "description", "x-label"):
                v = src.get(k)
                if isinstance(v, str) and v and v not in labels:
                    labels.append(v[:512])
        values: list[str] = []
        for src in (own or {}, schema, schema.get("items") if isinstance(schema.get("items"), dict) else {}):
            enum = src.get("enum")
            if isinstance(enum, list):
                values.extend(str(v) for v in enum if isinstance(v, str))
        line, col = self.loc.at(path)
        self.out.append(Candidate(Kind.API_PROPERTY, name, action, line, col, label=" / ".join(labels) or None,
                                  values=tuple(dict.fromkeys(values))[:256], context=ctx))


def _content(node: dict[str, Any], path: Path_) -> Iterator[tuple[str, Any, Path_]]:
    content = node.get("content")
    if isinstance(content, dict):
        for mt, media in content.items():
            if isinstance(media, dict) and "schema" in media:
                yield mt, media["schema"], path + ("content", mt, "schema")
