"""The gateway's one configuration file (TOML or YAML), as pydantic models.

``gateway.schema.json`` (beside this module, and printed by ``status-guard gateway schema``) is
generated from these models so editors can autocomplete and validate the file. Two passes:

1. **shape** (:func:`parse_config`): types, ranges, unknown keys — pydantic; every error names its
   key as a dotted path (``routes[2].scope``).
2. **meaning** (:func:`status_guard.gateway.check.check_config`): the values against the policy
   pack (scopes, purposes, exceptions, requester classes), files that must exist (JWKS, warrant
   list, TLS keys), routes that can never be reached, ops paths that shadow a route.
"""

from __future__ import annotations

import ipaddress
import re
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..asgi.config import DEFAULT_PASSTHROUGH_TYPES, Limits


class ConfigError(Exception):
    """A configuration that cannot mean what it says. ``problems``: ``(key, message)`` pairs."""

    def __init__(self, problems: list[tuple[str, str]], source: str = "configuration") -> None:
        self.problems = problems
        self.source = source
        super().__init__("\n".join(f"{source}: {k}: {m}" if k else f"{source}: {m}" for k, m in problems))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Seconds = Field(gt=0, le=86_400)
PREFIX_RE = r"^/[A-Za-z0-9._~!$&'()*+,=:@%/-]*$"
HEADER_RE = r"^[a-z0-9!#$%&'*+.^_`|~-]{1,64}$"


class TlsListen(_Strict):
    """TLS on the gateway's own listener. With ``client_ca``, every connection must present a client
    certificate signed by that CA (mutual TLS): the way a front proxy proves itself by the
    connection."""

    cert: str = Field(description="PEM certificate chain of the gateway")
    key: str = Field(description="PEM private key of the gateway")
    client_ca: str | None = Field(None, description="PEM CA bundle; when set, client certificates are required")


class Listen(_Strict):
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    workers: int = Field(1, ge=1, le=64, description="uvicorn worker processes (`--workers` overrides)")
    backlog: int = Field(2048, ge=16, le=65535)
    limit_concurrency: int | None = Field(None, ge=1, description="connections+tasks before 503 (uvicorn)")
    graceful_shutdown_seconds: float = Field(30, gt=0, le=3600,
                                             description="in-flight requests get this long after SIGTERM")
    keepalive_seconds: float = Field(5, gt=0, le=3600)
    tls: TlsListen | None = None


class Upstream(_Strict):
    """The app behind the gateway."""

    url: str = Field(description="base URL of the app, e.g. http://127.0.0.1:8080 (a path prefix is kept)")
    connect_timeout: float = Field(5, gt=0, le=600)
    response_timeout: float = Field(60, gt=0, le=3600, description="until the upstream's response headers")
    read_timeout: float = Field(60, gt=0, le=3600, description="between two reads of the upstream body")
    max_response_bytes: int = Field(1 << 30, gt=0, description="an upstream body past this is cut off (502 if known early)")
    max_connections: int = Field(100, ge=1, le=10_000)
    host_header: Literal["upstream", "client"] = Field(
        "upstream", description="Host sent upstream: the upstream URL's (default: a client cannot pick another "
        "site the upstream serves) or the client's (the client's is always in X-Forwarded-Host)")
    forwarded: Literal["replace", "append", "off"] = Field(
        "replace", description="X-Forwarded-For/-Proto/-Host: replace what the client sent, append to it, or send none")
    rewrite_location: bool = Field(True, description="rewrite redirects that point at the upstream's own origin")
    ca_file: str | None = Field(None, description="CA bundle to verify an https upstream")
    verify_tls: bool = True
    request_id_header: str | None = Field("x-request-id", pattern=HEADER_RE,
                                          description="send the guard's request id upstream under this header")
    requester_header: str | None = Field(
        None, pattern=HEADER_RE,
        description="send the resolved requester class upstream under this header (the client's copy is always removed)")

    @field_validator("url")
    @classmethod
    def _url(cls, v: str) -> str:
        m = re.fullmatch(r"(https?)://([^/?#\s]+)(/[^?#\s]*)?", v)
        if not m:
            raise ValueError("must be an http:// or https:// URL with no query or fragment")
        return v.rstrip("/")


class ExceptionClaim(_Strict):
    """A declared exception on a route (e.g. Form I-9 for city HR): audited with its legal basis."""

    id: str = Field(min_length=1, max_length=80, description="exception id in the policy pack")
    legal_basis: str = Field(min_length=3, max_length=200)
    categories: list[str] | None = None


class Route(_Strict):
    """Settings for every path under ``prefix`` (the longest matching prefix wins)."""

    prefix: str = Field(pattern=PREFIX_RE, max_length=300)
    scope: str
    purpose: str | None = None
    exceptions: list[ExceptionClaim] = Field(default_factory=list)
    strip: bool = False
    custody_access: bool = False
    public_record_fields: list[str] = Field(default_factory=list)
    monitor: bool = False
    form_mode: Literal["remove", "disable"] = "remove"
    restricted_html: Literal["auto", "tables", "refuse"] = "auto"
    language: str | None = None
    refuse_status: Literal[403, 422] = 422
    inspect: bool = Field(True, description="false: request bodies are not buffered or inspected (large uploads). "
                          "Identity, custody access, the query string and every response check still apply")
    passthrough_request_types: list[str] = Field(default_factory=list)
    passthrough_response_types: list[str] = Field(default_factory=lambda: list(DEFAULT_PASSTHROUGH_TYPES))
    public_binary: bool = Field(False, description="binary responses here (images, fonts, audio, video) are public "
                                "material and may reach restricted requesters; otherwise they are refused to them")
    websocket: bool = Field(False, description="proxy WebSocket upgrades on this route (the guard's refusal rules apply)")


class Policy(_Strict):
    pack: str = Field("cambridge", description="`cambridge` (built in) or a path to a policy pack YAML")
    scope: str = Field("city", description="scope of paths no route names")
    purpose: str | None = None
    public_record_fields: list[str] = Field(default_factory=list)
    text_detection: Literal["auto", "on", "off"] = "auto"
    language: str | None = None


class Paths(_Strict):
    """How request paths are matched. The gateway refuses (400) a path the upstream could read as a
    different path than the guard did (dot segments, ``//``, encoded ``/``, ``\\``, ``.``, NUL)."""

    case_insensitive: bool = Field(False, description="the upstream treats paths case-insensitively (IIS, .NET)")
    allow_semicolon: bool = Field(False, description="accept `;` in paths (Java path parameters such as ;jsessionid)")
    exclude: list[str] = Field(default_factory=list, description="prefixes whose request bodies are not inspected "
                               "(like a route with inspect = false); responses are still checked")

    @field_validator("exclude")
    @classmethod
    def _prefixes(cls, v: list[str]) -> list[str]:
        for p in v:
            if not re.fullmatch(PREFIX_RE, p):
                raise ValueError(f"`{p[:40]}` is not a path prefix starting with /")
        return v


class Audit(_Strict):
    spec: str = Field(description="jsonl:PATH | sqlite:PATH | postgresql://...[?table=NAME]")
    table: str | None = Field(None, pattern=r"^[a-z_][a-z0-9_]{0,62}$")
    hmac_key_file: str | None = None
    signing_key_file: str | None = None
    correlation_key_file: str | None = None
    fsync: Literal["always", "batch", "never"] = "batch"
    checkpoint_every: int = Field(1000, ge=1)

    @field_validator("spec")
    @classmethod
    def _spec(cls, v: str) -> str:
        scheme = v.partition(":")[0].lower()
        if scheme not in ("jsonl", "sqlite", "postgresql", "postgres"):
            raise ValueError("must be jsonl:PATH, sqlite:PATH or postgresql://... (memory: loses the log)")
        if scheme in ("jsonl", "sqlite") and not v.partition(":")[2]:
            raise ValueError(f"{scheme}: needs a path")
        return v


class ClaimRule(_Strict):
    """Map a verified token to a requester class: the first rule whose claim matches wins."""

    claim: str = Field(min_length=1, max_length=120, description="claim name; dots reach into objects (realm_access.roles)")
    equals: str | None = None
    contains: str | None = Field(None, description="the claim is a list holding this, or a string with this as a space-separated word")
    requester: str = Field(description="requester class in the policy pack (local, state, federal, ...)")
    agency: str | None = Field(None, max_length=80)
    agency_claim: str | None = Field(None, description="take the agency from this claim instead")

    @model_validator(mode="after")
    def _one_test(self) -> ClaimRule:
        if (self.equals is None) == (self.contains is None):
            raise ValueError("give exactly one of `equals` or `contains`")
        return self


ALLOWED_ALGS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA")


class Jwt(_Strict):
    """OIDC / JWT bearer tokens from the city's single sign-on, verified against its JWKS."""

    jwks_file: str | None = None
    jwks_url: str | None = Field(None, description="the city's own JWKS endpoint (https), fetched at start and refreshed")
    jwks_refresh_seconds: float = Field(300, ge=10, le=86_400)
    jwks_timeout_seconds: float = Field(5, gt=0, le=60)
    issuer: str = Field(min_length=1)
    audience: list[str] = Field(min_length=1)
    algorithms: list[Literal[ALLOWED_ALGS]] = Field(default_factory=lambda: ["RS256"], min_length=1)  # type: ignore[valid-type]
    leeway_seconds: int = Field(30, ge=0, le=600)
    required_claims: list[str] = Field(default_factory=lambda: ["exp", "iat", "sub"])
    max_token_bytes: int = Field(8192, ge=256, le=65536)
    header: str = Field("authorization", pattern=HEADER_RE, description="header carrying `Bearer <token>`")
    map: list[ClaimRule] = Field(min_length=1)
    default_requester: str = Field("unknown", description="class of a valid token that no rule maps")

    @model_validator(mode="after")
    def _one_source(self) -> Jwt:
        if (self.jwks_file is None) == (self.jwks_url is None):
            raise ValueError("give exactly one of `jwks_file` or `jwks_url`")
        if self.jwks_url is not None and not re.fullmatch(r"https://\S+|http://(127\.0\.0\.1|localhost|\[::1\])(:\d+)?/\S*",
                                                         self.jwks_url):
            raise ValueError("jwks_url must be https:// (plain http only on loopback)")
        return self


#: the broadest network that may name trusted peers (a front proxy, a metrics scraper): a
#: broader one (0.0.0.0/0, ::/0, ::ffff:0:0/96, 10.0.0.0/8 ...) would let almost any client in
MAX_V4_PREFIX = 16
MAX_V6_PREFIX = 48


def too_broad(net: ipaddress.IPv4Network | ipaddress.IPv6Network) -> bool:
    if isinstance(net, ipaddress.IPv6Network):
        mapped = ipaddress.ip_network("::ffff:0:0/96")
        if net.prefixlen >= 96 and net.subnet_of(mapped):  # IPv4-mapped: read as the IPv4 network it is
            return net.prefixlen - 96 < MAX_V4_PREFIX
        return net.prefixlen < MAX_V6_PREFIX or (net.prefixlen < 96 and net.supernet_of(mapped))
    return net.prefixlen < MAX_V4_PREFIX


class FrontProxy(_Strict):
    """A proxy in front (nginx with mTLS toward clients) that authenticates requesters itself and
    names the class in a header. The header is believed only on connections proven to come from
    it: from a peer address in ``clients`` (the TCP peer; uvicorn's proxy-header rewriting is always
    off), and — with ``mtls`` — over this listener's mutual TLS."""

    clients: list[str] = Field(min_length=1, description="addresses or networks (CIDR) of the front proxy")
    mtls: bool = Field(False, description="also require listen.tls.client_ca (the proxy's client certificate)")
    header: str = Field("x-status-guard-requester", pattern=HEADER_RE)
    agency_header: str | None = Field("x-status-guard-agency", pattern=HEADER_RE)

    @field_validator("clients")
    @classmethod
    def _networks(cls, v: list[str]) -> list[str]:
        for c in v:
            try:
                net = ipaddress.ip_network(c, strict=False)
            except ValueError:
                raise ValueError(f"`{c[:60]}` is not an IP address or network") from None
            if too_broad(net):
                raise ValueError(f"`{c[:60]}` is a catch-all (or nearly): any client in it could assert an identity. "
                                 f"Name the front proxy's own addresses (at most a /{MAX_V4_PREFIX} for IPv4, "
                                 f"a /{MAX_V6_PREFIX} for IPv6)")
        return v


class Identity(_Strict):
    jwt: Jwt | None = None
    front_proxy: FrontProxy | None = None


class Custody(_Strict):
    warrant_header: str = Field("x-judicial-warrant", pattern=HEADER_RE)
    warrants_file: str | None = Field(None, description="YAML/JSON map: reference -> 'judicial warrant' | 'court order'")


class WebSocket(_Strict):
    max_message_bytes: int = Field(1 << 20, ge=1, le=64 << 20)
    idle_timeout_seconds: float = Field(300, gt=0, le=86_400)
    open_timeout_seconds: float = Field(10, gt=0, le=600)


class Ops(_Strict):
    healthz: str = Field("/healthz", pattern=PREFIX_RE)
    readyz: str = Field("/readyz", pattern=PREFIX_RE)
    metrics: str = Field("/metrics", pattern=PREFIX_RE)
    metrics_clients: list[str] = Field(default_factory=lambda: ["127.0.0.1/32", "::1/128"],
                                       description="peer addresses allowed to read /metrics; a request relayed by a "
                                       "proxy (a front_proxy peer, or any X-Forwarded-For / Forwarded / X-Real-IP / "
                                       "Via header) never is. Others reach the app")
    ready_probe_seconds: float = Field(15, ge=1, le=3600,
                                       description="readiness writes a heartbeat when no record was written this recently")

    @field_validator("metrics_clients")
    @classmethod
    def _networks(cls, v: list[str]) -> list[str]:
        return FrontProxy._networks(v)  # type: ignore[operator]


class Logging(_Strict):
    level: Literal["debug", "info", "warning", "error"] = "info"
    format: Literal["json", "text"] = "json"
    access_log: bool = True


class LimitsModel(_Strict):
    """The guard's bounds (see docs/middleware.md); unset keys keep their defaults."""

    max_body_bytes: int | None = Field(None, gt=0)
    max_decoded_body_bytes: int | None = Field(None, gt=0)
    max_json_depth: int | None = Field(None, gt=0)
    max_json_keys: int | None = Field(None, gt=0)
    max_form_fields: int | None = Field(None, gt=0)
    max_multipart_parts: int | None = Field(None, gt=0)
    max_multipart_header_bytes: int | None = Field(None, gt=0)
    max_multipart_field_bytes: int | None = Field(None, gt=0)
    max_html_bytes: int | None = Field(None, gt=0)
    max_response_bytes: int | None = Field(None, gt=0)
    max_csv_columns: int | None = Field(None, gt=0)
    max_page_controls: int | None = Field(None, gt=0)
    max_html_depth: int | None = Field(None, gt=0)
    max_text_chars: int | None = Field(None, gt=0)

    def build(self) -> Limits:
        return Limits(**{k: v for k, v in self.model_dump().items() if v is not None})


class GatewayConfig(_Strict):
    """status_guard gateway: a guarding reverse proxy in front of any HTTP app."""

    upstream: Upstream
    audit: Audit
    listen: Listen = Field(default_factory=Listen)
    policy: Policy = Field(default_factory=Policy)
    routes: list[Route] = Field(default_factory=list)
    paths: Paths = Field(default_factory=Paths)
    limits: LimitsModel = Field(default_factory=LimitsModel)
    identity: Identity = Field(default_factory=Identity)
    custody: Custody = Field(default_factory=Custody)
    websocket: WebSocket = Field(default_factory=WebSocket)
    ops: Ops = Field(default_factory=Ops)
    logging: Logging = Field(default_factory=Logging)


def _loc(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif isinstance(part, str) and part.startswith(("function-", "literal[")):
            continue
        else:
            out += f".{part}" if out else str(part)
    return out


def load_file(path: str | Path) -> dict[str, Any]:
    """Read a TOML (``.toml``) or YAML (``.yaml``/``.yml``) file into a mapping."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([("", f"cannot be read ({type(exc).__name__})")], str(p)) from None
    if p.suffix.lower() == ".toml":
        try:
            data: Any = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError([("", f"not valid TOML: {exc}")], str(p)) from None
    elif p.suffix.lower() in (".yaml", ".yml"):
        import yaml

        try:
            data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        except yaml.YAMLError as exc:
            raise ConfigError([("", f"not valid YAML: {str(exc)[:300]}")], str(p)) from None
    else:
        raise ConfigError([("", "the file name must end in .toml, .yaml or .yml")], str(p))
    if not isinstance(data, dict):
        raise ConfigError([("", "the file must hold a mapping of sections (upstream, audit, ...)")], str(p))
    return data


def parse_config(data: dict[str, Any], source: str = "configuration") -> GatewayConfig:
    """Shape check. Raises :class:`ConfigError` naming every bad key."""
    try:
        return GatewayConfig.model_validate(data)
    except ValidationError as exc:
        problems = []
        for e in exc.errors(include_url=False, include_input=False):
            key = _loc(tuple(e.get("loc", ())))
            msg = e.get("msg", "invalid")
            if e.get("type") == "extra_forbidden":
                msg = "unknown key (check the spelling; see `status-guard gateway schema`)"
            problems.append((key, msg.removeprefix("Value error, ")))
        raise ConfigError(problems, source) from None


def resolve_paths(cfg: GatewayConfig, base: Path) -> GatewayConfig:
    """Relative file names in a configuration file are relative to the file's own directory."""

    def fix(v: str | None) -> str | None:
        if v is None or v.startswith(("/", "~")):
            return v
        return str((base / v).resolve())

    upd: dict[str, Any] = {}
    a = cfg.audit
    scheme, _, rest = a.spec.partition(":")
    audit_upd = {k: fix(getattr(a, k)) for k in ("hmac_key_file", "signing_key_file", "correlation_key_file")}
    if scheme.lower() in ("jsonl", "sqlite"):
        audit_upd["spec"] = f"{scheme}:{fix(rest)}"
    upd["audit"] = a.model_copy(update=audit_upd)
    if cfg.policy.pack != "cambridge":
        upd["policy"] = cfg.policy.model_copy(update={"pack": fix(cfg.policy.pack)})
    if cfg.identity.jwt is not None and cfg.identity.jwt.jwks_file is not None:
        upd["identity"] = cfg.identity.model_copy(update={"jwt": cfg.identity.jwt.model_copy(
            update={"jwks_file": fix(cfg.identity.jwt.jwks_file)})})
    if cfg.custody.warrants_file is not None:
        upd["custody"] = cfg.custody.model_copy(update={"warrants_file": fix(cfg.custody.warrants_file)})
    if cfg.listen.tls is not None:
        t = cfg.listen.tls
        upd["listen"] = cfg.listen.model_copy(update={"tls": t.model_copy(update={
            "cert": fix(t.cert), "key": fix(t.key), "client_ca": fix(t.client_ca)})})
    if cfg.upstream.ca_file is not None:
        upd["upstream"] = cfg.upstream.model_copy(update={"ca_file": fix(cfg.upstream.ca_file)})
    return cfg.model_copy(update=upd)


def read_config(path: str | Path) -> GatewayConfig:
    """Read, shape-check, and resolve relative file names against the file's directory."""
    return resolve_paths(parse_config(load_file(path), str(path)), Path(path).resolve().parent)


def json_schema() -> dict[str, Any]:
    schema = GatewayConfig.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://status-guard.invalid/gateway.schema.json"
    return schema
