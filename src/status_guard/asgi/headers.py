"""Response headers are output too (``Location``, ``Set-Cookie``, ``Content-Disposition``,
``Link``, custom headers), and cache headers decide who else may receive a response.

``check_headers`` — for a requester whose disclosures the policy limits:

* protocol headers (``Content-Type``, ``Date``, ``Cache-Control`` …) pass: their values are
  protocol data, not records; tracing headers (``X-Request-ID``, ``tracestate`` …) pass to a
  default-deny requester only when opaque (hex, a UUID, a W3C ``traceparent``);
* for a default-deny requester every URL part (path segment, query name and value, fragment,
  host label before the domain — percent-decoded until stable) and cookie value must be a route
  word, a number, an identifier or hex (``_plain``): a name, a place, capitals or several words
  are replaced (``/people/REDACTED``) — undeclared data, 040(e);
* URL headers (``Location``, ``Content-Location``, ``Link``, ``Refresh``): every query parameter
  (name and value), path segment and fragment is checked; a protected one is replaced by
  ``REDACTED`` and the URL kept working otherwise;
* ``Set-Cookie``: a cookie whose name or value is protected is not set;
* ``Content-Disposition``: a protected file name becomes ``download`` (its extension kept) — for
  a default-deny requester every file name is (it often names the person);
* any other header: removed for a default-deny requester (040(e): what is not declared is not
  sent) unless the route lists it in ``passthrough_response_headers``; for others, removed when its
  name or value is protected.

"Protected" is decided by the policy like any field: a part is an item whose categories come from
its name and its value; for a default-deny requester a value with a date / address / phone /
number shape is withheld as well.

``private_cache`` — a response whose content depends on who asks carries ``Cache-Control:
private`` and ``Vary: Authorization, Cookie``, so a shared cache cannot serve one requester's copy
to another.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from ..disclose.audience import WITHHELD, Audience
from ..disclose.values import slug_shapes
from ..model import Decision, Item

Header = tuple[bytes, bytes]

PROTOCOL_HEADERS = frozenset({
    b"content-type", b"content-length", b"content-encoding", b"transfer-encoding", b"date", b"server",
    b"cache-control", b"vary", b"etag", b"last-modified", b"expires", b"age", b"pragma", b"accept-ranges",
    b"content-range", b"connection", b"keep-alive", b"strict-transport-security", b"x-content-type-options",
    b"x-frame-options", b"x-xss-protection", b"content-security-policy", b"content-security-policy-report-only",
    b"referrer-policy", b"permissions-policy", b"cross-origin-opener-policy", b"cross-origin-embedder-policy",
    b"cross-origin-resource-policy", b"access-control-allow-origin", b"access-control-allow-credentials",
    b"access-control-allow-methods", b"access-control-allow-headers", b"access-control-expose-headers",
    b"access-control-max-age", b"retry-after", b"www-authenticate", b"allow", b"content-language", b"alt-svc",
    b"timing-allow-origin", b"upgrade",
    b"trailer", b"via", b"nel", b"report-to", b"reporting-endpoints", b"x-permitted-cross-domain-policies",
    b"origin-agent-cluster", b"x-dns-prefetch-control", b"x-download-options", b"content-digest", b"repr-digest",
})
URL_HEADERS = frozenset({b"location", b"content-location", b"link", b"refresh"})
#: tracing headers: protocol data when opaque (a UUID, hex, a random token); an app may put anything
#: in them (``X-Request-ID: Jean-Baptiste-48-Example-Ave``), so for a default-deny requester they
#: pass only when hex / a UUID / a W3C traceparent (r10b F10); ``tracestate`` is vendor text: dropped
TRACE_HEADERS = frozenset({b"x-request-id", b"x-correlation-id", b"traceparent", b"tracestate", b"request-id",
                           b"x-trace-id", b"x-amzn-trace-id", b"x-b3-traceid", b"x-b3-spanid"})
_OPAQUE = re.compile(r"[0-9A-Fa-f]{8,}(?:-[0-9A-Fa-f]{2,})*|Root=[0-9a-f-]{8,}(?:;(?:Parent|Sampled)=[0-9a-f]+)*")
#: what a URL part / cookie value may be for a default-deny requester: a route word, a number, an
#: identifier (``B-1``, ``A123``), hex / a UUID, a file name. A name (``jean-baptiste``), a place
#: (``Middlesex-HOC``), anything written with capitals or several words is undeclared data.
_PLAIN = re.compile(r"[a-z]{1,32}|\d{1,20}|[0-9A-Fa-f]{8,}(?:-[0-9A-Fa-f]{2,})*|[A-Za-z]{1,4}[-_]?\d{1,12}"
                    r"|[a-z]{1,32}\.[a-z0-9]{1,5}|[a-z]{1,4}\d{1,3}")


def _plain(value: str) -> bool:
    return not value.strip() or bool(_PLAIN.fullmatch(value.strip()))


def _unquote_all(value: str) -> str:
    """Percent-decoding until stable (``%2520`` is a double-encoded space), at most 4 times."""
    for _ in range(4):
        nxt = unquote(value)
        if nxt == value:
            break
        value = nxt
    return value
REDACTED = "REDACTED"


@dataclass
class _Part:
    header: int  # index into the header list
    name: str  # what classifies it (a parameter or cookie name, the header name)
    value: str
    path: str  # value-free item path
    where: Any = None  # how to rewrite it
    opaque: bool = False  # a token (a session cookie): its shape says nothing, only its name does
    deny: bool = False  # a default-deny audience never receives it undeclared (a file name)
    plain: bool = False  # a default-deny audience receives it only when ``_plain`` (a URL part)


def check_headers(headers: Sequence[Header], audience: Audience, classifier: Any,
                  decide: Callable[[list[Item]], Decision], passthrough: Sequence[str] = ()) -> tuple[list[Header], Decision | None]:
    """The headers this audience may receive, and the decision behind any change (None: no part
    needed deciding)."""
    out = list(headers)
    parts: list[_Part] = []
    drop: set[int] = set()
    allowed = {h.encode("latin-1") for h in passthrough}
    for i, (k, v) in enumerate(out):
        name = k.lower()
        if name in PROTOCOL_HEADERS or name in allowed:
            continue
        if name in TRACE_HEADERS:
            if audience.default_deny and not _OPAQUE.fullmatch(v.decode("latin-1").strip()):
                drop.add(i)
            continue
        text = v.decode("latin-1")
        hname = name.decode("latin-1")
        if name == b"link":
            parts.extend(_link_parts(i, text))
        elif name in URL_HEADERS:
            parts.extend(_url_parts(i, hname, text))
        elif name == b"set-cookie":
            parts.extend(_cookie_parts(i, text))
        elif name == b"content-disposition":
            for m in re.finditer(r"filename\*?\s*=\s*(?:\"([^\"]*)\"|([^;]*))", text, re.IGNORECASE):
                fn = m.group(1) if m.group(1) is not None else m.group(2)
                fn = unquote(fn.split("''", 1)[-1]) if "''" in fn else fn
                parts.append(_Part(i, "file name", fn, "headers.content-disposition.filename", deny=True))
        elif audience.default_deny:
            drop.add(i)  # an undeclared custom header: not sent (040(e) default-deny)
        else:
            parts.append(_Part(i, hname, text, f"headers.{_safe_name(hname)}"))
    items: list[tuple[_Part, Item]] = []
    for p in parts:
        it = _item(p, audience, classifier)
        if it is not None:
            items.append((p, it))
    decision = None
    if drop and not items:
        decision = decide([Item(f"headers.{_safe_name(out[i][0].decode('latin-1').lower())}", frozenset(),
                                ("a custom header carries undeclared data",), carve_out=False) for i in sorted(drop)])
    if items:
        extra = [Item(f"headers.{_safe_name(out[i][0].decode('latin-1').lower())}", frozenset(),
                      ("a custom header carries undeclared data",), carve_out=False) for i in sorted(drop)]
        decision = decide([it for _, it in items] + extra)
        withheld = [p for (p, _), f in zip(items, decision.fields) if f.effect in WITHHELD]
        by_header: dict[int, list[_Part]] = {}
        for p in withheld:
            by_header.setdefault(p.header, []).append(p)
        for i, ps in by_header.items():
            k, v = out[i]
            name = k.lower()
            if name == b"link":
                out[i] = (k, _rewrite_link(v.decode("latin-1"), ps).encode("latin-1"))
                if not out[i][1].strip():
                    drop.add(i)
            elif name in URL_HEADERS:
                out[i] = (k, _rewrite_url_header(v.decode("latin-1"), ps).encode("latin-1"))
            elif name == b"content-disposition":
                out[i] = (k, _safe_disposition(v.decode("latin-1")).encode("latin-1"))
            else:
                drop.add(i)
    return [h for i, h in enumerate(out) if i not in drop], decision


def _item(p: _Part, audience: Audience, classifier: Any) -> Item | None:
    cats = set(classifier.classify(p.name).categories) if p.name else set()
    vals = classifier.classify_value(p.value).categories if p.value else frozenset()
    cats |= vals
    # a value in a URL, a file name or a cookie keeps its shape with its spaces turned into
    # separators ("77-Elm-St", "release_2026-11-29"): read both ways
    shapes = slug_shapes(p.value) if p.value and not p.opaque else frozenset()
    if audience.default_deny:
        if p.plain and not shapes and not _plain(p.value):
            return Item(p.path, frozenset(cats), ("not a route word or an identifier: undeclared data",),
                        carve_out=False)
        if not cats and not shapes and not p.deny:
            return None
        # a status value in a URL is not a field under a status key: never carved out
        return Item(p.path, frozenset(cats), tuple(f"{s} shape" for s in sorted(shapes)) or ("classified",),
                    carve_out=False)
    if cats & audience.hidden:
        return Item(p.path, frozenset(cats), ("classified",), carve_out=False)
    return None


def _safe_name(h: str) -> str:
    return re.sub(r"[^a-z0-9-]", "_", h)[:60] or "_"


def _url_parts(i: int, hname: str, text: str) -> list[_Part]:
    out: list[_Part] = []
    for url in _urls(hname, text):
        out.extend(_one_url_parts(i, hname, url))
    return out


def _one_url_parts(i: int, hname: str, url: str) -> list[_Part]:
    """Every part of one URL that can carry a value: path segments (a ``;`` matrix parameter
    included), query names and values, the fragment, userinfo."""
    try:
        u = urlsplit(url)
    except ValueError:
        return [_Part(i, hname, url, f"headers.{hname}.url", ("whole", url))]
    out: list[_Part] = []
    unq = _unquote_all
    for j, seg in enumerate(u.path.split("/")):
        if seg:
            out.append(_Part(i, "", unq(seg), f"headers.{hname}.path", ("seg", url, j), plain=True))
    for j, pair in enumerate(u.query.split("&")):
        if not pair:
            continue
        k, _, v = pair.partition("=")
        out.append(_Part(i, unq(k.replace("+", " ")), unq(v.replace("+", " ")),
                         f"headers.{hname}.query.value", ("qv", url, j), plain=True))
        out.append(_Part(i, "", unq(k.replace("+", " ")), f"headers.{hname}.query.name", ("qk", url, j), plain=True))
    if u.fragment:
        out.append(_Part(i, "", unq(u.fragment), f"headers.{hname}.fragment", ("frag", url), plain=True))
    host = (u.hostname or "").rstrip(".")
    labels = host.split(".")[:-2] if not re.fullmatch(r"[\d.]+|\[.*\]", host) else []
    for label in labels:  # "48-example-ave.example.com": a host name can carry a value too
        if label:
            out.append(_Part(i, "", label, f"headers.{hname}.host", ("whole", url), plain=True))
    if u.username or u.password:  # userinfo: never protocol data, always checked
        out.append(_Part(i, "user", unquote(f"{u.username or ''} {u.password or ''}"), f"headers.{hname}.userinfo",
                         ("user", url), deny=True))
    return out


#: Link parameters that are protocol words, not values
_LINK_PROTOCOL_PARAMS = frozenset({"rel", "rev", "type", "as", "crossorigin", "hreflang", "media", "integrity",
                                   "referrerpolicy", "fetchpriority", "blocking", "imagesizes", "nopush"})
_LINK_ENTRY = re.compile(r"<([^>]*)>((?:\s*;\s*[^;,=\s]+(?:\s*=\s*(?:\"(?:[^\"\\\\]|\\\\.)*\"|[^;,]*))?)*)")
_LINK_PARAM = re.compile(r";\s*([^;,=\s]+)(?:\s*=\s*(\"(?:[^\"\\\\]|\\\\.)*\"|[^;,]*))?")


def _link_parts(i: int, text: str) -> list[_Part]:
    """Each Link entry's URL (path, query, fragment) and every parameter that is not a protocol
    word: ``title`` / ``title*`` (RFC 8187: ``UTF-8''77%20Elm%20St``), ``anchor`` (a URL), and any
    extension parameter. A withheld parameter takes its whole entry out of the header."""
    out: list[_Part] = []
    for n, m in enumerate(_LINK_ENTRY.finditer(text)):
        for p in _one_url_parts(i, "link", m.group(1)):
            p.where = ("entry", n, p.where)
            out.append(p)
        for pm in _LINK_PARAM.finditer(m.group(2)):
            pname = pm.group(1).lower()
            raw = (pm.group(2) or "").strip()
            if pname in _LINK_PROTOCOL_PARAMS and not slug_shapes(raw):
                continue
            value = raw[1:-1].replace('\\"', '"') if raw.startswith('"') else raw
            if pname.endswith("*") and "''" in value:
                value = value.split("''", 1)[1]
            value = unquote(value)
            if pname == "anchor":
                for p in _one_url_parts(i, "link", value):
                    p.where = ("entry", n, ("whole", ""))
                    out.append(p)
                continue
            out.append(_Part(i, pname.rstrip("*"), value, "headers.link.param", ("entry", n, ("whole", "")),
                             deny=pname not in _LINK_PROTOCOL_PARAMS))
    return out


def _rewrite_link(text: str, parts: Sequence[_Part]) -> str:
    """Entries with a withheld parameter are removed; withheld URL parts become ``REDACTED``."""
    gone = {p.where[1] for p in parts if p.where[2][0] == "whole"}
    by_entry: dict[int, list[Any]] = {}
    for p in parts:
        if p.where[1] not in gone:
            by_entry.setdefault(p.where[1], []).append(p.where[2])
    kept: list[str] = []
    for n, m in enumerate(_LINK_ENTRY.finditer(text)):
        if n in gone:
            continue
        entry = m.group(0)
        if n in by_entry:
            entry = "<" + _rewrite_url(m.group(1), by_entry[n]) + ">" + m.group(2)
        kept.append(entry.strip())
    return ", ".join(kept)


#: Set-Cookie attributes that are protocol data (their values have no person in them)
_COOKIE_PROTOCOL_ATTRS = frozenset({"expires", "max-age", "samesite", "secure", "httponly", "partitioned",
                                    "priority", "version"})


def _cookie_parts(i: int, text: str) -> list[_Part]:
    """A cookie's name and value, its ``Path`` (a URL path: each segment) and ``Domain``, and any
    other attribute (``Comment``, extensions): undeclared data, never sent to a default-deny
    requester. A withheld part means the cookie is not set."""
    cname, _, rest = text.partition("=")
    cval, _, attrs = rest.partition(";")
    cval = unquote(cval.strip().strip('"'))
    opaque = bool(re.fullmatch(r"[A-Za-z0-9_\-.=+/~!$*]{20,}", cval))
    out = [_Part(i, cname.strip(), cval, f"headers.set-cookie[{i}].value", opaque=opaque, plain=not opaque),
           _Part(i, "cookie", cname.strip(), f"headers.set-cookie[{i}].name")]
    for attr in attrs.split(";"):
        aname, _, aval = attr.partition("=")
        aname, aval = aname.strip().lower(), unquote(aval.strip().strip('"'))
        if not aname or aname in _COOKIE_PROTOCOL_ATTRS:
            continue
        if aname == "path":
            for seg in aval.split("/"):
                if seg:
                    out.append(_Part(i, "", seg, f"headers.set-cookie[{i}].path"))
        elif aname == "domain":
            out.append(_Part(i, "", aval, f"headers.set-cookie[{i}].domain"))
        else:
            out.append(_Part(i, aname, aval, f"headers.set-cookie[{i}].attribute", deny=True))
    return out


def _urls(hname: str, text: str) -> list[str]:
    if hname == "link":
        return re.findall(r"<([^>]*)>", text)
    if hname == "refresh":
        m = re.search(r"url\s*=\s*['\"]?([^'\"]+)", text, re.IGNORECASE)
        return [m.group(1).strip()] if m else []
    return [text.strip()]


def _rewrite_url_header(text: str, parts: Sequence[_Part]) -> str:
    by_url: dict[str, list[Any]] = {}
    for p in parts:
        by_url.setdefault(p.where[1], []).append(p.where)
    for url, wheres in by_url.items():
        text = text.replace(url, _rewrite_url(url, wheres), 1)
    return text


def _rewrite_url(url: str, wheres: Sequence[Any]) -> str:
    if any(w[0] == "whole" for w in wheres):
        return REDACTED
    u = urlsplit(url)
    segs = u.path.split("/")
    pairs = u.query.split("&") if u.query else []
    fragment = u.fragment
    netloc = u.netloc
    for w in wheres:
        kind = w[0]
        if kind == "seg":
            segs[w[2]] = REDACTED
        elif kind in ("qv", "qk"):
            k, eq, v = pairs[w[2]].partition("=")
            pairs[w[2]] = f"{REDACTED if kind == 'qk' else k}{eq}{REDACTED if kind == 'qv' and eq else v}"
        elif kind == "frag":
            fragment = REDACTED
        elif kind == "user":
            netloc = netloc.rsplit("@", 1)[-1]
    return urlunsplit((u.scheme, netloc, "/".join(segs), "&".join(pairs), fragment))


def _safe_disposition(text: str) -> str:
    m = re.search(r"filename\*?\s*=\s*(?:\"([^\"]*)\"|([^;]*))", text, re.IGNORECASE)
    ext = ""
    if m:
        fn = (m.group(1) if m.group(1) is not None else m.group(2)) or ""
        e = fn.rsplit(".", 1)[-1] if "." in fn else ""
        ext = f".{e}" if re.fullmatch(r"[A-Za-z0-9]{1,5}", e) else ""
    kind = text.split(";", 1)[0].strip() or "attachment"
    return f'{kind}; filename="download{ext}"'


#: Headers that direct shared caches only, and beat ``Cache-Control`` there: RFC 9213
#: ``CDN-Cache-Control``, Cloudflare's, Fastly / Akamai / Varnish ``Surrogate-Control``, Akamai
#: ``Edge-Control``, nginx ``X-Accel-Expires`` (which overrides ``Cache-Control: private`` in
#: ``proxy_cache``). On a response that depends on the requester they are removed, so every cache
#: obeys ``Cache-Control: private`` (which a shared cache may not store).
SHARED_CACHE_HEADERS = frozenset({b"cdn-cache-control", b"cloudflare-cdn-cache-control", b"surrogate-control",
                                  b"edge-control", b"x-accel-expires", b"fastly-surrogate-control",
                                  b"akamai-cache-control", b"x-cache-control"})
#: Headers that make the front server send *other* bytes than the body the guard checked (a file
#: or an internal location): for a requester whose disclosures are limited, refused.
SERVER_BODY_HEADERS = frozenset({b"x-accel-redirect", b"x-sendfile", b"x-lighttpd-send-file",
                                 b"x-litespeed-location", b"x-sendfile-temporary"})


_PRIVATE_MEMO: dict[tuple[tuple[Header, ...], bool], tuple[Header, ...]] = {}
_PRIVATE_MEMO_MAX = 1024
_PRIVATE_MEMO_ENTRY_BYTES = 2048


def private_cache(headers: Sequence[Header], *, no_store: bool) -> list[Header]:
    """:func:`private_cache_of`, remembered per (headers, no_store) — a pure function of the two
    (most responses of a route carry the same few headers); a new list every call."""
    try:
        key = (tuple(headers), no_store)
        hit = _PRIVATE_MEMO.get(key)
    except TypeError:  # a header given as a list: not hashable
        return private_cache_of(headers, no_store=no_store)
    if hit is None:
        hit = tuple(private_cache_of(headers, no_store=no_store))
        if sum(len(k) + len(v) for k, v in key[0]) > _PRIVATE_MEMO_ENTRY_BYTES:
            return list(hit)  # large header lists are not kept (bounded memory)
        if len(_PRIVATE_MEMO) >= _PRIVATE_MEMO_MAX:
            _PRIVATE_MEMO.clear()
        _PRIVATE_MEMO[key] = hit
    return list(hit)


def private_cache_of(headers: Sequence[Header], *, no_store: bool) -> list[Header]:
    """``Cache-Control: private`` (``private, no-store`` for a redacted copy) and ``Vary:
    Authorization, Cookie`` added to headers; a ``public`` / ``s-maxage`` directive is removed, and
    so is every header that directs shared caches only (``SHARED_CACHE_HEADERS``): no shared cache
    may store a response whose content depends on who asked."""
    cc: list[str] = []
    vary: list[str] = []
    out: list[Header] = []
    for k, v in headers:
        name = k.lower()
        if name in SHARED_CACHE_HEADERS:
            continue
        if name == b"cache-control":
            cc.extend(d.strip() for d in v.decode("latin-1").split(",") if d.strip())
        elif name == b"vary":
            vary.extend(d.strip() for d in v.decode("latin-1").split(",") if d.strip())
        else:
            out.append((k, v))
    keep = [d for d in cc if d.split("=", 1)[0].strip().lower() not in ("public", "private", "s-maxage", "no-store",
                                                                         "proxy-revalidate")]
    directives = ["private"] + (["no-store"] if no_store or any(d.lower() == "no-store" for d in cc) else []) + keep
    out.append((b"cache-control", ", ".join(directives).encode("latin-1")))
    if "*" not in vary:
        lower = {x.lower() for x in vary}
        vary += [h for h in ("Authorization", "Cookie") if h.lower() not in lower]
    out.append((b"vary", ", ".join(vary).encode("latin-1")))
    return out


__all__ = ["PROTOCOL_HEADERS", "SERVER_BODY_HEADERS", "SHARED_CACHE_HEADERS", "URL_HEADERS", "check_headers",
           "TRACE_HEADERS", "private_cache"]
