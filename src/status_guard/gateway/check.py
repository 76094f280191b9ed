"""``status-guard gateway check CONFIG``: the meaning pass. A configuration that cannot mean what it
says is an error naming its key: a scope, purpose, exception or requester class the policy pack
does not know; a JWKS file with no usable key; a route that is never reached; an ops path that
hides an app route; mTLS asked of a listener without a client CA."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import PolicyError
from .config import ConfigError, GatewayConfig, read_config


@dataclass
class CheckReport:
    source: str
    errors: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, key: str, msg: str) -> None:
        self.errors.append((key, msg))

    def warn(self, key: str, msg: str) -> None:
        self.warnings.append((key, msg))


def _readable(report: CheckReport, key: str, path: str | None) -> bool:
    if path is None:
        return False
    if not os.path.isfile(path) or not os.access(path, os.R_OK):
        report.error(key, f"file not found or not readable: {path}")
        return False
    return True


def _norm(prefix: str) -> str:
    return prefix.rstrip("/") or "/"


def _under(path: str, prefix: str) -> bool:
    p = prefix.rstrip("/")
    return p == "" or path == p or path.startswith(p + "/")


def check_config(cfg: GatewayConfig, source: str = "configuration") -> CheckReport:
    from ..asgi import StatusGuardMiddleware
    from .build import load_pack, load_warrants, route_configs
    from .identity.jwt import JwksError, keys_from_jwks
    from .paths import check_path

    report = CheckReport(source)
    try:
        policy = load_pack(cfg)
    except (PolicyError, OSError) as exc:
        report.error("policy.pack", str(exc).splitlines()[0][:300])
        return report
    pf = policy.file

    def scope_ok(key: str, s: str) -> None:
        if s not in pf.scopes:
            report.error(key, f"unknown scope `{s}` (the pack has: {', '.join(sorted(pf.scopes))})")

    def purpose_ok(key: str, p: str | None) -> None:
        if p is not None and p not in pf.purposes:
            report.error(key, f"unknown purpose `{p}` (the pack has: {', '.join(sorted(pf.purposes))})")

    def language_ok(key: str, lang: str | None) -> None:
        if lang is not None and lang not in pf.languages:
            report.error(key, f"language `{lang}` has no translations in the pack ({', '.join(pf.languages)})")

    scope_ok("policy.scope", cfg.policy.scope)
    purpose_ok("policy.purpose", cfg.policy.purpose)
    language_ok("policy.language", cfg.policy.language)

    seen: dict[str, int] = {}
    ops_paths = {"ops.healthz": cfg.ops.healthz, "ops.readyz": cfg.ops.readyz, "ops.metrics": cfg.ops.metrics}
    for i, r in enumerate(cfg.routes):
        k = f"routes[{i}]"
        scope_ok(f"{k}.scope", r.scope)
        purpose_ok(f"{k}.purpose", r.purpose)
        language_ok(f"{k}.language", r.language)
        for j, e in enumerate(r.exceptions):
            ex = pf.exceptions.get(e.id)
            if ex is None:
                report.error(f"{k}.exceptions[{j}].id", f"unknown exception `{e.id}` (the pack has: "
                             f"{', '.join(sorted(pf.exceptions))})")
            elif ex.kind == "verified_instrument":
                report.error(f"{k}.exceptions[{j}].id", f"`{e.id}` must come from a verifier (custody.warrants_file), "
                             "not route configuration")
            for c in e.categories or ():
                if c not in pf.categories:
                    report.error(f"{k}.exceptions[{j}].categories", f"unknown category `{c}`")
        n = _norm(r.prefix)
        if n in seen:
            report.error(f"{k}.prefix", f"`{r.prefix}` duplicates routes[{seen[n]}]: this route is never reached")
        seen.setdefault(n, i)
        if not check_path(r.prefix.encode("utf-8"), allow_semicolon=cfg.paths.allow_semicolon).ok or "%" in r.prefix:
            report.error(f"{k}.prefix", f"`{r.prefix}` can never match: the gateway refuses such paths (dot or empty "
                         "segments, encodings)")
        if cfg.paths.case_insensitive and r.prefix != r.prefix.lower():
            report.error(f"{k}.prefix", "has upper-case letters, but paths.case_insensitive matches lower-cased paths")
        for x in cfg.paths.exclude:
            if _under(r.prefix, x):
                report.error(f"{k}.prefix", f"`{r.prefix}` is inside paths.exclude `{x}`: this route is never reached")
        for ok_key, op in ops_paths.items():
            if _norm(r.prefix) != "/" and _under(op, r.prefix):
                report.error(ok_key, f"`{op}` is answered by the gateway, hiding that path of route `{r.prefix}`")
        if r.custody_access and not cfg.custody.warrants_file:
            report.warn(f"{k}.custody_access", "no custody.warrants_file: no warrant is ever verified, so ICE access "
                        "to people in custody is always refused here")
        if r.public_binary and (r.custody_access or r.scope == "police"):
            report.warn(f"{k}.public_binary", "images, audio and video on this route reach federal, ICE and "
                        "unidentified requesters unchecked (a booking photo, a scanned detainer can carry a "
                        "release date); declare only routes that serve public material")
    if len(set(ops_paths.values())) != len(ops_paths):
        report.error("ops", "healthz, readyz and metrics must be different paths")

    ident = cfg.identity
    if ident.jwt is None and ident.front_proxy is None:
        report.warn("identity", "no identity source: every requester is `unknown` (the most restricted class)")
    if ident.jwt is not None:
        j = ident.jwt
        for i, rule in enumerate(j.map):
            if rule.requester not in pf.requesters:
                report.error(f"identity.jwt.map[{i}].requester", f"unknown requester class `{rule.requester}` "
                             f"(the pack has: {', '.join(pf.requesters)})")
        if j.default_requester not in pf.requesters:
            report.error("identity.jwt.default_requester", f"unknown requester class `{j.default_requester}`")
        if _readable(report, "identity.jwt.jwks_file", j.jwks_file):
            import json

            try:
                keys_from_jwks(json.loads(Path(j.jwks_file).read_bytes()), j.algorithms)  # type: ignore[arg-type]
            except (JwksError, ValueError) as exc:
                report.error("identity.jwt.jwks_file", str(exc))
        if j.jwks_url is not None:
            report.warn("identity.jwt.jwks_url", "not fetched by `check`; the gateway fetches it at start-up and "
                        "refuses to start if it cannot")
    if ident.front_proxy is not None:
        if ident.front_proxy.mtls and (cfg.listen.tls is None or cfg.listen.tls.client_ca is None):
            report.error("identity.front_proxy.mtls", "needs listen.tls.client_ca (the listener must require the "
                         "front proxy's client certificate)")
        if not ident.front_proxy.mtls:
            report.warn("identity.front_proxy", "the proxy is proven by its address only; any process that can "
                        "connect from those addresses can claim any class. Prefer mtls = true")
    if cfg.listen.tls is not None:
        _readable(report, "listen.tls.cert", cfg.listen.tls.cert)
        _readable(report, "listen.tls.key", cfg.listen.tls.key)
        if cfg.listen.tls.client_ca is not None:
            _readable(report, "listen.tls.client_ca", cfg.listen.tls.client_ca)
    if cfg.upstream.ca_file is not None:
        _readable(report, "upstream.ca_file", cfg.upstream.ca_file)
    if not cfg.upstream.verify_tls:
        report.warn("upstream.verify_tls", "the upstream's TLS certificate is not verified")
    if cfg.custody.warrants_file is not None and _readable(report, "custody.warrants_file", cfg.custody.warrants_file):
        try:
            load_warrants(cfg.custody.warrants_file)
        except (ValueError, OSError) as exc:
            report.error("custody.warrants_file", str(exc)[:200])

    a = cfg.audit
    scheme, _, rest = a.spec.partition(":")
    if scheme in ("jsonl", "sqlite"):
        parent = Path(os.path.expanduser(rest)).parent
        if not parent.is_dir():
            report.error("audit.spec", f"directory does not exist: {parent}")
    for key in ("hmac_key_file", "signing_key_file", "correlation_key_file"):
        _readable(report, f"audit.{key}", getattr(a, key))
    if a.hmac_key_file is None and a.signing_key_file is None:
        report.warn("audit", "no hmac_key_file or signing_key_file: an insider who can write the log can re-hash it "
                    "(verify then says `consistent`, not `authentic`)")
    for i, r in enumerate(cfg.routes):
        if r.monitor:
            report.warn(f"routes[{i}].monitor", "MONITOR MODE: nothing is refused, stripped or redacted on this route")

    if report.errors:
        return report
    try:
        from ..guard import Guard

        cfg.limits.build()
        guard = Guard(policy, audit="memory:")
        StatusGuardMiddleware(lambda s, r, se: None, guard=guard, scope=cfg.policy.scope,  # type: ignore[arg-type]
                              routes=route_configs(cfg), limits=cfg.limits.build(), purpose=cfg.policy.purpose, warm=False)
    except PolicyError as exc:
        report.error("routes", str(exc)[:300])
    return report


def check_file(path: str) -> CheckReport:
    try:
        cfg = read_config(path)
    except ConfigError as exc:
        report = CheckReport(exc.source)
        report.errors.extend(exc.problems)
        return report
    return check_config(cfg, path)
