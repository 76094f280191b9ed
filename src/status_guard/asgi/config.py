"""Configuration of the ASGI middleware: limits, per-route settings and the trusted proxy.

Everything here is a frozen dataclass built once at start-up; nothing is shared or mutated
between requests."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from ..errors import PolicyError
from ..model import Claim

FormMode = Literal["remove", "disable"]
RestrictedHtml = Literal["auto", "tables", "refuse"]

# Content types that never carry a record and pass to any requester unchanged.
DEFAULT_PASSTHROUGH_TYPES: tuple[str, ...] = (
    "image/*",
    "font/*",
    "audio/*",
    "video/*",
    "text/css",
    "text/javascript",
    "application/javascript",
    "application/wasm",
)


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

    def __post_init__(self) -> None:
        for name, value in self.__dict__.items():
            if not isinstance(value, int) or value <= 0:
                raise PolicyError(f"limit {name} must be a positive integer")


@dataclass(frozen=True)
class TrustedProxy:
    """A proxy in front of the app that authenticates requesters itself and says who they are in a
    header. The header is believed only on connections from ``clients`` (peer IP addresses);
    from anyone else it is ignored, so a client cannot simply claim to be a local officer."""

    clients: frozenset[str]
    header: str = "x-status-guard-requester"
    agency_header: str | None = "x-status-guard-agency"

    def __init__(self, clients: Iterable[str], header: str = "x-status-guard-requester",
                 agency_header: str | None = "x-status-guard-agency") -> None:
        object.__setattr__(self, "clients", frozenset(clients))
        object.__setattr__(self, "header", header.lower())
        object.__setattr__(self, "agency_header", agency_header.lower() if agency_header else None)
        if not self.clients:
            raise PolicyError("TrustedProxy needs at least one client address")


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

    def __post_init__(self) -> None:
        if not self.prefix.startswith("/"):
            raise PolicyError(f"route prefix must start with '/': {self.prefix!r}")
        if self.form_mode not in ("remove", "disable"):
            raise PolicyError("form_mode must be 'remove' or 'disable'")
        if self.restricted_html not in ("auto", "tables", "refuse"):
            raise PolicyError("restricted_html must be 'auto', 'tables' or 'refuse'")
        if self.refuse_status not in (403, 422):
            raise PolicyError("refuse_status must be 403 or 422")
        for name in ("exceptions", "public_record_fields", "passthrough_request_types", "passthrough_response_types"):
            value = getattr(self, name)
            if isinstance(value, str):
                raise PolicyError(f"RouteConfig.{name} must be a sequence, not a string")
            object.__setattr__(self, name, tuple(value))
        for c in self.exceptions:
            if not isinstance(c, Claim):
                raise PolicyError("RouteConfig.exceptions must hold Claim objects (exception id + legal basis)")

    def matches(self, path: str) -> bool:
        p = self.prefix.rstrip("/")
        return path == p or path.startswith(p + "/") or p == ""

    @property
    def route_label(self) -> str:
        """The route as it appears in audit records: the configured prefix, never the raw path
        (a raw path can hold a case number or a name)."""
        return self.prefix


def match_route(routes: Sequence[RouteConfig], path: str) -> RouteConfig | None:
    best: RouteConfig | None = None
    for r in routes:
        if r.matches(path) and (best is None or len(r.prefix.rstrip("/")) > len(best.prefix.rstrip("/"))):
            best = r
    return best


def type_matches(content_type: str, patterns: Iterable[str]) -> bool:
    major = content_type.split("/", 1)[0]
    for p in patterns:
        p = p.lower()
        if p == content_type or (p.endswith("/*") and p[:-2] == major):
            return True
    return False
