"""Parsing what a request submits — query strings, urlencoded and multipart forms, JSON — into a
field mapping the guard can classify, and rebuilding the exact remaining bytes when fields are
stripped. Every parser enforces its own bounds and raises a clear error past them; a body the
guard cannot parse raises :class:`UnparseableInputError` (the middleware refuses it)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_to_bytes

import orjson

from ..errors import LimitExceededError, UnparseableInputError
from ..redact import split_path
from .config import Limits

Rebuild = Callable[[frozenset[str]], bytes]


@dataclass(frozen=True)
class ParsedBody:
    """Fields found in a body (names -> value, or list of values; JSON keeps its nesting) and a
    function that returns the body without the given field paths."""

    kind: str
    fields: dict[str, Any]
    rebuild: Rebuild


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
    every other byte exactly as the client sent it."""
    segments = [s for s in body.split(b"&") if s]
    if len(segments) > limits.max_form_fields:
        raise LimitExceededError(f"number of {what} fields", limits.max_form_fields, len(segments))
    keys: list[str] = []
    fields: dict[str, Any] = {}
    for seg in segments:
        raw_key, _, raw_value = seg.partition(b"=")
        key = _decode_component(raw_key, what)
        value = unquote_to_bytes(raw_value.replace(b"+", b" ")).decode("utf-8", "replace")
        keys.append(key)
        _add(fields, key, value)

    def rebuild(drop: frozenset[str]) -> bytes:
        return b"&".join(seg for seg, key in zip(segments, keys) if key not in drop)

    return ParsedBody("urlencoded" if what == "form" else "query", fields, rebuild)


# -- multipart -------------------------------------------------------------------------------------
@dataclass
class _Part:
    headers: list[tuple[bytes, bytes]]
    size: int = 0
    data: bytearray | None = None


def parse_multipart(body: bytes, boundary: str | None, limits: Limits) -> ParsedBody:
    """multipart/form-data, parsed by python-multipart with our own bounds (its ``max_size``
    truncates silently, so the whole body is already bounded before we get here). Stripping
    removes a part's bytes from its delimiter to the next one; every other byte is kept."""
    from python_multipart.multipart import MultipartParser, parse_options_header

    if not boundary or len(boundary) > 70:
        raise UnparseableInputError("multipart body without a valid boundary")
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
    names: list[str] = []
    for p in parts:
        disps = [v for k, v in p.headers if k == b"content-disposition"]
        if not disps:
            raise UnparseableInputError("a multipart part has no Content-Disposition")
        if len(disps) > 1:  # parsers disagree on which one names the field (Starlette takes the last)
            raise UnparseableInputError("a multipart part has more than one Content-Disposition")
        disp = disps[0]
        _, opts = parse_options_header(disp)
        raw_name = opts.get(b"name")
        if raw_name is None:
            raise UnparseableInputError("a multipart part has no field name")
        try:
            name = raw_name.decode("utf-8")
        except UnicodeDecodeError:
            raise UnparseableInputError("a multipart field name is not valid UTF-8") from None
        names.append(name)
        filename = opts.get(b"filename")
        if filename is not None:
            value: Any = filename.decode("utf-8", "replace")  # a file: its name is what we classify
        else:
            if p.data is None:
                raise LimitExceededError("multipart field size in bytes", limits.max_multipart_field_bytes, p.size)
            value = bytes(p.data).decode("utf-8", "replace")
        _add(fields, name, value)

    spans = _part_spans(body, boundary.encode("latin-1"))
    if len(spans) != len(parts):  # our delimiter scan and the parser disagree: do not guess
        raise UnparseableInputError("the multipart body is ambiguous")

    def rebuild(drop: frozenset[str]) -> bytes:
        flags = [n in drop for n in names]
        if not any(flags):
            return body
        return _drop_spans(body, spans, flags, boundary.encode("latin-1"))

    return ParsedBody("multipart", fields, rebuild)


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
    paths then read ``[0].name``), a scalar has no fields."""
    if isinstance(doc, dict):
        return doc
    if isinstance(doc, list):
        return {"": doc}
    return {}


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

    return ParsedBody("json", as_fields(doc), rebuild)
