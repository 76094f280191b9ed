"""Parsing what a request submits — query strings, urlencoded and multipart forms, JSON — into a
field mapping the guard can classify, and rebuilding the exact remaining bytes when fields are
stripped. Every parser enforces its own bounds and raises a clear error past them; a body the
guard cannot parse raises :class:`UnparseableInputError` (the middleware refuses it)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
import re
from typing import Any
from urllib.parse import quote_plus, unquote_to_bytes

import orjson

from ..errors import LimitExceededError, UnparseableInputError
from ..redact import split_path
from .config import Limits

Rebuild = Callable[[frozenset[str]], bytes]


Edit = Callable[[dict[tuple[Any, ...], Any], set[tuple[Any, ...]]], bytes]


@dataclass(frozen=True)
class ParsedBody:
    """Fields found in a body (names -> value, or list of values; JSON keeps its nesting), a
    function that returns the body without the given field paths (``rebuild``), and one that
    applies exact edits by location (``edit(sets, deletes)``, see ``collection.edits``).

    ``doc``/``doc_kind`` are what the collection passes read: the JSON document (``json``), or the
    flat form fields (``form``). ``files``: multipart file parts, name -> file names.
    ``graphql``: a body sent as ``application/graphql``."""

    kind: str
    fields: dict[str, Any]
    rebuild: Rebuild
    edit: Edit | None = None
    files: dict[str, list[str]] = field(default_factory=dict)
    doc: Any = None
    doc_kind: str = "form"
    graphql: str | None = None


def media_type(content_type: str | None) -> tuple[str, dict[str, str]]:
    """``text/html; charset=utf-8`` -> ("text/html", {"charset": "utf-8"})."""
    if not content_type:
        return "", {}
    main, _, rest = content_type.partition(";")
    params: dict[str, str] = {}
    for part in rest.split(";"):
        k, eq, v = part.partition("=")
        if eq:
            params[k.strip().lower()] = v.strip().strip('"')
    return main.strip().lower(), params


def request_media_type(content_type: str | None) -> tuple[str, dict[str, str]]:
    """Like :func:`media_type`, for a request body the guard must read exactly as the app will: a
    parameter given twice (``boundary=a; boundary=b``) is read as the first by one parser and the
    last by another, so it is refused."""
    mt, params = media_type(content_type)
    if content_type and ";" in content_type:
        names = [p.partition("=")[0].strip().lower() for p in content_type.split(";")[1:] if "=" in p]
        if len(names) != len(set(names)):
            raise UnparseableInputError("the request's Content-Type repeats a parameter")
    return mt, params


UTF8_CHARSETS = frozenset({"utf-8", "utf8", "us-ascii", "ascii"})


def check_charset(params: dict[str, str]) -> None:
    """The guard reads request bodies as UTF-8. A body declared in another charset (``utf-7``,
    ``utf-16``) is decoded differently by frameworks that honour the parameter (Starlette's
    multipart field names, Django's ``request.encoding``), so a field the guard sees as harmless
    bytes could reach the app as a status question: refuse it."""
    cs = params.get("charset")
    if cs is not None and cs.strip().lower() not in UTF8_CHARSETS:
        raise UnparseableInputError("request bodies are accepted only in UTF-8 (the charset parameter names another)")


def is_json_type(mt: str) -> bool:
    return mt == "application/json" or (mt.startswith("application/") and mt.endswith("+json"))


# -- urlencoded and query strings ------------------------------------------------------------------
def _decode_component(raw: bytes, what: str) -> str:
    try:
        return unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        raise UnparseableInputError(f"a {what} field name is not valid UTF-8") from None


def _add(fields: dict[str, Any], key: str, value: Any) -> None:
    if key in fields:
        prev = fields[key]
        fields[key] = prev + [value] if isinstance(prev, list) else [prev, value]
    else:
        fields[key] = value


def parse_urlencoded(body: bytes, limits: Limits, what: str = "form") -> ParsedBody:
    """``a=1&b=2`` (also used for query strings). Segments are kept raw so stripping a field leaves
    every other byte exactly as the client sent it.

    Parser parity: a raw (not percent-encoded) non-ASCII byte in a field *name* is read as Latin-1
    by Starlette and as UTF-8 by Django, so the app could see a different name than the guard:
    refused (browsers always percent-encode it)."""
    segments = [s for s in body.split(b"&") if s]
    if len(segments) > limits.max_form_fields:
        raise LimitExceededError(f"number of {what} fields", limits.max_form_fields, len(segments))
    keys: list[str] = []
    fields: dict[str, Any] = {}
    for seg in segments:
        raw_key, _, raw_value = seg.partition(b"=")
        if not raw_key.isascii():
            raise UnparseableInputError(f"a {what} field name holds raw non-ASCII bytes (frameworks read them "
                                        "differently; percent-encode them)")
        key = _decode_component(raw_key, what)
        value = unquote_to_bytes(raw_value.replace(b"+", b" ")).decode("utf-8", "replace")
        keys.append(key)
        _add(fields, key, value)

    def rebuild(drop: frozenset[str]) -> bytes:
        return b"&".join(seg for seg, key in zip(segments, keys) if key not in drop)

    def edit(sets: dict[tuple[Any, ...], Any], deletes: set[tuple[Any, ...]]) -> bytes:
        plan = _form_plan(fields, sets, deletes)
        out: list[bytes] = []
        seen: dict[str, int] = {}
        for seg, key in zip(segments, keys):
            i = seen.get(key, 0)
            seen[key] = i + 1
            action = plan.get((key, i))
            if action is _GONE:
                continue
            if action is None:
                out.append(seg)
            else:
                out.append(seg.partition(b"=")[0] + b"=" + quote_plus(str(action)).encode("ascii"))
        return b"&".join(out)

    return ParsedBody("urlencoded" if what == "form" else "query", fields, rebuild, edit, doc=fields, doc_kind="form")


_GONE = object()


def _occurrences(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]


def _form_plan(fields: dict[str, Any], sets: dict[tuple[Any, ...], Any],
               deletes: set[tuple[Any, ...]]) -> dict[tuple[str, int], Any]:
    """Per (name, occurrence): ``_GONE`` or the new value. Locations come from the collection view:
    ``(name,)``, ``(name, i)`` for a repeated name, or deeper (inside embedded JSON)."""
    import copy

    from ..collection import edits

    plan: dict[tuple[str, int], Any] = {}
    value_sets: dict[tuple[Any, ...], Any] = {}
    value_dels: set[tuple[Any, ...]] = set()
    for loc in deletes:
        if not loc or not isinstance(loc[0], str) or loc[0] not in fields:
            continue
        if len(loc) == 1:
            for i in range(len(_occurrences(fields[loc[0]]))):
                plan[(loc[0], i)] = _GONE
        elif len(loc) == 2 and isinstance(loc[1], int) and isinstance(fields[loc[0]], list):
            plan[(loc[0], loc[1])] = _GONE
        else:
            value_dels.add(loc)
    value_sets = {loc: v for loc, v in sets.items() if loc and loc[0] in fields}
    if value_sets or value_dels:
        names = {loc[0] for loc in value_sets} | {loc[0] for loc in value_dels}
        sub = {n: copy.deepcopy(fields[n]) for n in names}
        edited = edits.apply(sub, value_sets, value_dels)
        for n in names:
            before, after = _occurrences(fields[n]), _occurrences(edited.get(n))
            for i, (b, a) in enumerate(zip(before, after)):
                if a != b and plan.get((n, i)) is not _GONE:
                    plan[(n, i)] = a
    return plan


# -- multipart -------------------------------------------------------------------------------------
@dataclass
class _Part:
    headers: list[tuple[bytes, bytes]]
    size: int = 0
    data: bytearray | None = None


_CD = re.compile(rb'^form-data(?P<params>(?:[ \t]*;[ \t]*[A-Za-z][A-Za-z0-9_-]*\*?=(?:"[^"\\\r\n]*"|'
                 rb"[!#$%&'*+.^_`|~0-9A-Za-z-]+))*)[ \t]*;?[ \t]*$", re.IGNORECASE)
_CD_PARAM = re.compile(rb'[ \t]*;[ \t]*(?P<k>[A-Za-z][A-Za-z0-9_-]*\*?)=(?:"(?P<q>[^"\\\r\n]*)"|(?P<t>[^;\s"]+))')
_IDENTITY_CTE = frozenset({b"7bit", b"8bit", b"binary"})
_BCHARS = re.compile(r"^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$")


def content_disposition(raw: bytes) -> tuple[str, list[str] | None]:
    """(name, file names) of a multipart part, read strictly: only ``form-data`` with ``name`` and
    an optional ``filename``, each once, as a token or a quoted string without escapes. Parsers
    disagree on everything else — ``name*=`` is read by Django and ignored by python-multipart, a
    repeated ``name`` takes the last value in one and the first in another, backslash escapes — so
    it is refused rather than guessed; except that a ``name*`` equal to ``name`` (every parser reads
    the same name) is accepted, and ``filename*`` is accepted with *both* file names classified."""
    m = _CD.match(raw)
    if m is None:
        raise UnparseableInputError("a multipart part has a Content-Disposition the guard cannot read the same way "
                                    "as every framework (only form-data with name and filename is accepted)")
    params: dict[bytes, bytes] = {}
    for pm in _CD_PARAM.finditer(m.group("params")):
        k = pm.group("k").lower()
        if k not in (b"name", b"filename", b"name*", b"filename*"):
            raise UnparseableInputError("a multipart part's Content-Disposition has a parameter other than name "
                                        "and filename")
        if k in params:
            raise UnparseableInputError("a multipart part's Content-Disposition repeats a parameter")
        params[k] = pm.group("q") if pm.group("q") is not None else pm.group("t")
    if b"name" not in params:
        raise UnparseableInputError("a multipart part has no plain field name")
    try:
        name = params[b"name"].decode("utf-8")
        files = [params[b"filename"].decode("utf-8")] if b"filename" in params else []
    except UnicodeDecodeError:
        raise UnparseableInputError("a multipart field name or file name is not valid UTF-8") from None
    if name != name.strip():  # Django strips the spaces around a name, python-multipart keeps them
        raise UnparseableInputError("a multipart field name begins or ends with a space, which frameworks read "
                                    "differently")
    files = list(dict.fromkeys([*files, *(f.strip() for f in files)]))
    if b"name*" in params and _ext_value(params[b"name*"]) != name:
        raise UnparseableInputError("a multipart part names its field twice (name and name*) and parsers read "
                                    "different names")
    if b"filename*" in params:
        if b"filename" not in params:  # Django reads a file, python-multipart a text field
            raise UnparseableInputError("a multipart part gives only filename*, which frameworks read differently")
        files.append(_ext_value(params[b"filename*"]))
    return name, (files or None)


def _ext_value(raw: bytes) -> str:
    """An RFC 5987 ``charset'lang'percent-encoded`` value (only UTF-8 and ASCII are read)."""
    from urllib.parse import unquote

    charset, sep1, rest = raw.partition(b"'")
    _lang, sep2, value = rest.partition(b"'")
    if not (sep1 and sep2) or charset.lower() not in (b"utf-8", b"us-ascii"):
        raise UnparseableInputError("a multipart extended parameter (name* / filename*) is not UTF-8 encoded")
    try:
        return unquote(value.decode("ascii"), encoding="utf-8", errors="strict")
    except (UnicodeDecodeError, ValueError):
        raise UnparseableInputError("a multipart extended parameter (name* / filename*) is malformed") from None


def check_boundary(boundary: str | None) -> str:
    if not boundary or not _BCHARS.match(boundary):
        raise UnparseableInputError("multipart body without a valid boundary")
    return boundary


def parse_multipart(body: bytes, boundary: str | None, limits: Limits) -> ParsedBody:
    """multipart/form-data, parsed by python-multipart with our own bounds (its ``max_size``
    truncates silently, so the whole body is already bounded before we get here). Stripping
    removes a part's bytes from its delimiter to the next one; every other byte is kept.

    Parser parity (the guard must see exactly the names the app sees): part headers are read
    strictly (``content_disposition``); folded header lines, a ``Content-Transfer-Encoding`` other
    than 7bit/8bit/binary (Django decodes base64 parts), bytes before the first delimiter or after
    the closing one, and line endings other than CRLF around delimiters are refused."""
    from python_multipart.multipart import MultipartParser

    boundary = check_boundary(boundary)
    bb = boundary.encode("latin-1")
    if not body.startswith(b"--" + bb + b"\r\n"):
        raise UnparseableInputError("the multipart body does not start with its boundary")
    parts: list[_Part] = []
    header_field = bytearray()
    header_value = bytearray()
    header_bytes = 0

    def on_part_begin() -> None:
        nonlocal header_bytes
        if len(parts) >= limits.max_multipart_parts:
            raise LimitExceededError("number of multipart parts", limits.max_multipart_parts)
        parts.append(_Part([], 0, bytearray()))
        header_bytes = 0

    def on_header_field(data: bytes, start: int, end: int) -> None:
        nonlocal header_bytes
        header_field.extend(data[start:end])
        header_bytes += end - start
        if header_bytes > limits.max_multipart_header_bytes:
            raise LimitExceededError("multipart part header size in bytes", limits.max_multipart_header_bytes)

    def on_header_value(data: bytes, start: int, end: int) -> None:
        nonlocal header_bytes
        header_value.extend(data[start:end])
        header_bytes += end - start
        if header_bytes > limits.max_multipart_header_bytes:
            raise LimitExceededError("multipart part header size in bytes", limits.max_multipart_header_bytes)

    def on_header_end() -> None:
        parts[-1].headers.append((bytes(header_field).lower(), bytes(header_value)))
        header_field.clear()
        header_value.clear()

    def on_part_data(data: bytes, start: int, end: int) -> None:
        p = parts[-1]
        p.size += end - start
        if p.data is not None:
            if len(p.data) + (end - start) <= limits.max_multipart_field_bytes:
                p.data.extend(data[start:end])
            else:
                p.data = None  # too big to be a text field: a file, or refused below

    parser = MultipartParser(
        boundary,
        {
            "on_part_begin": on_part_begin,
            "on_header_field": on_header_field,
            "on_header_value": on_header_value,
            "on_header_end": on_header_end,
            "on_part_data": on_part_data,
        },
    )
    try:
        parser.write(body)
        parser.finalize()
    except (LimitExceededError, UnparseableInputError):
        raise
    except Exception:
        raise UnparseableInputError("the multipart body is malformed") from None

    fields: dict[str, Any] = {}
    files: dict[str, list[str]] = {}
    names: list[str] = []
    is_file: list[bool] = []
    for p in parts:
        disps = [v for k, v in p.headers if k == b"content-disposition"]
        if not disps:
            raise UnparseableInputError("a multipart part has no Content-Disposition")
        if len(disps) > 1:  # parsers disagree on which one names the field (Starlette takes the last)
            raise UnparseableInputError("a multipart part has more than one Content-Disposition")
        for k, v in p.headers:
            if not k or k[:1] in (b" ", b"\t") or not re.fullmatch(rb"[!#$%&'*+.^_`|~0-9a-z-]+", k):
                raise UnparseableInputError("a multipart part has a malformed or folded header line")
            if k == b"content-transfer-encoding" and v.strip().lower() not in _IDENTITY_CTE:
                raise UnparseableInputError("a multipart part has a Content-Transfer-Encoding that frameworks decode "
                                            "differently (only 7bit, 8bit and binary are accepted)")
            if k == b"content-type" and b"charset" in v.lower():
                _, cparams = media_type(v.decode("latin-1"))
                check_charset(cparams)
        name, filenames = content_disposition(disps[0].strip())
        names.append(name)
        if filenames is not None:
            files.setdefault(name, []).extend(filenames)  # a file: its name(s) are what we classify
            is_file.append(True)
        else:
            if p.data is None:
                raise LimitExceededError("multipart field size in bytes", limits.max_multipart_field_bytes, p.size)
            _add(fields, name, bytes(p.data).decode("utf-8", "replace"))
            is_file.append(False)

    spans = _part_spans(body, bb)
    if len(spans) != len(parts):  # our delimiter scan and the parser disagree: do not guess
        raise UnparseableInputError("the multipart body is ambiguous")
    close = body.rfind(b"--" + bb + b"--")
    if close == -1 or body[close + len(bb) + 4 :].strip(b"\r\n") != b"":
        raise UnparseableInputError("the multipart body has bytes after its closing boundary")

    def rebuild(drop: frozenset[str]) -> bytes:
        flags = [n in drop for n in names]
        if not any(flags):
            return body
        return _drop_spans(body, spans, flags, bb)

    def edit(sets: dict[tuple[Any, ...], Any], deletes: set[tuple[Any, ...]]) -> bytes:
        plan = _form_plan(fields, sets, deletes)
        gone_names = {loc[0] for loc in deletes if len(loc) == 1}
        drop: list[bool] = []
        replace: dict[int, bytes] = {}
        seen: dict[str, int] = {}
        for idx, (n, f) in enumerate(zip(names, is_file)):
            if f:
                drop.append(n in gone_names)
                continue
            i = seen.get(n, 0)
            seen[n] = i + 1
            action = plan.get((n, i))
            drop.append(action is _GONE)
            if action is not None and action is not _GONE:
                replace[idx] = str(action).encode("utf-8")
        out = body
        if replace:
            buf = bytearray()
            pos = 0
            for idx in sorted(replace):
                start, end = spans[idx]
                data_start = body.find(b"\r\n\r\n", start) + 4
                data_end = end - 2 if idx == 0 else end  # the CRLF before the next delimiter
                buf += body[pos:data_start] + replace[idx]
                pos = data_end
            buf += body[pos:]
            out = bytes(buf)
        if any(drop):
            out = _drop_spans(out, _part_spans(out, bb) if replace else spans, drop, bb)
        return out

    return ParsedBody("multipart", fields, rebuild, edit, files, doc=fields, doc_kind="form")


def _part_spans(body: bytes, boundary: bytes) -> list[tuple[int, int]]:
    """Byte spans of each part: part 0 from its opening ``--boundary`` through the CRLF that ends
    its data; part n > 0 from the CRLF + delimiter that opens it to the next delimiter. The last
    delimiter found is the close delimiter and owns no part."""
    first = b"--" + boundary
    delim = b"\r\n--" + boundary
    i = body.find(first)
    if i == -1:
        return []
    starts = [i]
    j = i + len(first)
    while (k := body.find(delim, j)) != -1:
        starts.append(k)
        j = k + len(delim)
    if not body.startswith(b"--", starts[-1] + (len(first) if len(starts) == 1 else len(delim))):
        return []  # no close delimiter
    spans = [(starts[n], starts[n + 1]) for n in range(len(starts) - 1)]
    if spans:
        spans[0] = (starts[0], starts[1] + 2)
    return spans


def _drop_spans(body: bytes, spans: list[tuple[int, int]], drop: list[bool], boundary: bytes) -> bytes:
    if all(drop):
        return body[: spans[0][0]] + b"--" + boundary + b"--\r\n"
    out = bytearray()
    pos = 0
    for (start, end), gone in zip(spans, drop):
        if gone:
            out += body[pos : max(pos, start)]
            pos = max(pos, end)
    out += body[pos:]
    return bytes(out)


# -- JSON ------------------------------------------------------------------------------------------
def check_json_shape(doc: Any, limits: Limits) -> None:
    """Depth and key-count bounds, iteratively (no recursion)."""
    keys = 0
    stack: list[tuple[Any, int]] = [(doc, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            if depth > limits.max_json_depth:
                raise LimitExceededError("JSON nesting depth", limits.max_json_depth)
            keys += len(node)
            stack.extend((v, depth + 1) for v in node.values() if isinstance(v, (dict, list)))
        elif isinstance(node, list):
            if depth > limits.max_json_depth:
                raise LimitExceededError("JSON nesting depth", limits.max_json_depth)
            keys += len(node)
            stack.extend((v, depth + 1) for v in node if isinstance(v, (dict, list)))
        if keys > limits.max_json_keys:
            raise LimitExceededError("JSON key and element count", limits.max_json_keys)


def loads_json(body: bytes, limits: Limits, what: str = "JSON body") -> Any:
    try:
        doc = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        if "recursion" in str(exc).lower() or "depth" in str(exc).lower():
            raise LimitExceededError("JSON nesting depth", limits.max_json_depth) from None
        raise UnparseableInputError(f"the {what} is not valid JSON") from None
    check_json_shape(doc, limits)
    return doc


def as_fields(doc: Any) -> dict[str, Any]:
    """The mapping classification walks: an object as is, an array under the empty key (its
    paths then read ``[0].name``), a string that holds a document (a body JSON-encoded twice or
    more, base64 of JSON: what the app decodes with one more ``json.loads``) under the empty key;
    any other scalar has no fields. A string body that is shaped like an encoded document but
    cannot be read is refused (issue 12 §3: fail closed)."""
    if isinstance(doc, dict):
        return doc
    if isinstance(doc, list):
        return {"": doc}
    if isinstance(doc, str):
        return {"": doc} if _string_body_holds_document(doc) else {}
    return {}


def _string_body_holds_document(doc: str) -> bool:
    """A top-level JSON string body: True when it holds a document the guard reads (the view then
    decodes it within the usual layer/depth bounds). One that looks like an encoded document (a
    JSON object/array or JSON string inside, possibly quoted again) but cannot be decoded is
    refused with a 422 naming it: the app would decode it, the guard cannot read it."""
    from ..collection.view import decode_embedded

    s = doc.strip()
    if not s:
        return False
    if decode_embedded(s) is not None:  # raises past the string-layer bound
        return True
    inner: Any = s
    for _ in range(8):  # peel JSON-string layers to see what is inside
        if not (isinstance(inner, str) and inner[:1] == '"' and inner[-1:] == '"'):
            break
        try:
            inner = orjson.loads(inner)
        except orjson.JSONDecodeError:
            break
        inner = inner.strip() if isinstance(inner, str) else inner
    if isinstance(inner, str) and inner[:1] in ("{", "[", '"'):
        raise UnparseableInputError(
            "the JSON body is a string that holds an encoded document (JSON encoded twice or more) the guard "
            "cannot read; it is refused rather than passed unread")
    return False


def remove_paths(doc: Any, paths: Iterable[str]) -> Any:
    """Remove the given leaf paths from a parsed JSON document (in place), deepest first. A path
    through a list element drops the key inside the element; list positions are never shifted."""
    for path in sorted(set(paths), key=lambda p: (-len(split_path(p)), p)):
        parts = split_path(path)
        if not parts:
            continue
        node = doc
        try:
            for p in parts[:-1]:
                node = node[p]
        except (KeyError, IndexError, TypeError):
            continue
        last = parts[-1]
        if isinstance(node, dict):
            node.pop(last, None)
        elif isinstance(node, list) and isinstance(last, int) and last < len(node):
            node[last] = None
    return doc


def parse_json(body: bytes, limits: Limits) -> ParsedBody:
    doc = loads_json(body, limits)

    def rebuild(drop: frozenset[str]) -> bytes:
        return orjson.dumps(remove_paths(orjson.loads(body), drop))

    def edit(sets: dict[tuple[Any, ...], Any], deletes: set[tuple[Any, ...]]) -> bytes:
        from ..collection import edits

        return orjson.dumps(edits.apply(orjson.loads(body), sets, deletes))

    return ParsedBody("json", as_fields(doc), rebuild, edit, doc=doc, doc_kind="json")


GRAPHQL_TYPES = frozenset({"application/graphql", "application/graphql+json"})


def parse_graphql(body: bytes, limits: Limits) -> ParsedBody:
    """A body sent as ``application/graphql`` is one GraphQL operation (read by the collection
    passes; an operation the guard cannot parse is refused there)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise UnparseableInputError("the GraphQL body is not valid UTF-8") from None

    def rebuild(drop: frozenset[str]) -> bytes:
        raise UnparseableInputError("a field cannot be removed from a GraphQL operation")

    return ParsedBody("graphql", {}, rebuild, None, doc=None, doc_kind="json", graphql=text)


def sniff_json(body: bytes, limits: Limits) -> ParsedBody | None:
    """A body declared as a form that is really JSON: an app calling ``request.json()`` reads it as
    JSON whatever the Content-Type says, so the guard reads it as JSON too."""
    s = body.strip()
    if s[:1] not in (b"{", b"[") or s[-1:] not in (b"}", b"]"):
        return None
    try:
        return parse_json(body, limits)
    except UnparseableInputError:
        return None
