"""The submission as the app will read it: a *view* tree over the parsed body in which every leaf
knows its exact location, so later passes can label it, and the guard can strip or rewrite it
without re-splitting path strings.

* JSON keeps its nesting. A list of scalars is one leaf (checkboxes, a multi-select), as in
  :func:`status_guard.classify.flatten`.
* Form bodies (urlencoded, multipart, query strings) are flat; names written with brackets
  (``fields[0][label]``, PHP / Rails / ``qs`` style) are nested in the view, because form builders
  post their question/answer pairs that way.
* A string that holds JSON (``rawRequest``, ``operations``, compact ``{"q":"..."}``), base64 of
  JSON, or an urlencoded query string is expanded in place (``EMBED`` in the location): the app
  may decode it, so the guard reads it too.

The view is read-only; :mod:`.edits` applies strips and rewrites to the real document.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import unquote_to_bytes

import orjson

from ..errors import LimitExceededError, UnparseableInputError

Loc = tuple[Any, ...]

#: Location markers: the string at this point holds a document of that kind.
EMBED_JSON = "\x00json"
EMBED_B64 = "\x00base64-json"
EMBED_B64_GZIP = "\x00base64-gzip-json"
EMBED_FORM = "\x00urlencoded"
EMBED_QUERY = "\x00url-query"  # the query of a URL (or a ``?a=b`` string): re-encoded behind the same prefix
EMBED_OPAQUE = "\x00decoded"  # a data: URI, hex, a percent-encoded string: read, not re-encoded (strip refuses)
EMBED_JSON_STRING = "\x00json-in-json-string"  # JSON encoded as a JSON string (n times): re-encoded n times
MARKERS = frozenset({EMBED_JSON, EMBED_B64, EMBED_B64_GZIP, EMBED_FORM, EMBED_QUERY, EMBED_OPAQUE, EMBED_JSON_STRING})
_HEX_JSON = re.compile(r"^(?:7[bB]|5[bB])(?:[0-9a-fA-F]{2})+$")

MAX_EMBED_DEPTH = 4
#: a JSON string whose content is a JSON string (``"\"{\\\"a\\\":1}\""``) is unquoted this many times at most;
#: a deeper one cannot be read, so it is refused (fail closed), not passed unread
MAX_STRING_LAYERS = 8
MAX_EMBED_BYTES = 512 * 1024
MAX_VIEW_LEAVES = 100_000
MAX_VIEW_DEPTH = 64

_B64 = re.compile(r"^[A-Za-z0-9+/_-]{16,}={0,2}$")
_QUERYISH = re.compile(r"^[\w.\[\]%-]{1,128}=[^&\s]*(?:&[\w.\[\]%-]{1,128}=[^&\s]*)+$")
# one pair is a query string too (``citizenship_status=no``): a name that starts like one, a value
# without ``=`` (``abc==`` is base64 padding, not a field)
_ONE_PAIR = re.compile(r"^[^\W\d][\w.\[\]%-]{0,127}=[^&\s=]*$")
# ``?a=b`` and a URL's query (a callback or redirect URL the app may parse): read as its fields
_URL_QUERY = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]{0,15}://[^\s?#]*|/[^\s?#]*)?\?([^\s#]+)(?:#\S*)?$")
_QUERY_KEY = re.compile(r"^[\w.\[\]%+-]{1,128}$")
_BRACKET_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])+)$")
_SEGMENT = re.compile(r"\[([^\[\]]*)\]")

# -- localizable strings ----------------------------------------------------------------------------
# SurveyJS (and other builders: Form.io ``i18n``, Typeform translations) let every text a person
# sees be a string *or* an object of locale -> string: ``"title": {"default": "Are you a US
# citizen?", "es": "¿Es usted ciudadano?"}``. Such an object is one text: the view reads it as one
# leaf whose value is its distinct texts, so a question's label is read in every language it has.
_LOCALE_KEY = re.compile(r"^(?:default|[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8}){0,2})$")
#: languages whose code marks an object as a localized text (codes that are also English words —
#: ``id``, ``is``, ``it``, ``no``, ``to``, ``so`` — may sit beside one, but do not mark it alone)
_LOCALE_ANCHORS = frozenset({
    "default", "en", "es", "pt", "fr", "ht", "zh", "ar", "vi", "ko", "ru", "de", "ja", "bn", "hi", "ne", "ur", "fa",
    "tr", "pl", "uk", "el", "nl", "sv", "da", "fi", "nb", "cs", "sk", "hu", "ro", "bg", "sr", "hr", "th", "km",
    "lo", "tl", "fil", "sw", "ti", "om", "ps", "prs", "ku", "hy", "ka", "he", "yi", "kea", "cv", "pa", "gu", "ta",
    "te", "ml", "mr", "kn", "ms", "my", "ca", "eu", "gl", "lt", "lv", "et", "sl", "sq", "mk", "ig", "yo", "ha",
})
MAX_LOCALES = 128


def localized_text(node: Mapping[Any, Any]) -> str | None:
    """The texts of a localizable string object (locale -> string), or None when ``node`` is not one."""
    if not node or len(node) > MAX_LOCALES:
        return None
    anchored = False
    texts: list[str] = []
    for k, v in node.items():
        if not isinstance(k, str) or not _LOCALE_KEY.match(k) or not (isinstance(v, str) or v is None):
            return None
        anchored = anchored or re.split(r"[-_]", k, maxsplit=1)[0].lower() in _LOCALE_ANCHORS
        if isinstance(v, str) and v.strip():
            texts.append(v.strip())
    if not anchored or not texts:
        return None
    return " / ".join(dict.fromkeys(texts))


@dataclass(eq=False)
class Leaf:
    """One value as the app receives it."""

    value: Any
    loc: Loc  # exact location in the real document (keys, indices, EMBED markers)
    path: str  # the address reported to people (field name, JSON path)
    key_path: str  # what classification reads: the keys, list indices dropped
    origin: str = "field"  # field | embedded | graphql | file
    # set by later passes
    label: str | None = None
    label_source: str | None = None
    role: str = "answer"  # answer | question (the leaf *is* a question's text) | skip
    drops: tuple[Loc, ...] | None = None  # what to delete to strip it (None: its own location; (): cannot be)
    editable: bool = True
    ignore_name: bool = False  # the name is a question number in a survey run, not a subject
    read_name: str | None = None  # the name read when a segment inside it is a question number
    numbered: bool = False  # the value is a question's number in a survey run (an id, not a text)
    choices: tuple[str, ...] = ()  # the options the question offered (a status among them asks status)
    texts: tuple[str, ...] = ()  # a localizable text's texts, one per language (the value joins them)
    known: frozenset[str] = frozenset()  # categories the page that served this control said it asks
    known_reason: str | None = None
    is_file: bool = False
    file_names: tuple[str, ...] = ()  # the uploaded files this value names (multipart, or JSON names / URLs)
    # a part of a larger string (a "question:answer" summary): (location of the string, the string,
    # answer start, answer end, segment start, segment end) — edited by cutting or rewriting text
    within: tuple[Loc, str, int, int, int, int] | None = None


class VDict(dict):  # type: ignore[type-arg]
    """A mapping node of the view; ``loc`` is its location in the real document (None when the node
    only exists in the view, e.g. a bracket-nested form name)."""

    __slots__ = ("loc", "path")


class VList(list):  # type: ignore[type-arg]
    __slots__ = ("loc", "path")


@dataclass
class ViewStats:
    leaves: int = 0
    embedded: int = 0
    kinds: set[str] = field(default_factory=set)


def _vdict(loc: Loc | None, path: str) -> VDict:
    d = VDict()
    d.loc = loc
    d.path = path
    return d


def _vlist(loc: Loc | None, path: str) -> VList:
    v = VList()
    v.loc = loc
    v.path = path
    return v


def _join(path: str, key: Any) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


def _join_keys(key_path: str, key: Any) -> str:
    if isinstance(key, int):
        return key_path
    return f"{key_path}.{key}" if key_path else str(key)


def decode_embedded(value: str) -> tuple[str, Any] | None:
    """(marker, document) when a string holds a JSON object/array, base64 of one, or an urlencoded
    query string with two or more fields; None otherwise. Cheap checks first."""
    s = value.strip()
    if not s or len(s) > MAX_EMBED_BYTES:
        return None
    other = _decode_other(s)
    if other is not None:
        return other
    c = s[0]
    if c == '"':
        return _decode_quoted(s)
    if c in "{[":
        if s[-1] not in "}]":
            return None
        try:
            doc = orjson.loads(s)
        except orjson.JSONDecodeError:
            return None
        return (EMBED_JSON, doc) if isinstance(doc, (dict, list)) else None
    if len(s) >= 16 and " " not in s and _B64.match(s):
        try:
            raw = base64.b64decode(s + "=" * (-len(s) % 4), altchars=b"-_" if ("-" in s or "_" in s) else None,
                                   validate=True)
        except (binascii.Error, ValueError):
            return None
        marker = EMBED_B64
        if raw[:2] == b"\x1f\x8b" or raw[:1] == b"\x78":  # gzip / zlib: inflate, bounded
            inflated = _inflate(raw)
            if inflated is None:
                return None
            raw, marker = inflated, EMBED_B64_GZIP
        raw = raw.strip()
        if raw[:1] == b'"' and raw[-1:] == b'"':  # base64 of a JSON string holding JSON (encoded twice)
            try:
                quoted = raw.decode("utf-8")
            except UnicodeDecodeError:
                return None
            got = _decode_quoted(quoted)
            return (EMBED_OPAQUE, got[1]) if got is not None else None
        if raw[:1] in (b"{", b"[") and raw[-1:] in (b"}", b"]"):
            try:
                doc = orjson.loads(raw)
            except orjson.JSONDecodeError:
                return None
            return (marker, doc) if isinstance(doc, (dict, list)) else None
        return None
    if "=" in s and ("&" in s and _QUERYISH.match(s) or _ONE_PAIR.match(s)):
        fields = query_fields(s)
        return (EMBED_FORM, fields) if fields else None
    if "?" in s and "=" in s:
        m = _URL_QUERY.match(s)
        if m is not None:
            fields = query_fields(m.group(1))
            return (EMBED_QUERY, fields) if fields else None
    return None


def _decode_quoted(s: str) -> tuple[str, Any] | None:
    """A JSON string literal whose content holds a document (JSON encoded twice or more, as a
    webhook that serialises an already-serialised payload sends it): unquoted up to
    ``MAX_STRING_LAYERS`` times, then read like any embedded document. JSON inside is re-encoded as
    many times on a strip route (``EMBED_JSON_STRING``); anything else inside is read, not
    re-encoded (``EMBED_OPAQUE``: a strip route refuses)."""
    inner: Any = s
    for _ in range(MAX_STRING_LAYERS):
        if not (isinstance(inner, str) and len(inner) >= 2 and inner[0] == '"' and inner[-1] == '"'):
            break
        try:
            inner = orjson.loads(inner)
        except orjson.JSONDecodeError:
            return None
        if isinstance(inner, str):
            inner = inner.strip()
    else:
        if isinstance(inner, str) and inner[:1] == '"' and inner[-1:] == '"':
            try:
                deeper = orjson.loads(inner)
            except orjson.JSONDecodeError:
                deeper = None
            if isinstance(deeper, str):
                raise UnparseableInputError(
                    f"a value holds JSON encoded as a string more than {MAX_STRING_LAYERS} times over; it cannot be "
                    "read, so it is refused")
    if not isinstance(inner, str) or inner == s:
        return None
    got = decode_embedded(inner)
    if got is None:
        return None
    return (EMBED_JSON_STRING if got[0] == EMBED_JSON else EMBED_OPAQUE, got[1])


def string_layers(s: str) -> int:
    """How many times a JSON document was encoded as a JSON string in ``s``."""
    n, inner = 0, s.strip()
    while n <= MAX_STRING_LAYERS and len(inner) >= 2 and inner[0] == '"' and inner[-1] == '"':
        try:
            got = orjson.loads(inner)
        except orjson.JSONDecodeError:
            break
        if not isinstance(got, str):
            break
        n, inner = n + 1, got.strip()
    return n


def query_fields(q: str) -> dict[str, Any] | None:
    """An urlencoded query as the app's parser reads it (a name without ``=`` is an empty field; a
    repeated name is a list); None when a name is not a field name."""
    out: dict[str, Any] = {}
    for seg in q.split("&"):
        if not seg:
            continue
        k, _, v = seg.partition("=")
        if not _QUERY_KEY.match(k):
            return None
        try:
            key = unquote_to_bytes(k.replace("+", " ")).decode("utf-8")
        except UnicodeDecodeError:
            return None
        val = unquote_to_bytes(v.replace("+", " ")).decode("utf-8", "replace")
        if key in out:
            prev = out[key]
            out[key] = prev + [val] if isinstance(prev, list) else [prev, val]
        else:
            out[key] = val
    return out or None


def _decode_other(s: str) -> tuple[str, Any] | None:
    """Encodings an app can decode in one call: a ``data:`` URI, hex of JSON, a percent-encoded
    JSON or query string. Read (``EMBED_OPAQUE``); never re-encoded, so a strip route refuses."""
    from urllib.parse import unquote

    inner: str | None = None
    if s[:5].lower() == "data:" and "," in s:
        head, _, payload = s[5:].partition(",")
        if ";base64" in head.lower():
            got = decode_embedded(payload)
            return (EMBED_OPAQUE, got[1]) if got is not None else None
        inner = unquote(payload)
    elif len(s) >= 8 and _HEX_JSON.match(s):
        try:
            inner = bytes.fromhex(s).decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            return None
    elif "%" in s and "&" not in s and " " not in s:
        dec = unquote(s)
        if dec != s and (dec[:1] in "{[" or "=" in dec):
            inner = dec
    if inner is None or inner == s:
        return None
    got = decode_embedded(inner)
    return (EMBED_OPAQUE, got[1]) if got is not None else None


def _inflate(raw: bytes) -> bytes | None:
    import zlib

    d = zlib.decompressobj(wbits=47)  # gzip or zlib header
    try:
        out = d.decompress(raw, MAX_EMBED_BYTES + 1)
    except zlib.error:
        return None
    if len(out) > MAX_EMBED_BYTES or d.unconsumed_tail:
        return None
    return out


class _Builder:
    def __init__(self) -> None:
        self.stats = ViewStats()

    def leaf(self, value: Any, loc: Loc, path: str, key_path: str, origin: str, depth: int) -> Any:
        self.stats.leaves += 1
        if self.stats.leaves > MAX_VIEW_LEAVES:
            raise LimitExceededError("number of submitted values", MAX_VIEW_LEAVES)
        if isinstance(value, str) and depth < MAX_EMBED_DEPTH * 8:
            emb = decode_embedded(value)
            if emb is not None and sum(1 for p in loc if isinstance(p, str) and p in MARKERS) >= MAX_EMBED_DEPTH:
                # past the bound: it cannot be read, so it is not let through unread (fail closed)
                raise UnparseableInputError(
                    f"a value holds encoded content nested more than {MAX_EMBED_DEPTH} levels deep")
            if emb is not None:
                marker, doc = emb
                self.stats.embedded += 1
                self.stats.kinds.add(marker)
                if marker in (EMBED_FORM, EMBED_QUERY):
                    return self.form(doc, loc + (marker,), path, key_path, origin="embedded", depth=depth + 1)
                return self.json(doc, loc + (marker,), path, key_path, origin="embedded", depth=depth + 1)
        if isinstance(value, list) and value and any(isinstance(v, str) and v[:1] in "{[\"" for v in value):
            # a repeated form field whose values hold JSON: each value is read on its own
            lst = _vlist(loc, path)
            for i, v in enumerate(value):
                lst.append(self.leaf(v, loc + (i,), path, key_path, origin, depth + 1))
            return lst
        return Leaf(value, loc, path, key_path, origin)

    def json(self, node: Any, loc: Loc, path: str, key_path: str, origin: str = "field", depth: int = 0) -> Any:
        if depth > MAX_VIEW_DEPTH:
            raise LimitExceededError("document depth", MAX_VIEW_DEPTH)
        if isinstance(node, Mapping):
            text = localized_text(node)
            if text is not None:  # one text in several languages: one leaf (changed as a whole)
                self.stats.leaves += 1
                return Leaf(text, loc, path, key_path, origin, editable=False, texts=tuple(text.split(" / ")))
            d = _vdict(loc, path)
            for k, v in node.items():
                ks = str(k)
                d[ks] = self.json(v, loc + (k,), _join(path, ks), _join_keys(key_path, ks), origin, depth + 1)
            return d
        if isinstance(node, (list, tuple)):
            if node and all(not isinstance(x, (Mapping, list, tuple)) for x in node) and path:
                return self.leaf(list(node), loc, path, key_path, origin, depth)
            lst = _vlist(loc, path)
            for i, v in enumerate(node):
                lst.append(self.json(v, loc + (i,), _join(path, i), key_path, origin, depth + 1))
            return lst
        return self.leaf(node, loc, path, key_path, origin, depth)

    def form(self, fields: Mapping[str, Any], loc: Loc, path: str, key_path: str, origin: str = "field",
             depth: int = 0) -> VDict:
        """Flat form fields; bracketed names nested (``a[0][b]`` under a -> 0 -> b)."""
        root = _vdict(loc or None, path)
        for name, value in fields.items():
            full = _join(path, name) if path else name
            kp = _join_keys(key_path, name) if key_path else name
            leaf = self.leaf(value, loc + (name,), full, kp, origin, depth + 1)
            m = _BRACKET_KEY.match(name)
            if m is None:
                root[name] = leaf
                continue
            segs = [m.group(1)] + _SEGMENT.findall(m.group(2))
            node: Any = root
            for seg in segs[:-1]:
                nxt = node.get(seg) if isinstance(node, dict) else None
                if not isinstance(nxt, VDict):
                    nxt = _vdict(None, "")
                    if seg in node and not isinstance(node[seg], VDict):  # "a" and "a[b]" both sent
                        node[f"{seg}\x00"] = node[seg]
                    node[seg] = nxt
                node = nxt
            last = segs[-1]
            if last in node:
                last = f"{last}\x00{len(node)}"  # "a[]" repeated: keep every value
            node[last] = leaf
        return root


def build_view(doc: Any, kind: str) -> tuple[Any, ViewStats]:
    """The view of a parsed submission. ``kind``: ``json`` (a JSON document) or ``form`` (a flat
    mapping of field names to a value or a list of values)."""
    b = _Builder()
    if kind == "form":
        view = b.form(doc, (), "", "")
    else:
        view = b.json(doc, (), "", "")
    return view, b.stats


# -- layout containers -------------------------------------------------------------------------------
# Builders nest answers in layout containers the person never reads as a question (Form.io
# ``panel``/``fieldset``/``columns``, SurveyJS panels and pages, wizard steps, tabs): ``data.panel.
# citizen``, ``panel1[citizenship]``. Their names are transparent when a field's name is read, so
# "panel" + "citizenship" is not mistaken for a citizens' panel. A webhook's envelope (``event``,
# ``payload``, ``form_response``) is as transparent: ``event.immigrationStatus`` is not an event.
_LAYOUT = re.compile(r"^(?:panel|page|section|group|step|fieldset|field_set|container|row|column|col|tab|"
                     r"panels|pages|sections|groups|steps|fieldsets|containers|rows|columns|cols|tabs|"
                     r"wizard|well|card|block|wrapper|"
                     # webhook envelopes: what carries the submission, not a question
                     r"event|payload|body|record|submission|form_?response|request|message|detail|object)"
                     r"(?:[\s_-]?\d+)?$", re.IGNORECASE)
_NAME_PARTS = re.compile(r"\.|(?=\[)")


def is_layout(segment: str) -> bool:
    return bool(_LAYOUT.match(segment.strip("[]")))


@lru_cache(maxsize=16384)
def name_read(key_path: str) -> str:
    """A field's name as classification reads it: layout containers (``panel1``, ``section_2``,
    ``page``) dropped, the field's own last name always kept."""
    if not key_path or "." not in key_path and "[" not in key_path:
        return key_path
    parts = [p for p in _NAME_PARTS.split(key_path) if p]
    if len(parts) < 2:
        return key_path
    kept = [p for p in parts[:-1] if not is_layout(p)] + [parts[-1]]
    if len(kept) == len(parts):
        return key_path
    out = ""
    for p in kept:
        if p.startswith("["):
            out += p if out else p.strip("[]")
        else:
            out = f"{out}.{p}" if out else p
    return out


def walk(view: Any) -> Iterator[Leaf]:
    """Every leaf of a view, in document order."""
    stack = [view]
    while stack:
        node = stack.pop()
        if isinstance(node, Leaf):
            yield node
        elif isinstance(node, dict):
            stack.extend(reversed(list(node.values())))
        elif isinstance(node, list):
            stack.extend(reversed(node))


def leaves_under(node: Any) -> list[Leaf]:
    return list(walk(node))
