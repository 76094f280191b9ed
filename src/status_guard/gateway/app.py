"""The gateway as one ASGI application, run by uvicorn (``status-guard gateway run``):

    Gateway            ops endpoints (/healthz, /readyz, /metrics), path check, access log,
     │                 metrics, lifespan (start the upstream client; on shutdown close it and
     │                 close the audit log, which writes its end marker)
     └ StatusGuardMiddleware   the existing middleware, unchanged: identity, custody, request
        │                      inspection, response redaction, audit — one code path
        └ UpstreamProxy        aiohttp / websockets to the upstream app

``create_app()`` is the uvicorn factory: it reads the file named by ``STATUS_GUARD_GATEWAY_CONFIG``.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import MutableMapping
from typing import Any

import anyio
import orjson

from ..asgi import StatusGuardMiddleware
from ..asgi.config import RouteConfig, match_route
from ..audit import open_audit
from ..guard import Guard
from .build import audit_kwargs, build_identity, identity_headers, load_pack, load_warrants, route_configs
from .config import GatewayConfig, read_config
from .identity import SCOPE_KEY, SOURCE_KEY
from .identity.front_proxy import parse_networks, peer_in
from .metrics import Metrics
from .observe import ObservedAudit, configure_logging
from .paths import check_path
from .proxy import REQUEST_ID, UPSTREAM_STATUS, UpstreamProxy

ENV_CONFIG = "STATUS_GUARD_GATEWAY_CONFIG"
#: headers a proxy adds when it relays a request: such a request is not a local metrics scraper
RELAYED = frozenset({b"x-forwarded-for", b"forwarded", b"x-real-ip", b"via", b"x-forwarded-host",
                     b"x-forwarded-proto", b"x-client-ip", b"true-client-ip", b"cf-connecting-ip"})
log = logging.getLogger("status_guard.gateway")
access = logging.getLogger("status_guard.gateway.access")

Scope = MutableMapping[str, Any]


def _json(status: int, payload: Any, extra: list[tuple[bytes, bytes]] | None = None) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    body = orjson.dumps(payload)
    return status, [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                    (b"cache-control", b"no-store"), *(extra or [])], body


class Gateway:
    def __init__(self, cfg: GatewayConfig, *, guard: Guard | None = None, metrics: Metrics | None = None) -> None:
        self.cfg = cfg
        self.metrics = metrics or Metrics()
        policy = load_pack(cfg)
        if guard is None:
            log_ = open_audit(cfg.audit.spec, **audit_kwargs(cfg))
            guard = Guard(policy, audit=ObservedAudit(log_, self.metrics),
                          public_record_fields=cfg.policy.public_record_fields,
                          text_detection=cfg.policy.text_detection)
        self.guard = guard
        self.audit = guard.audit
        self.routes: tuple[RouteConfig, ...] = route_configs(cfg)
        self.ws_routes = frozenset(r.prefix for r in cfg.routes if r.websocket)
        self.identity = build_identity(cfg, policy, self.metrics)
        self.proxy = UpstreamProxy(cfg.upstream, websocket=cfg.websocket, websocket_allowed=self._ws_allowed,
                                   strip_headers=identity_headers(cfg), metrics=self.metrics,
                                   route_label=self.route_label)
        verifier = load_warrants(cfg.custody.warrants_file) if cfg.custody.warrants_file else None
        self.guarded = StatusGuardMiddleware(
            self.proxy, guard=guard, identify=self.identity, scope=cfg.policy.scope, routes=self.routes,
            limits=cfg.limits.build(), verifier=verifier, warrant_header=cfg.custody.warrant_header,
            purpose=cfg.policy.purpose, language=cfg.policy.language)
        self.metrics_clients = parse_networks(cfg.ops.metrics_clients)
        fp = cfg.identity.front_proxy
        self.front_proxy_networks = parse_networks(fp.clients) if fp is not None else ()
        self.started = False

    # -- helpers ---------------------------------------------------------------------------------
    def route_label(self, scope: Scope) -> str:
        """The route as metrics and logs name it: the configured prefix (the middleware's own
        matching function), never the raw path."""
        path = scope.get("path", "")
        r = match_route(self.routes, path)
        return r.prefix if r is not None else "/"

    def _route_of(self, path: str) -> str:
        return self.route_label({"path": path.lower() if self.cfg.paths.case_insensitive else path})

    def _scraper(self, scope: Scope) -> bool:
        """Whether this request may read the metrics: its TCP peer is in ``ops.metrics_clients`` and
        it was not relayed by a proxy — the front proxy's own address (nginx beside the gateway
        connects from loopback on behalf of every user) or any forwarding header."""
        if not peer_in(scope, self.metrics_clients):
            return False
        if self.front_proxy_networks and peer_in(scope, self.front_proxy_networks):
            return False
        return not any(k.lower() in RELAYED for k, _ in scope.get("headers") or ())

    def _ws_allowed(self, scope: Scope) -> bool:
        r = match_route(self.routes, scope.get("path", ""))
        return r is not None and r.prefix in self.ws_routes

    # -- ASGI ------------------------------------------------------------------------------------
    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        t = scope["type"]
        if t == "lifespan":
            await self.lifespan(receive, send)
            return
        if t == "http":
            path = scope.get("path", "")
            ops = self.cfg.ops
            if path == ops.healthz:
                await self._send(send, *_json(200, {"status": "ok"}))
                return
            if path == ops.readyz:
                await self.ready(send)
                return
            if path == ops.metrics and self._scraper(scope):
                body, ctype = self.metrics.exposition()
                await self._send(send, 200, [(b"content-type", ctype.encode()), (b"content-length", str(len(body)).encode())], body)
                return
        if t not in ("http", "websocket"):
            return
        if t == "http" and scope.get("method") in ("TRACE", "CONNECT"):
            # TRACE echoes the request (headers, tokens) back; CONNECT would open a tunnel past the guard
            await self._send(send, *_json(405, {"error": {"code": "method_not_allowed", "message":
                             "This method is not forwarded by the gateway.", "fields": [], "citations": []}}))
            self._access(scope, 405, 0.0, reason="method_not_allowed")
            return
        checked = check_path(scope.get("raw_path") or scope.get("path", "").encode("utf-8"),
                             allow_semicolon=self.cfg.paths.allow_semicolon,
                             case_insensitive=self.cfg.paths.case_insensitive, route_of=self._route_of)
        if not checked.ok:
            self.metrics.paths_refused.labels(checked.reason).inc()
            if t == "websocket":
                await receive()
                await send({"type": "websocket.close", "code": 1008})
                return
            await self._send(send, *_json(400, {"error": {
                "code": "ambiguous_path", "message": f"The request was refused: {checked.reason}. The guard and "
                "the application could read this path differently.", "fields": [], "citations": []}}))
            self._access(scope, 400, 0.0, reason="ambiguous_path")
            return
        scope["path"] = checked.path
        if t == "websocket":
            await self.guarded(scope, receive, send)
            return
        await self.http(scope, receive, send)

    async def http(self, scope: Scope, receive: Any, send: Any) -> None:
        t0 = time.monotonic()
        state: dict[str, Any] = {"status": None, "sniff": b"", "guard": False}

        async def observed(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status = int(message.get("status", 200))
                state["status"] = status
                up = scope.get(UPSTREAM_STATUS)
                state["guard"] = up is None or up != status
            elif message["type"] == "http.response.body" and state["guard"] and len(state["sniff"]) < 4096:
                state["sniff"] += message.get("body", b"")[:4096]
            await send(message)

        try:
            await self.guarded(scope, receive, observed)
        except Exception as exc:
            log.error("status_guard gateway: request failed (%s)", type(exc).__name__,
                      extra={"route": self.route_label(scope), "request_id": scope.get(REQUEST_ID)})
            if state["status"] is not None:
                raise  # the response had started: abort the connection rather than send a cut body
            await self._send(send, *_json(502, {"error": {
                "code": "gateway_error", "message": "The gateway could not complete this request.",
                "fields": [], "citations": [], "request_id": scope.get(REQUEST_ID) or "-"}}))
            state.update(status=502, guard=True, sniff=b'{"error":{"code":"gateway_error"}}')
        self._finish(scope, state, time.monotonic() - t0)

    def _finish(self, scope: Scope, state: dict[str, Any], seconds: float) -> None:
        status = state["status"] or 0
        route = self.route_label(scope)
        req = scope.get(SCOPE_KEY)
        cls = getattr(req, "cls", "unknown")
        m = self.metrics
        m.requests.labels(route, cls, str(status)).inc()
        m.request_seconds.labels(route).observe(seconds)
        reason = None
        rid = scope.get(REQUEST_ID)
        if state["guard"] and status >= 400:
            code, rid2 = _problem_code(state["sniff"])
            reason = code or "refused"
            rid = rid or rid2
            if reason not in ("upstream_timeout", "upstream_unavailable", "upstream_response_too_large"):
                m.refusals.labels(route, str(status), reason).inc()
        self._access(scope, status, seconds, reason=reason, request_id=rid)

    def _access(self, scope: Scope, status: int, seconds: float, *, reason: str | None = None,
                request_id: str | None = None) -> None:
        if not self.cfg.logging.access_log:
            return
        req = scope.get(SCOPE_KEY)
        access.info("request", extra={
            "method": scope.get("method") if str(scope.get("method", "")).isalpha() else "-",
            "route": self.route_label(scope), "status": status, "duration_ms": round(seconds * 1000, 3),
            "requester": getattr(req, "cls", None), "identity": scope.get(SOURCE_KEY),
            "request_id": request_id or scope.get(REQUEST_ID), "upstream_status": scope.get(UPSTREAM_STATUS),
            "reason": reason})

    async def ready(self, send: Any) -> None:
        probe = self.cfg.ops.ready_probe_seconds
        writable = getattr(self.audit, "writable", None)
        ok = False
        try:
            with anyio.fail_after(10):
                if writable is not None:
                    ok = await anyio.to_thread.run_sync(writable, probe)
                else:
                    await anyio.to_thread.run_sync(self.audit.heartbeat)
                    ok = True
        except Exception:  # noqa: BLE001 - any failure means not ready
            ok = False
        ok = ok and self.started
        await self._send(send, *_json(200 if ok else 503, {"status": "ready" if ok else "not ready",
                                                           "audit": "writable" if ok else "not writable"}))

    @staticmethod
    async def _send(send: Any, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    # -- lifespan --------------------------------------------------------------------------------
    def warm_up(self) -> None:
        """Load what the first restricted request would otherwise pay for (the free-text engine,
        the decision caches): one redaction of a made-up record, not audited."""
        sample = {"notes": "Seen near 1 Sample Street after the hearing on 2000-01-01.", "home_address": "x"}
        for r in (*self.routes, self.guarded.default_route):
            try:
                self.guard.redact(sample, r.scope, "federal")
            except Exception as exc:  # noqa: BLE001 - a warm-up failure shows again on the first request
                log.warning("status_guard gateway: warm-up failed (%s)", type(exc).__name__)
                return

    async def startup(self) -> None:
        if self.guarded.warmer is not None:  # the middleware's own warming (modules, data, detector)
            await self.guarded.warmer.wait()
        await anyio.to_thread.run_sync(self.warm_up)
        await self.proxy.start()
        self.started = True
        log.info("status_guard gateway started", extra={"upstream": self.cfg.upstream.url, "worker": os.getpid()})

    async def shutdown(self) -> None:
        self.started = False
        await self.proxy.stop()
        close = getattr(self.audit, "close", None)
        if close is not None:
            try:
                await anyio.to_thread.run_sync(close)  # end marker (after a final checkpoint when signing)
            except Exception as exc:  # noqa: BLE001
                log.error("status_guard gateway: the audit log could not be closed cleanly (%s)", type(exc).__name__)
        log.info("status_guard gateway stopped", extra={"worker": os.getpid()})

    async def lifespan(self, receive: Any, send: Any) -> None:
        while True:
            msg = await receive()
            if msg["type"] == "lifespan.startup":
                try:
                    await self.startup()
                except Exception as exc:  # noqa: BLE001
                    await send({"type": "lifespan.startup.failed", "message": type(exc).__name__})
                    return
                await send({"type": "lifespan.startup.complete"})
            elif msg["type"] == "lifespan.shutdown":
                await self.shutdown()
                await send({"type": "lifespan.shutdown.complete"})
                return


def _problem_code(body: bytes) -> tuple[str | None, str | None]:
    try:
        doc = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None, None
    err = doc.get("error") if isinstance(doc, dict) else None
    if not isinstance(err, dict):
        return None, None
    code, rid = err.get("code"), err.get("request_id")
    code = code if isinstance(code, str) and code.replace("_", "").isalnum() and len(code) < 60 else None
    return code, rid if isinstance(rid, str) and len(rid) < 80 else None


def create_app() -> Gateway:
    """uvicorn factory (``status_guard.gateway.app:create_app``)."""
    path = os.environ.get(ENV_CONFIG)
    if not path:
        raise RuntimeError(f"{ENV_CONFIG} must name the gateway configuration file")
    cfg = read_config(path)
    configure_logging(cfg.logging.level, cfg.logging.format)
    return Gateway(cfg)
