"""Apply strips and rewrites to the real submission, by exact location.

A location is the tuple of keys and list indices that reaches a value; an ``EMBED_*`` marker in it
means "the string here holds a document": the edit is applied inside that document, which is then
written back in the same encoding (compact JSON, base64 of JSON, or an urlencoded string).

Deletions run deepest first, and inside one list from the highest index down, so no edit moves a
value another edit addresses. A pair deleted from a list (a form builder's question and answer)
leaves the list shorter, never a hole the app would trip on.
"""

from __future__ import annotations

import base64
from collections import defaultdict
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote_plus

import orjson

from ..errors import UnparseableInputError
from .view import (EMBED_B64, EMBED_B64_GZIP, EMBED_FORM, EMBED_JSON, EMBED_JSON_STRING, EMBED_OPAQUE, EMBED_QUERY,
                   MARKERS, Loc, decode_embedded, string_layers)

DELETE = object()


def apply(doc: Any, sets: Mapping[Loc, Any], deletes: set[Loc]) -> Any:
    """Return ``doc`` edited (containers are edited in place; the root may be replaced)."""
    ops: list[tuple[Loc, Any]] = [(loc, v) for loc, v in sets.items()] + [(loc, DELETE) for loc in deletes]
    return _apply(doc, ops)


def _apply(doc: Any, ops: list[tuple[Loc, Any]]) -> Any:
    if not ops:
        return doc
    # ops reaching into an embedded document: group by the location of the embedding string
    direct: list[tuple[Loc, Any]] = []
    embedded: dict[tuple[Loc, str], list[tuple[Loc, Any]]] = defaultdict(list)
    for loc, v in ops:
        cut = next((i for i, p in enumerate(loc) if isinstance(p, str) and p in MARKERS), None)
        if cut is None:
            direct.append((loc, v))
        else:
            embedded[(loc[:cut], loc[cut])].append((loc[cut + 1 :], v))
    for (outer, marker), inner in embedded.items():
        if any(o == outer and v is DELETE for o, v in direct):
            continue  # the whole embedding string goes anyway
        current = _get(doc, outer)
        if not isinstance(current, str):
            raise UnparseableInputError("an embedded document changed under the guard")
        decoded = decode_embedded(current)
        if decoded is None or decoded[0] != marker:
            raise UnparseableInputError("an embedded document could not be read again")
        new_inner = _apply(decoded[1], inner)
        direct.append((outer, _encode(marker, new_inner, current)))
    if any(loc == () for loc, _ in direct):
        for loc, v in direct:
            if loc == ():
                return None if v is DELETE else v
    sets = [(loc, v) for loc, v in direct if v is not DELETE]
    dels = [loc for loc, v in direct if v is DELETE]
    for loc, v in sets:
        parent = _get(doc, loc[:-1])
        try:
            parent[loc[-1]] = v
        except (KeyError, IndexError, TypeError):
            raise UnparseableInputError("a field to rewrite was not found in the request") from None
    # deletions: deepest first; within a container, highest index first
    by_parent: dict[Loc, list[Any]] = defaultdict(list)
    for loc in dels:
        by_parent[loc[:-1]].append(loc[-1])
    for parent_loc in sorted(by_parent, key=len, reverse=True):
        try:
            parent = _get(doc, parent_loc)
        except UnparseableInputError:
            continue  # an enclosing value was deleted already
        keys = by_parent[parent_loc]
        if isinstance(parent, list):
            for k in sorted({k for k in keys if isinstance(k, int)}, reverse=True):
                if 0 <= k < len(parent):
                    del parent[k]
        elif isinstance(parent, dict):
            for k in keys:
                parent.pop(k, None)
    return doc


def _get(doc: Any, loc: Loc) -> Any:
    node = doc
    for p in loc:
        try:
            node = node[p]
        except (KeyError, IndexError, TypeError):
            raise UnparseableInputError("a field to change was not found in the request") from None
    return node


def _encode(marker: str, doc: Any, original: str) -> str:
    if marker == EMBED_JSON:
        return orjson.dumps(doc).decode("utf-8")
    if marker == EMBED_B64:
        raw = orjson.dumps(doc)
        urlsafe = "-" in original or "_" in original
        enc = base64.urlsafe_b64encode(raw) if urlsafe else base64.b64encode(raw)
        out = enc.decode("ascii")
        return out if original.rstrip().endswith("=") else out.rstrip("=")
    if marker == EMBED_B64_GZIP:
        import gzip

        raw = gzip.compress(orjson.dumps(doc), mtime=0)
        urlsafe = "-" in original or "_" in original
        enc = base64.urlsafe_b64encode(raw) if urlsafe else base64.b64encode(raw)
        return enc.decode("ascii")
    if marker in (EMBED_FORM, EMBED_QUERY):
        parts: list[str] = []
        for k, v in doc.items():
            for x in v if isinstance(v, list) else [v]:
                parts.append(f"{quote_plus(str(k))}={quote_plus(str(x))}")
        query = "&".join(parts)
        if marker == EMBED_FORM:
            return query
        head, _, rest = original.strip().partition("?")  # the URL before its query, and its fragment
        frag = rest.partition("#")[2]
        return f"{head}?{query}" + (f"#{frag}" if frag else "") if query else head
    if marker == EMBED_JSON_STRING:  # JSON encoded as a JSON string n times: encoded again n times
        out = orjson.dumps(doc).decode("utf-8")
        for _ in range(string_layers(original)):
            out = orjson.dumps(out).decode("utf-8")
        return out
    if marker == EMBED_OPAQUE:
        raise UnparseableInputError("a field to remove is inside an encoded value (a data: URI, hex or percent-encoded "
                                    "text) that the guard reads but cannot rewrite in place")
    raise UnparseableInputError("unknown embedded document kind")
