"""From a :class:`GatewayConfig` to the pieces the gateway is made of: the guard (policy + audit),
the route table, the identity sources, the custody verifier — the same objects an ASGI app would
hand to :class:`~status_guard.asgi.StatusGuardMiddleware` itself."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..asgi.config import DEFAULT_PASSTHROUGH_TYPES, RouteConfig
from ..asgi.custody import WarrantRegistry
from ..model import Claim
from ..policy import Policy, load_policy
from .config import GatewayConfig
from .identity import FrontProxyIdentity, GatewayIdentity, JwksSource, JwtIdentity
from .metrics import Metrics


def load_pack(cfg: GatewayConfig) -> Policy:
    return load_policy(None if cfg.policy.pack == "cambridge" else cfg.policy.pack)


def _enclosing(cfg: GatewayConfig, prefix: str) -> Any:
    best = None
    for r in cfg.routes:
        p = r.prefix.rstrip("/")
        if (p == "" or prefix == p or prefix.startswith(p + "/")) and (best is None or len(p) > len(best.prefix.rstrip("/"))):
            best = r
    return best


def route_configs(cfg: GatewayConfig) -> tuple[RouteConfig, ...]:
    """The middleware's routes. ``paths.exclude`` is no off switch: an excluded prefix becomes a
    route with ``inspect=False`` (request bodies not read) under the scope, custody access and
    public-record fields of the route that encloses it — responses are checked as anywhere else."""
    out = []
    for x in cfg.paths.exclude:
        r = _enclosing(cfg, x)
        out.append(RouteConfig(
            x, r.scope if r is not None else cfg.policy.scope, inspect=False,
            custody_access=bool(r is not None and r.custody_access),
            public_record_fields=tuple(r.public_record_fields) if r is not None else (),
            purpose=r.purpose if r is not None else None,
            passthrough_response_types=tuple(r.passthrough_response_types) if r is not None else DEFAULT_PASSTHROUGH_TYPES,
            public_binary=bool(r is not None and r.public_binary)))
    for r in cfg.routes:
        out.append(RouteConfig(
            r.prefix, r.scope,
            exceptions=tuple(Claim(e.id, legal_basis=e.legal_basis,
                                   categories=frozenset(e.categories) if e.categories is not None else None)
                             for e in r.exceptions),
            strip=r.strip, custody_access=r.custody_access, public_record_fields=tuple(r.public_record_fields),
            monitor=r.monitor, purpose=r.purpose, form_mode=r.form_mode, restricted_html=r.restricted_html,
            language=r.language, refuse_status=r.refuse_status, inspect=r.inspect,
            passthrough_request_types=tuple(r.passthrough_request_types),
            passthrough_response_types=tuple(r.passthrough_response_types), public_binary=r.public_binary,
        ))
    return tuple(out)


def load_warrants(path: str) -> WarrantRegistry:
    """The clerk's list of judicial warrants and court orders: ``{reference: kind}`` in YAML or JSON."""
    text = Path(path).read_text(encoding="utf-8")
    if path.endswith(".json"):
        data = json.loads(text)
    else:
        import yaml

        data = yaml.safe_load(text)
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        raise ValueError("the warrant list must map each reference to 'judicial warrant' or 'court order'")
    return WarrantRegistry(data)  # type: ignore[arg-type]


def build_identity(cfg: GatewayConfig, policy: Policy, metrics: Metrics | None = None) -> GatewayIdentity:
    known = tuple(policy.file.requesters)
    fp = None
    if cfg.identity.front_proxy is not None:
        f = cfg.identity.front_proxy
        fp = FrontProxyIdentity(f.clients, header=f.header, agency_header=f.agency_header, mtls=f.mtls,
                                known_classes=known)
    jw = None
    if cfg.identity.jwt is not None:
        j = cfg.identity.jwt
        source = JwksSource(file=j.jwks_file, url=j.jwks_url, algorithms=j.algorithms,
                            refresh_seconds=j.jwks_refresh_seconds, timeout=j.jwks_timeout_seconds)
        jw = JwtIdentity(source, issuer=j.issuer, audience=j.audience, algorithms=j.algorithms, rules=j.map,
                         default_requester=j.default_requester, leeway=j.leeway_seconds,
                         required_claims=j.required_claims, max_token_bytes=j.max_token_bytes, header=j.header)
    observe = None
    if metrics is not None:
        def observe(source: str, outcome: str) -> None:
            metrics.identity.labels(source, outcome).inc()
    return GatewayIdentity(fp, jw, observe)


def identity_headers(cfg: GatewayConfig) -> tuple[bytes, ...]:
    """Headers that claim an identity: never forwarded from a client to the upstream."""
    out = [b"x-status-guard-requester", b"x-status-guard-agency"]
    fp = cfg.identity.front_proxy
    if fp is not None:
        out.append(fp.header.encode("latin-1"))
        if fp.agency_header:
            out.append(fp.agency_header.encode("latin-1"))
    return tuple(dict.fromkeys(out))


def audit_kwargs(cfg: GatewayConfig) -> dict[str, Any]:
    a = cfg.audit
    return {"hmac_key": a.hmac_key_file, "signing_key": a.signing_key_file, "correlation_key": a.correlation_key_file,
            "fsync": a.fsync, "checkpoint_every": a.checkpoint_every, "table": a.table}
