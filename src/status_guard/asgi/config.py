"""Configuration of the ASGI middleware: limits, per-route settings and the trusted proxy.

Everything here is a frozen dataclass built once at start-up; nothing is shared or mutated
between requests."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ..errors import PolicyError
from ..model import Claim

FormMode = Literal["remove", "disable"]
RestrictedHtml = Literal["auto", "tables", "refuse"]

# Binary content types that pass to any requester unchanged unless a route says otherwise. Nothing
# that can carry text is here: JavaScript, CSS, SVG, XML, PDF, text/*, playlists are parsed and
# redacted or refused for restricted requesters (``carries_text``); and to a restricted requester
# a body under one of these labels passes only if its first bytes are binary too (``sniff``).
DEFAULT_PASSTHROUGH_TYPES: tuple[str, ...] = (
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "image/avif",
    "image/x-icon",
    "image/vnd.microsoft.icon",
    "font/*",
    "audio/*",
    "video/*",
    "application/wasm",
)

_TEXT_SUFFIXES = ("+xml", "+json", "+yaml")
_TEXT_TYPES = frozenset({
    "application/json", "application/xml", "application/javascript", "application/x-javascript",
    "application/ecmascript", "application/x-ndjson", "application/ndjson", "application/jsonl",
    "application/x-jsonlines", "application/jsonlines", "application/csv", "application/xhtml+xml",
    "application/pdf", "application/rtf", "application/x-www-form-urlencoded", "application/yaml",
    "application/x-yaml", "application/graphql", "application/sql", "application/x-sh", "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/vnd.ms-excel",
    "application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet",
    "application/zip", "application/gzip", "application/x-tar", "application/octet-stream", "message/rfc822",
    "multipart/mixed", "multipart/form-data", "image/svg+xml",
    # text formats under audio / video labels: playlists (M3U/M3U8, PLS, ASX/WAX/WVX, RAM), subtitles
    "audio/mpegurl", "audio/x-mpegurl", "application/vnd.apple.mpegurl", "application/x-mpegurl",
    "video/vnd.mpegurl", "video/x-mpegurl", "audio/x-scpls", "audio/scpls", "video/x-ms-asx", "audio/x-ms-wax",
    "video/x-ms-wvx", "audio/x-pn-realaudio", "audio/vnd.rn-realaudio", "application/x-subrip", "application/smil",
})
#: words that mark a text format whatever its major type
_TEXT_WORDS = ("mpegurl", "scpls", "playlist", "subrip", "smil", "x-ms-asx", "x-ms-wax", "x-ms-wvx", "webvtt")


def carries_text(content_type: str) -> bool:
    """Whether a media type can carry a record as text (or an archive / unknown bytes that may hold
    one). Such a type never passes unchecked to a restricted requester."""
    mt = content_type.strip().lower()
    if not mt or mt == "*/*" or mt.endswith("/*") and mt.split("/", 1)[0] in ("text", "application", "message",
                                                                               "multipart", "model"):
        return True
    return (mt.startswith("text/") or mt in _TEXT_TYPES or mt.endswith(_TEXT_SUFFIXES) or "script" in mt
            or "json" in mt or "xml" in mt or "csv" in mt or any(w in mt for w in _TEXT_WORDS))


@dataclass(frozen=True)
class Limits:
    """Bounds on the work the guard does for one request. Past any of them the answer is a clear
    413 or 400, never a 500 and never a pass-through."""

    max_body_bytes: int = 1 * 1024 * 1024  # request body as received (before decoding)
    max_decoded_body_bytes: int = 4 * 1024 * 1024  # request body after Content-Encoding is undone
    max_json_depth: int = 32
    max_json_keys: int = 10_000  # object keys + array elements, summed over the document
    max_form_fields: int = 1_000  # urlencoded pairs and query-string pairs
    max_multipart_parts: int = 200
    max_multipart_header_bytes: int = 8 * 1024  # headers of one part
    max_multipart_field_bytes: int = 1 * 1024 * 1024  # one non-file part
    max_html_bytes: int = 5 * 1024 * 1024  # an HTML response the guard must rewrite
    max_response_bytes: int = 16 * 1024 * 1024  # any response the guard must buffer to redact
    max_csv_columns: int = 1_000
    # responses: the work is linear in the body (bounded by max_response_bytes) and runs off the
    # event loop, so a 3 000-student roster is processed, not refused
    max_response_depth: int = 64
    max_response_leaves: int = 2_000_000
    # bodies (requests and responses) larger than this are checked in a worker thread: free-text
    # detection costs about 3 ms per KiB, so a few concurrent 30 KiB notes would stall the loop
    offload_bytes: int = 4 * 1024
    # work that grows with what was sent, bounded before it is done (issue 15 round f): a served page's
    # form controls and how deep they sit; characters of free text one check may detect in
    max_page_controls: int = 1_000
    max_html_depth: int = 512
    # free-text detection costs ~1.5 ms per KiB of ordinary prose and up to ~8 ms per KiB of text
    # dense with dates/addresses (docs/middleware.md): 500 000 characters bound one check to about
    # 1-4 s of CPU (2 000 000 allowed ~20 s: r15b F07)
    max_text_chars: int = 500_000

    def __post_init__(self) -> None:
        for name, value in self.__dict__.items():
            if not isinstance(value, int) or value <= 0:
                raise PolicyError(f"limit {name} must be a positive integer")


@dataclass(frozen=True)
class TrustedProxy:
    """A proxy in front of the app that authenticates requesters itself and names their class in a
    header (``header``, and optionally the agency in ``agency_header``). The header is believed only
    when the connection proves it came through the proxy (see ``status_guard.asgi.identity``):

    * ``secret`` — the proxy sets ``secret_header: <secret>`` on every request it forwards
      (recommended: holds under any server proxy-header setting, and over Unix sockets); and/or
    * ``clients`` — the proxy's peer addresses or networks; believed only while the server has not
      rewritten the client address from a forwarding header (``--proxy-headers``).

    With both, both must hold. From anyone else the header is ignored: a client cannot simply
    claim to be a local officer."""

    clients: tuple[Any, ...]
    header: str
    agency_header: str | None
    secret: bytes | None
    secret_header: str

    def __init__(self, clients: Iterable[str] = (), header: str = "x-status-guard-requester",
                 agency_header: str | None = "x-status-guard-agency", *, secret: str | bytes | None = None,
                 secret_header: str = "x-status-guard-proxy-secret") -> None:
        from .identity import check_startup, coerce_secret, parse_clients

        if isinstance(clients, str):
            clients = (clients,)
        object.__setattr__(self, "clients", parse_clients(clients))
        object.__setattr__(self, "header", header.lower())
        object.__setattr__(self, "agency_header", agency_header.lower() if agency_header else None)
        object.__setattr__(self, "secret", coerce_secret(secret))
        object.__setattr__(self, "secret_header", secret_header.lower())
        if not self.clients and self.secret is None:
            raise PolicyError("TrustedProxy needs the proxy's secret (secret=...) or its address (clients=[...])")
        check_startup(self.clients, self.secret)

    def __repr__(self) -> str:  # never print the secret
        return (f"TrustedProxy(clients={[str(c) for c in self.clients]!r}, header={self.header!r}, "
                f"secret={'set' if self.secret else None})")


@dataclass(frozen=True)
class RouteConfig:
    """Settings for every path under ``prefix`` (the longest matching prefix wins).

    * ``scope`` — the policy scope of these routes (``city``, ``police``, ``schools``).
    * ``exceptions`` — declared exceptions, e.g. ``Claim("required-by-law", legal_basis="8 U.S.C.
      §1324a (Form I-9)", categories={"citizenship_status", "immigration_status"})``; using one is
      audited with its legal basis.
    * ``strip`` — remove a forbidden field and let the rest of the submission through, instead of
      refusing the whole request.
    * ``custody_access`` — visits, calls and video with people in custody (040(h)).
    * ``public_record_fields`` — fields available under the Public Records Law for these routes.
    * ``monitor`` — report-only: decide and audit, change nothing (logged loudly).
    * ``form_mode`` — outgoing HTML forms: ``remove`` forbidden questions or ``disable`` them
      with a notice.
    * ``restricted_html`` — HTML to a restricted requester: ``tables`` redacts tables only,
      ``refuse`` refuses the page, ``auto`` refuses where the policy denies by default (police)
      and redacts tables elsewhere.
    * ``language`` — the language of this route's forms (for refusal messages).
    * ``passthrough_request_types`` — request body types accepted without inspection (uploads).
    * ``passthrough_response_types`` — binary response types that pass to every requester (images,
      fonts, audio, video by default). A type that can carry text (JSON, XML, SVG, JavaScript,
      CSS, PDF, text/*) cannot be listed: it is a configuration error.
    * ``public_binary`` — the route's binary responses (the ``passthrough_response_types``) are
      public material (logos, icons, fonts) and may reach a restricted requester (federal, ICE,
      unidentified; the public in police scope) once their first bytes prove binary. Off by
      default: the guard cannot read an image or a video, and a scanned detainer or a booking
      photo can carry a release date, so such bodies are **refused** (403, audited) to a
      restricted requester — fail closed. Other requesters always receive them.
    * ``passthrough_response_headers`` — custom response headers that carry no personal data and
      may reach a default-deny requester (``x-total-count``); other custom headers are removed
      for them.
    """

    prefix: str
    scope: str
    exceptions: tuple[Claim, ...] = ()
    strip: bool = False
    custody_access: bool = False
    public_record_fields: tuple[str, ...] = ()
    monitor: bool = False
    purpose: str | None = None
    form_mode: FormMode = "remove"
    restricted_html: RestrictedHtml = "auto"
    language: str | None = None
    refuse_status: int = 422
    inspect: bool = True
    passthrough_request_types: tuple[str, ...] = ()
    passthrough_response_types: tuple[str, ...] = DEFAULT_PASSTHROUGH_TYPES
    passthrough_response_headers: tuple[str, ...] = ()
    public_binary: bool = False

    def __post_init__(self) -> None:
        if not self.prefix.startswith("/"):
            raise PolicyError(f"route prefix must start with '/': {self.prefix!r}")
        if self.form_mode not in ("remove", "disable"):
            raise PolicyError("form_mode must be 'remove' or 'disable'")
        if self.restricted_html not in ("auto", "tables", "refuse"):
            raise PolicyError("restricted_html must be 'auto', 'tables' or 'refuse'")
        if self.refuse_status not in (403, 422):
            raise PolicyError("refuse_status must be 403 or 422")
        from ..disclose.paths import declared_patterns

        # checked before tuple(): a string, None, a mapping or a number is an error naming the argument
        object.__setattr__(self, "public_record_fields", declared_patterns(
            self.public_record_fields, where=f"route {self.prefix}: public_record_fields"))
        for name in ("exceptions", "public_record_fields", "passthrough_request_types", "passthrough_response_types",
                     "passthrough_response_headers"):
            value = getattr(self, name)
            if isinstance(value, str):
                raise PolicyError(f"RouteConfig.{name} must be a sequence, not a string")
            if value is None:
                raise PolicyError(f"RouteConfig.{name} must be a sequence (use () for none), not None")
            object.__setattr__(self, name, tuple(value))
        for c in self.exceptions:
            if not isinstance(c, Claim):
                raise PolicyError("RouteConfig.exceptions must hold Claim objects (exception id + legal basis)")
        for t in self.passthrough_response_types:
            if t.lower() not in ("image/*",) and carries_text(t):
                raise PolicyError(f"route {self.prefix}: passthrough_response_types cannot list {t!r}: it can carry a "
                                  "record as text, so it is checked (or refused) for restricted requesters")
        object.__setattr__(self, "passthrough_response_headers",
                           tuple(h.lower() for h in self.passthrough_response_headers))
        from ..disclose.paths import compile_patterns

        compile_patterns(self.public_record_fields, where=f"route {self.prefix}: public_record_fields")

    def matches(self, path: str) -> bool:
        """Whether this route covers ``path``: the prefix itself, everything below it, and — for a
        route that protects (not ``monitor``, not ``inspect=False``) — the same name followed by
        punctuation: ``/custody`` covers ``/custody/visits``, ``/custody.json``,
        ``/custody-visits``, ``/custody_v2``, ``/custody;x`` but not ``/custodyship``."""
        return self.match_length(path) >= 0

    def match_length(self, path: str) -> int:
        """How specific the match is (the prefix's length), -1 when the route does not cover ``path``."""
        p = self.prefix.rstrip("/")
        if p == "" or path == p or path.startswith(p + "/"):
            return len(p)
        if self.protective and path.startswith(p) and len(path) > len(p) and path[len(p)] in SUFFIX_MARKS:
            return len(p)
        return -1

    @property
    def protective(self) -> bool:
        """A route whose settings only add protection (inspected, not monitor-only, no declared
        exceptions): its prefix may extend to suffixed names and to other spellings of a path."""
        return self.inspect and not self.monitor and not self.exceptions

    @property
    def route_label(self) -> str:
        """The route as it appears in audit records: the configured prefix, never the raw path
        (a raw path can hold a case number or a name)."""
        return self.prefix


#: what may follow a protective route's prefix and still be the same name (``/custody.json``)
SUFFIX_MARKS = frozenset(".-_;,~+@!$")


def route_path(scope: Mapping[str, Any]) -> str:
    """The path the app routes on: ``scope["path"]`` without ``root_path`` — what Starlette's router
    (``get_route_path``) and Django (``path_info``) match, under ``uvicorn --root-path``, a proxy
    prefix, or a Starlette ``Mount``. Route prefixes are written relative to the app, like its
    routes."""
    path = scope.get("path") or ""
    root = scope.get("root_path") or ""
    if not root or not path.startswith(root):
        return path
    if path == root:
        return ""
    if path[len(root)] == "/":
        return path[len(root):]
    return path


def path_spellings(scope: Mapping[str, Any]) -> tuple[str, ...]:
    """Every spelling under which a route prefix may have been written for this request: the path
    the app routes on (``route_path``) first, then the full path (with ``root_path``: a prefix
    written as the public URL, ``/api/custody`` under ``--root-path /api`` or a ``Mount``), and
    both with duplicate slashes merged and dot segments resolved (what many routers and proxies do)."""
    out: list[str] = []
    for p in (route_path(scope), scope.get("path") or ""):
        for q in (p, normalise_path(p)):
            if q not in out:
                out.append(q)
    return tuple(out)


def normalise_path(path: str) -> str:
    """``//a/./b/../c`` -> ``/a/c`` (RFC 3986 dot-segment removal after merging slashes)."""
    if not path:
        return path
    segs: list[str] = []
    for seg in re.sub(r"/{2,}", "/", path).split("/")[1:]:
        if seg == ".":
            continue
        if seg == "..":
            if segs:
                segs.pop()
            continue
        segs.append(seg)
    out = "/" + "/".join(segs)
    return out + "/" if path.endswith("/") and out != "/" and not out.endswith("/") else out


def match_route(routes: Sequence[RouteConfig], path: str | Sequence[str]) -> RouteConfig | None:
    """The route for a path — or for several spellings of one (``path_spellings``): the longest
    prefix matching any of them wins; of equally long ones, the more protective (custody access,
    inspected, not monitor). So a route can never be bypassed by how its path is spelled: a prefix
    written with the mount path / root path, or a path with ``//`` or ``/./``, still matches. Only
    the first spelling can select a route that is not ``protective``."""
    paths = (path,) if isinstance(path, str) else tuple(path)
    best: RouteConfig | None = None
    best_key: tuple[int, bool, bool, bool] | None = None
    for r in routes:
        # the first spelling is the path the app routes on; the others may only select a route
        # that adds protection (never one that switches checks off or grants an exception)
        n = max((r.match_length(p) for p in (paths if r.protective else paths[:1])), default=-1)
        if n < 0:
            continue
        key = (n, r.custody_access, r.inspect, not r.monitor)
        if best_key is None or key > best_key:
            best, best_key = r, key
    return best


def type_matches(content_type: str, patterns: Iterable[str]) -> bool:
    major = content_type.split("/", 1)[0]
    for p in patterns:
        if p.endswith("/*") and carries_text(content_type) and p.lower() != content_type:
            continue  # image/* never lets image/svg+xml through
        p = p.lower()
        if p == content_type or (p.endswith("/*") and p[:-2] == major):
            return True
    return False
