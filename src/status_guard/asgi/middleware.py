"""StatusGuardMiddleware: pure ASGI (not BaseHTTPMiddleware), in the shape of Starlette's
GZipMiddleware. The middleware object only decides whether a request concerns it at all; a
:class:`_Responder` per request holds that request's state (identity, held-back response start,
buffered body). Nothing is shared between requests.

    request:  identify requester -> custody check (040(h)) -> query + body inspected (collect)
              -> refuse / strip / pass; the app receives the exact remaining body
    response: decided at ``http.response.start`` from status, content type and encoding:
              pass through (streams keep streaming) | buffer, decode, rewrite forms, redact
              (JSON, NDJSON, CSV, HTML tables) | refuse what cannot be checked (fail closed)
    audit:    every non-trivial decision; if the record cannot be written the action is refused
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import logging
import re
from collections.abc import Awaitable, Callable, Iterable, Mapping, MutableMapping, Sequence
from functools import lru_cache
from typing import Any

from ..context import RequestContext, reset_context, set_context
from ..decide import applicable_rules, validate_claims
from ..errors import AuditUnavailableError, ClassificationError, LimitExceededError, PolicyError, UnparseableInputError
from ..model import Claim, Decision, Effect, Item, Requester
from ..safe_paths import new_request_id
from ..disclose.audience import Audience
from ..disclose.paths import PathPatterns, compile_patterns, declared_patterns
from . import cost, encoding, errors, forms, identity, json_forms, requests, responses, unknown_type
from .config import (Limits, RouteConfig, TrustedProxy, carries_text, match_route, path_spellings, route_path,
                     type_matches)
from .custody import CustodyVerifier, verify_reference, well_formed
from .form_map import FormMap
from .audit_batch import batcher_for
from .verdict_cache import Verdict, VerdictCache
from .warm import Warmer
from .disclosure import Disclosure
from .headers import SERVER_BODY_HEADERS, check_headers, private_cache

log = logging.getLogger("status_guard.asgi")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
Identify = Callable[[Scope], Any]

WITHHELD = frozenset({Effect.REDACT, Effect.STRIP, Effect.BLOCK})
HTML_TYPES = responses.HTML_TYPES
NO_BODY_STATUS = frozenset({204, 205, 304})
#: response kinds the guard redacts field by field (an error body of these is redacted like any other)
STRUCTURED_KINDS = frozenset({"json", "ndjson", "csv", "xml", "jsonp"})
#: text types with no field structure: read as free text for a requester the route redacts for
TEXT_KINDS = frozenset({"text/plain", "text/markdown", "text/x-markdown"})
#: headers a client needs to act on an error (kept when the error page is replaced)
ERROR_HEADERS = frozenset({b"www-authenticate", b"retry-after", b"allow", b"proxy-authenticate"})
# Limits whose excess means "too large" (413); the rest mean "malformed shape" (400).
SIZE_LIMITS = ("body size", "decoded body size", "multipart field size", "response size", "HTML size")


class StatusGuardMiddleware:
    """Enforce the policy on everything that passes between clients and an ASGI app.

    ``guard``: a :class:`status_guard.Guard`. ``identify(asgi_scope)`` returns the requester (a
    class name, a :class:`Requester`, or a mapping) from the app's own authentication — e.g.
    ``scope["user"]`` set by an authentication middleware placed *outside* this one. Nothing a
    client can set in a header is believed, unless ``trusted_proxy`` names the proxy that sets it.
    ``scope``: the default policy scope; ``routes``: :class:`RouteConfig` per path prefix.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        guard: Any,
        identify: Identify | None = None,
        scope: str = "city",
        routes: Sequence[RouteConfig] = (),
        public_record_fields: Iterable[str] = (),
        limits: Limits | None = None,
        trusted_proxy: TrustedProxy | None = None,
        verifier: CustodyVerifier | None = None,
        warrant_header: str = "x-judicial-warrant",
        exclude: Iterable[str] = (),
        purpose: str | Callable[[Scope], str | None] | None = None,
        strip: bool = False,
        monitor: bool = False,
        form_mode: str = "remove",
        language: str | None = None,
        form_map: FormMap | bool = True,
        verdict_cache: VerdictCache | bool = True,
        warm: bool = True,
        warm_sql: bool | None = None,
    ) -> None:
        self.app = app
        # checked response bodies remembered per audience (issue 15); every request still audited
        self.verdicts: VerdictCache | None = VerdictCache() if verdict_cache is True else (verdict_cache or None)
        # request checks that withheld nothing, remembered per audience, page and body (issue 15): a
        # clean submission sent again is one digest; every request is still audited
        self.request_verdicts: VerdictCache | None = VerdictCache(max_body_bytes=256 << 10) if verdict_cache else None
        # what the forms this middleware served ask, by submit path (issue 12): on by default
        self.form_map: FormMap | None = FormMap() if form_map is True else (form_map or None)
        self.guard = guard
        # audit records of concurrent requests written in group commits by one thread (issue 15)
        self.audit_batcher = batcher_for(guard)
        self.identify = identify
        self.limits = limits or Limits()
        self.trusted_proxy = trusted_proxy
        self.verifier = verifier
        self.warrant_header = warrant_header.lower().encode("latin-1")
        self.exclude = tuple(exclude)
        self.purpose = purpose
        self.public_record_fields = declared_patterns(public_record_fields,
                                                      where="StatusGuardMiddleware public_record_fields")
        # public-record path patterns are validated here, at start-up: a malformed one names itself
        self.public_record = compile_patterns(self.public_record_fields,
                                              where="StatusGuardMiddleware public_record_fields")
        self.default_route = RouteConfig("/", scope, strip=strip, monitor=monitor,
                                         form_mode=form_mode, language=language,  # type: ignore[arg-type]
                                         purpose=purpose if isinstance(purpose, str) else None)
        self.routes = tuple(routes)
        policy = guard.policy
        for r in (self.default_route, *self.routes):  # configuration errors surface at start-up
            policy.check_scope(r.scope)
            policy.check_purpose(r.purpose)
            validate_claims(policy, r.exceptions)
            for c in r.exceptions:
                if policy.file.exceptions[c.exception].kind == "verified_instrument":
                    raise PolicyError(f"route {r.prefix}: `{c.exception}` must come from a verifier, not route configuration")
        self._route_public: dict[str, PathPatterns] = {
            r.prefix: self.public_record | compile_patterns(r.public_record_fields,
                                                            where=f"route {r.prefix}: public_record_fields")
            for r in (self.default_route, *self.routes)}
        # a route whose responses differ by requester: every response on it is private to caches
        self._varies: dict[str, bool] = {
            r.prefix: any(guard.audience(r.scope, cls, r.purpose).restricted for cls in policy.file.requesters)
            for r in (self.default_route, *self.routes)}
        self._warned_root: set[str] = set()
        self._audiences: dict[Any, Audience] = {}
        self._routes_by_path: dict[tuple[str, str], RouteConfig] = {}
        self._form_items: dict[Any, Item] = {}
        self._audited_requesters = policy.audited_requesters
        self.languages = tuple(policy.file.languages)
        self._disclose_rules = lru_cache(maxsize=1024)(self._disclose_rules_uncached)
        self._default_deny = lru_cache(maxsize=1024)(self._default_deny_uncached)
        # no request pays for building anything (issue 15): the free-text detector, the lazily
        # imported modules and data, the audit log and (``warm_sql``; None: when sqlglot is
        # installed) SQL are built in the background from now, awaited on lifespan start-up (see warm)
        self.warmer: Warmer | None = Warmer(guard, sql=warm_sql) if warm else None
        # without lifespan (a server run with it off, a Starlette Mount, which does not pass lifespan
        # on) the first requests wait for the same warming once, instead of building beside it
        self._warm_pending = self.warmer is not None
        if any(r.monitor for r in (self.default_route, *self.routes)):
            log.warning("status_guard MONITOR MODE (report-only) is on for: %s — decisions are audited, "
                        "nothing is refused, stripped or redacted on these routes",
                        ", ".join(r.prefix for r in (self.default_route, *self.routes) if r.monitor))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):  # lifespan: not ours, but warm before start-up
            if scope["type"] == "lifespan":
                receive = self._lifespan_receive(receive)
            await self.app(scope, receive, send)
            return
        if self._warm_pending:
            await self._finish_warming()
        # match the path the app routes on (without root_path: uvicorn --root-path, a proxy prefix,
        # a Starlette Mount), exactly as Starlette's router and Django do
        path = route_path(scope)
        if scope.get("root_path"):
            self._check_root_path(scope)
        if self.exclude and any(path == p or path.startswith(p.rstrip("/") + "/") for p in self.exclude):
            await self.app(scope, receive, send)
            return
        # every spelling of the path a prefix may have been written for (app-relative first, then
        # with root_path / the mount path, then normalised): a route is never bypassed by spelling
        route = self._route_for(scope, path)
        # ``inspect=False`` only means "do not buffer or inspect request bodies" (large uploads):
        # identity, custody access (040(h)), the query string and the whole response side
        # (redaction, refusals, 040(e)) still apply — never a silent pass for a restricted requester
        if scope["type"] == "websocket":
            await self._websocket(route, scope, receive, send)
            return
        await _Responder(self, route, scope).run(receive, send)

    async def _finish_warming(self) -> None:
        warmer = self.warmer
        if warmer is not None:
            try:
                await warmer.wait()  # off the event loop; other requests are served meanwhile
            except Exception as exc:  # noqa: BLE001 - each request then meets (and reports) what failed
                log.error("status_guard: warming failed (%s); requests build what they need", exc)
        self._warm_pending = False

    def _route_for(self, scope: Scope, path: str) -> RouteConfig:
        """``match_route`` over every spelling of the path, remembered per (path, root_path): the
        spellings are a function of those two alone (see ``path_spellings``)."""
        key = (scope.get("path") or "", scope.get("root_path") or "")
        route = self._routes_by_path.get(key)
        if route is None:
            route = match_route(self.routes, path_spellings(scope)) or self.default_route
            if len(self._routes_by_path) >= 4096:
                self._routes_by_path.clear()
            self._routes_by_path[key] = route
        return route

    def _lifespan_receive(self, receive: Receive) -> Receive:
        """``receive`` for the lifespan protocol: ``lifespan.startup`` is handed on only once the
        guard is warm (a warming failure fails the start-up: the server does not serve) and the
        audit batch writer runs; ``lifespan.shutdown`` only once the records queued are written."""
        warmer = self.warmer
        batcher = self.audit_batcher

        async def lifespan_receive() -> Message:
            message = await receive()
            if message.get("type") == "lifespan.startup":
                if warmer is not None:
                    await warmer.wait()  # raises what warming raised: the app reports a failed start-up
                batcher.start()
            elif message.get("type") == "lifespan.shutdown":
                await batcher.aclose()
            return message

        return lifespan_receive

    def _check_root_path(self, scope: Scope) -> None:
        """Route prefixes are relative to the app. A prefix that starts with the server's root_path
        was most likely written as the public URL: say so once, loudly."""
        root = (scope.get("root_path") or "").rstrip("/")
        if not root or root in self._warned_root:
            return
        self._warned_root.add(root)
        for r in (*self.routes, *(RouteConfig(p, "city") for p in self.exclude)):
            if r.prefix == root or r.prefix.startswith(root + "/"):
                log.warning("status_guard: route prefix %s starts with the root_path %s; it is matched against the "
                            "full path as well as the path the app routes on, but write %s (relative to the app, "
                            "like its routes)", r.prefix, root, r.prefix[len(root):] or "/")

    def audience(self, route: RouteConfig, requester: Requester, purpose: str | None) -> Audience:
        # remembered per route, requester and purpose (issue 15: the guard's own cache is keyed on
        # the route's public-record patterns, which it re-combined with the pack's on every call)
        key = (id(self.guard.policy), id(route), requester, purpose)
        hit = self._audiences.get(key)
        if hit is None:
            hit = self.guard.audience(route.scope, requester, purpose, self._route_public[route.prefix])
            if len(self._audiences) > 4096:
                self._audiences.clear()
            self._audiences[key] = hit
        return hit

    async def _websocket(self, route: RouteConfig, scope: Scope, receive: Receive, send: Send) -> None:
        """WebSocket messages cannot be redacted: a requester whose disclosures the policy would
        redact on this route is refused before the handshake (fail closed, audited); anyone else
        passes with the request context set for the SQL inspector."""
        requester = await self.requester_for(scope)
        try:
            purpose = self.purpose_for(route, scope)
        except PolicyError:
            purpose, requester = None, Requester("unknown", requester.agency)
        request_id = new_request_id()
        label = f"WS {route.route_label}"
        if self._default_deny(route.scope, requester.cls, purpose) or self._disclose_rules(
            route.scope, requester.cls, purpose
        ) and self.restricted(requester):
            d = self.guard.decide("disclose", [Item("websocket")], scope=route.scope, requester=requester,
                                  purpose=purpose, claims=())
            if route.monitor:
                log.warning("status_guard MONITOR MODE: would refuse WebSocket %s for a %s requester (%s)",
                            route.route_label, requester.cls, ", ".join(d.citations))
                try:
                    await record_off_loop(self.guard, d, adapter="asgi", request_id=request_id, route=label, monitor=True)
                except AuditUnavailableError:
                    log.error("status_guard MONITOR MODE: audit log unavailable for WebSocket %s", route.route_label)
            else:
                try:
                    await record_off_loop(self.guard, d, adapter="asgi", request_id=request_id, route=label)
                except AuditUnavailableError:
                    log.error("status_guard: audit log unavailable; WebSocket %s refused", route.route_label)
                message = await receive()
                if message.get("type") == "websocket.connect":
                    await send({"type": "websocket.close", "code": 1008,
                                "reason": f"refused by status_guard ({', '.join(d.citations) or 'policy'})"[:120]})
                return
        ctx = RequestContext(requester, purpose, route.scope, request_id, label, route.exceptions, route.monitor)
        token = set_context(ctx)
        try:
            await self.app(scope, self._ws_checked_receive(route, requester, purpose, request_id, label, receive, send),
                           send)
        finally:
            reset_context(token)

    def _ws_checked_receive(self, route: RouteConfig, requester: Requester, purpose: str | None, request_id: str,
                            label: str, receive: Receive, send: Send) -> Receive:
        """Every message the client sends is checked by the collection rules (040(b)/(k)), like a
        form: a text message is read as JSON, as form fields, or as one free-text answer. A message
        that asks or answers what the route may not collect closes the connection (1008, audited)
        before the app sees it; a binary message that is not UTF-8 text cannot be checked and closes
        it too (1003) — fail closed."""
        closed = False

        async def checked() -> Message:
            nonlocal closed
            if closed:
                return {"type": "websocket.disconnect", "code": 1008}
            message = await receive()
            if message.get("type") != "websocket.receive":
                return message
            text = message.get("text")
            data = message.get("bytes")
            if text is None and data is not None:
                try:
                    text = data.decode("utf-8")
                except UnicodeDecodeError:
                    if route.monitor:
                        log.warning("status_guard MONITOR MODE: a binary WebSocket message on %s could not be checked",
                                    route.route_label)
                        return message
                    closed = True
                    await send({"type": "websocket.close", "code": 1003,
                                "reason": "binary messages cannot be checked by status_guard"})
                    return {"type": "websocket.disconnect", "code": 1003}
            if not text:
                return message
            try:
                d = await inspect_off_loop(self.limits, len(text), self._ws_decide, route, requester, purpose, text)
            except (LimitExceededError, UnparseableInputError, ClassificationError):
                d = None
                reason = "a message the guard could not check"
            else:
                reason = f"refused by status_guard ({', '.join(d.citations) or 'policy'})"
            if d is not None and d.effect not in (Effect.BLOCK, Effect.STRIP, Effect.REDACT):
                return message
            if d is not None:
                try:
                    await record_off_loop(self.guard, d, adapter="asgi", request_id=request_id, route=label,
                                          monitor=route.monitor)
                except AuditUnavailableError:
                    log.error("status_guard: audit log unavailable for a WebSocket message on %s", route.route_label)
            if route.monitor:
                log.warning("status_guard MONITOR MODE: would close WebSocket %s: %s", route.route_label, reason)
                return message
            closed = True
            await send({"type": "websocket.close", "code": 1008, "reason": reason[:120]})
            return {"type": "websocket.disconnect", "code": 1008}

        return checked

    def _ws_decide(self, route: RouteConfig, requester: Requester, purpose: str | None, text: str) -> Decision:
        from .. import collection

        raw = text.encode("utf-8")
        stripped = raw.strip()
        if stripped[:1] in (b"{", b"["):
            parsed = requests.parse_json(stripped, self.limits)
        elif b"=" in stripped and b" " not in stripped:
            parsed = requests.parse_urlencoded(stripped, self.limits)
        else:  # free text: one answer, read by the free-text rules
            import orjson

            parsed = requests.parse_json(orjson.dumps({"message": text}), self.limits)
        reading = collection.read(parsed.doc, parsed.doc_kind, files=parsed.files, page={}, graphql_body=parsed.graphql)
        checked = collection.check(self.guard, reading, scope=route.scope, requester=requester, purpose=purpose,
                                   claims=route.exceptions, strip=False)
        return checked.decision

    # -- identity ------------------------------------------------------------------------------
    async def requester_for(self, scope: Scope) -> Requester:
        tp = self.trusted_proxy
        if tp is not None:
            if "status_guard.proxy" not in scope:
                # decided once per request, before the app runs (the secret header is removed then)
                proven = True
                if tp.secret is not None:
                    proven = identity.secret_ok(tp.secret, tp.secret_header.encode("latin-1"), scope)
                if proven and tp.clients:
                    proven = identity.peer_is(tp.clients, scope)
                    if not proven:
                        identity.explain_unproven(tp, scope)
                scope["status_guard.proxy"] = proven
            if scope["status_guard.proxy"]:
                hdrs = _headers(scope)
                cls = hdrs.get(tp.header.encode("latin-1"))
                if cls:
                    agency = hdrs.get(tp.agency_header.encode("latin-1")) if tp.agency_header else None
                    return self._checked(Requester(cls.decode("latin-1").strip().lower(),
                                                   agency.decode("latin-1")[:80] if agency else None))
        if self.identify is None:
            return Requester("unknown")
        try:
            value = self.identify(scope)
            if inspect.isawaitable(value):
                value = await value
            return self._checked(Requester.coerce(value))
        except Exception as exc:
            log.error("status_guard: identify() failed (%s); treating the requester as unknown", type(exc).__name__)
            return Requester("unknown")

    def _checked(self, req: Requester) -> Requester:
        if req.cls not in self.guard.policy.file.requesters:
            log.error("status_guard: identify() returned a requester class the policy does not know; "
                      "treating the requester as unknown (the most restricted class)")
            return Requester("unknown", req.agency)
        return req

    def purpose_for(self, route: RouteConfig, scope: Scope) -> str | None:
        if route.purpose is not None:
            return route.purpose
        if callable(self.purpose):
            p = self.purpose(scope)
            self.guard.policy.check_purpose(p)
            return p
        return self.purpose

    # -- what the policy says about responses (cached per scope / requester / purpose) ----------
    def _disclose_rules_uncached(self, scope: str, cls: str, purpose: str | None) -> bool:
        rules = applicable_rules(self.guard.policy, scope, "disclose", Requester(cls), purpose)
        return any(r.effect != "allow" for r in rules)

    def _default_deny_uncached(self, scope: str, cls: str, purpose: str | None) -> bool:
        d = self.guard.decide("disclose", [Item("unclassified")], scope=scope, requester=Requester(cls),
                              purpose=purpose, claims=())
        return d.effect in WITHHELD

    def restricted(self, req: Requester) -> bool:
        return req.cls in self.guard.policy.restricted_requesters


_METHOD = re.compile(r"[A-Z]{3,7}")


@lru_cache(maxsize=4096)
def _type_matches_cached(content_type: str, patterns: tuple[str, ...]) -> bool:
    return type_matches(content_type, patterns)


def _type_matches(content_type: str, patterns: Any) -> bool:
    """``config.type_matches``, remembered per (type, patterns) — a pure function of the two."""
    try:
        return _type_matches_cached(content_type, patterns)
    except TypeError:  # patterns given as a list
        return type_matches(content_type, patterns)


#: response bodies up to this size have their verdict digest taken on the event loop (SHA-256 / BLAKE2b:
#: ~0.1 ms per 100 KiB), so a remembered verdict costs no thread hop; larger ones in the worker
ON_LOOP_DIGEST_BYTES = 128 << 10
_UNSET: Any = object()


class _Refused(Exception):
    """Internal: the response was answered with an error; stop processing."""


class _Responder:
    """One request: its identity, its route, its held-back response."""

    def __init__(self, mw: StatusGuardMiddleware, route: RouteConfig, scope: Scope) -> None:
        self.mw = mw
        self.guard = mw.guard
        self.route = route
        self.scope = scope
        self.limits = mw.limits
        self.request_id = new_request_id()
        self.method = scope.get("method", "GET")
        self._client_headers = tuple(scope.get("headers") or ())  # as they came (Accept, Accept-Language)
        self.audit_route = f"{self.method} {route.route_label}" if _METHOD.fullmatch(self.method) else route.route_label
        self.requester = Requester("unknown")
        self.purpose: str | None = None
        self.claims: tuple[Claim, ...] = route.exceptions
        # response state
        self.send: Send | None = None
        self.start: Message | None = None
        self.passing = False
        self.head_only = False
        self.done = False
        self.chunks: list[bytes] = []
        self.size = 0
        self.trailers: list[Message] = []
        self.response_requester: Requester | None = None
        self.notices: list[tuple[str, tuple[str, ...], Decision]] = []  # words removed from the submission
        self.header_decision: Decision | None = None
        self.headers_out: list[tuple[bytes, bytes]] | None = None
        self.redacted_any = False
        self.sniffing = False
        self.empty_only = False  # a response with no type: sent only if its body is empty
        self.forms_only = False  # held only to read the forms it may serve (JSON, untyped): see overflow

    # the client's Accept / Accept-Language, read when first needed (errors, notices, verdict keys)
    @functools.cached_property
    def html_wanted(self) -> bool:
        return errors.wants_html(_h(_headers({"headers": self._client_headers}), b"accept"))

    @functools.cached_property
    def lang(self) -> str:
        return errors.pick_language(self.route.language, _h(_headers({"headers": self._client_headers}), b"accept-language"),
                                    self.mw.languages)

    # -- request -------------------------------------------------------------------------------
    async def run(self, receive: Receive, send: Send) -> None:
        self.send = self._trailers_gate(send)
        self.requester = await self.mw.requester_for(self.scope)
        try:
            self.purpose = self.mw.purpose_for(self.route, self.scope)
            if self.route.custody_access:
                await self.check_custody()
            receive = await (self.inspect_request(receive) if self.route.inspect else self.inspect_query(receive))
        except _AuditDown as down:
            await self.respond(down.error)
            return
        except _Refused:
            return
        except LimitExceededError as exc:
            await self.limit_refusal(exc)
            return
        except UnparseableInputError as exc:
            try:  # refused whole because it could not be read: audited like any refusal (value-free)
                await self.audit([self.request_refusal_decision("the request could not be read")], force=True)
            except _AuditDown as down:
                await self.respond(down.error)
                return
            await self.respond(errors.problem(400, "unparseable_request", f"{str(exc).rstrip('.')}. The request was not accepted "
                                              "because the guard could not check it.", request_id=self.request_id,
                                              html_wanted=self.html_wanted, lang=self.lang))
            return
        except ClassificationError:
            await self.respond(errors.problem(400, "unparseable_request", "Part of the request could not be checked "
                                              "(free text that could not be read in time). The request was not "
                                              "accepted.", request_id=self.request_id,
                                              html_wanted=self.html_wanted, lang=self.lang))
            return
        ctx = RequestContext(self.requester, self.purpose, self.route.scope, self.request_id, self.audit_route,
                             self.claims, self.route.monitor)
        token = set_context(ctx)
        try:
            await self.mw.app(self.scope, receive, self.send_wrapper)
        finally:
            reset_context(token)

    async def check_custody(self) -> None:
        ref_raw = _headers(self.scope).get(self.mw.warrant_header)
        reference = ref_raw.decode("latin-1").strip() if ref_raw else None
        verification = await verify_reference(self.mw.verifier, reference, self.requester, self.scope.get("path", ""))
        claims = (verification.claim(),) if verification else ()
        d = self.guard.check_access(self.route.scope, self.requester, claims=claims, purpose=self.purpose)
        self.claims = self.claims + claims
        await self.audit([d], force=True)
        if d.blocked:
            if self.route.monitor:
                self.monitor_log("refuse custody access", d)
                return
            if reference is None:
                why = "No judicial warrant or court order reference was supplied."
            elif not well_formed(reference):
                why = "The warrant reference is not a well-formed docket number."
            else:
                why = "The judicial warrant or court order reference could not be verified."
            await self.respond(errors.refusal(d, status=403, request_id=self.request_id, html_wanted=self.html_wanted,
                                              lang=self.lang, categories=self.guard.policy.file.categories,
                                              source=self.guard.policy.file.title,
                                              code="custody_access_refused",
                                              message=f"Access to a person in custody was refused. {why}"))
            raise _Refused

    async def inspect_request(self, receive: Receive) -> Receive:
        """Read the query string and the body, check what they ask (``check_request``, plain CPU
        work), then refuse, rewrite or pass. The app receives the exact remaining bytes."""
        hdrs = _headers(self.scope)
        qs = self.scope.get("query_string") or b""
        parsed_q = requests.parse_urlencoded(qs, self.limits, what="query") if qs else None
        body, had_body = await self.read_body(receive, hdrs)
        if not qs and not body:  # nothing asked (a GET): nothing to check — what check_request finds
            return await self.apply_request_check([], hdrs, body, had_body, receive)
        page = self.mw.form_map.lookup(self.scope.get("path", "")) if self.mw.form_map is not None else {}
        cache = self.mw.request_verdicts if (qs or body) else None  # nothing sent: nothing to remember
        context = self.request_context(hdrs, qs, page) if cache is not None else None
        key = cache.key(context, qs + body) if cache is not None and context is not None else None
        hit = cache.get(key) if key is not None else None
        if hit is not None:  # remembered only when clean (``_clean``): no refusal, an empty plan
            return await self.apply_request_check(list(hit.decisions), hdrs, body, had_body, receive, clean=True)
        else:
            work = cost.work_estimate(body, _h(hdrs, b"content-encoding")) + len(qs)  # inflated size (r15b F02)
            checked = await inspect_off_loop(self.limits, work, self.check_request, hdrs, parsed_q, body, page)
            if key is not None and _clean(checked):
                cache.put(key, Verdict(None, tuple(checked), None))
        return await self.apply_request_check(checked, hdrs, body, had_body, receive)

    def request_context(self, hdrs: Mapping[bytes, bytes], qs: bytes, page: Mapping[str, Any]) -> tuple[Any, ...] | None:
        """Everything a request check depends on besides the query string and body bytes (see
        request_verdicts): the policy and guard, the route (scope, exceptions, strip, passthrough
        types), the limits, the requester (class, agency, subject), the purpose, the path (the form
        map is read for it) and what the form map says for it now, the content type and encoding
        headers, and where the query string ends. None when the page is not hashable."""
        try:
            page_key = tuple(sorted(page.items()))
            hash(page_key)
        except TypeError:
            return None
        return (id(self.guard.policy), id(self.guard), id(self.route), id(self.limits), self.requester, self.purpose,
                self.scope.get("path", ""), page_key, hdrs.get(b"content-type"), hdrs.get(b"content-encoding"),
                len(qs))

    async def inspect_query(self, receive: Receive) -> Receive:
        """A route with ``inspect=False``: the body streams to the app unread (uploads); the query
        string is still checked like any other."""
        hdrs = _headers(self.scope)
        qs = self.scope.get("query_string") or b""
        if not qs:
            return receive
        parsed_q = requests.parse_urlencoded(qs, self.limits, what="query")
        checked = await inspect_off_loop(self.limits, len(qs), self.check_request, hdrs, parsed_q, b"")
        return await self.apply_request_check(checked, hdrs, b"", False, receive)

    def check_request(self, hdrs: Mapping[bytes, bytes], parsed_q: requests.ParsedBody | None,
                      body: bytes, page: Mapping[str, Any] | None = None) -> list[_Checked]:
        """What the query string and the body ask (collection passes + policy). Synchronous and
        free of I/O, so it can run off the event loop."""
        if page is None:
            page = self.mw.form_map.lookup(self.scope.get("path", "")) if self.mw.form_map is not None else {}
        checked: list[_Checked] = []
        if parsed_q is not None and parsed_q.fields:
            checked.append(_Checked("query", parsed_q, self.collect(parsed_q, page)))
        if body:
            mt, params = requests.request_media_type(_h(hdrs, b"content-type"))
            if not _type_matches(mt, self.route.passthrough_request_types):
                requests.check_charset(params)
                ce = _h(hdrs, b"content-encoding")
                if not encoding.can_decode(ce):
                    raise UnparseableInputError("the request's content encoding cannot be inspected")
                decoded = encoding.decode(body, ce, self.limits.max_decoded_body_bytes) if ce else body
                if not decoded.removeprefix(b"\xef\xbb\xbf").strip(b" \t\r\n"):
                    return checked  # an empty body (whitespace, a byte-order mark): nothing asked, nothing to check
                parsed_b = self.parse_body(decoded, mt, params)
                if parsed_b.fields or parsed_b.files or parsed_b.graphql is not None:
                    checked.append(_Checked("body", parsed_b, self.collect(parsed_b, page)))
        return checked

    def collect(self, parsed: requests.ParsedBody, page: Mapping[str, Any]) -> Any:
        from .. import collection

        reading = collection.read(parsed.doc, parsed.doc_kind, files=parsed.files, page=page,
                                  graphql_body=parsed.graphql)
        return collection.check(self.guard, reading, scope=self.route.scope, requester=self.requester,
                                purpose=self.purpose, claims=self.route.exceptions, strip=self.route.strip)

    async def apply_request_check(self, checked: list[_Checked], hdrs: Mapping[bytes, bytes], body: bytes,
                                  had_body: bool, receive: Receive, clean: bool = False) -> Receive:
        """Audit the decisions, then refuse, rewrite or pass. ``clean``: the check is a remembered
        clean one (``_clean`` held when it was remembered: nothing blocked, every plan empty) — its
        plans are not computed again."""
        decisions = [c.collected.decision for c in checked]
        await self.audit(decisions)
        if self.route.monitor:
            for d in decisions:
                if d.effect in (Effect.BLOCK, Effect.STRIP, Effect.REDACT):
                    self.monitor_log(f"{d.effect.value} submitted fields", d)
            return _replay(body, receive) if had_body else receive
        if clean:
            return _replay(body, receive) if had_body else receive
        blocked = [d for d in decisions if d.blocked]
        if blocked:
            await self.refuse_submission(_merge_for_error(blocked))
        new_body: bytes | None = None
        for c in checked:
            plan = c.collected.plan()
            if plan.cannot:
                await self.refuse_submission(_as_refusal(c.collected.decision, plan.cannot), cannot_change=True)
            if not plan.changes:
                continue
            if c.parsed.edit is None:
                await self.refuse_submission(_as_refusal(c.collected.decision, plan.stripped + plan.redacted),
                                             cannot_change=True)
            assert c.parsed.edit is not None
            rebuilt = c.parsed.edit(plan.sets, plan.deletes)
            again = requests.parse_urlencoded(rebuilt, self.limits, "query") if c.where == "query" else \
                self.parse_body(rebuilt, *requests.request_media_type(_h(hdrs, b"content-type")))
            page = self.mw.form_map.lookup(self.scope.get("path", "")) if self.mw.form_map is not None else {}
            recheck = await inspect_off_loop(self.limits, len(rebuilt), self.collect, again, page)
            if recheck.decision.effect in (Effect.STRIP, Effect.BLOCK, Effect.REDACT):
                raise UnparseableInputError("a forbidden field could not be removed from the request")
            if plan.redacted:
                self.notices.append(_notice_for(c.collected.decision, plan.redacted))
            if c.where == "query":
                self.scope["query_string"] = rebuilt
            else:
                new_body = rebuilt
        if new_body is not None:
            _set_header(self.scope, b"content-length", str(len(new_body)).encode())
            _del_header(self.scope, b"content-encoding")
            _del_header(self.scope, b"transfer-encoding")
            return _replay(new_body, receive)
        return _replay(body, receive) if had_body else receive

    async def refuse_submission(self, decision: Decision, cannot_change: bool = False) -> None:
        message = None
        if cannot_change:
            message = ("This request was refused: it holds information the law does not allow here, in a form the "
                       "guard cannot remove it from without changing the rest. Remove that information and send it "
                       "again.")
        await self.respond(errors.refusal(decision, status=self.route.refuse_status, request_id=self.request_id,
                                          html_wanted=self.html_wanted, lang=self.lang,
                                          categories=self.guard.policy.file.categories,
                                          source=self.guard.policy.file.title, message=message))
        raise _Refused

    def parse_body(self, body: bytes, mt: str, params: Mapping[str, str]) -> requests.ParsedBody:
        if mt == "application/x-www-form-urlencoded":
            return requests.sniff_json(body, self.limits) or requests.parse_urlencoded(body, self.limits)
        if mt == "multipart/form-data":
            return requests.parse_multipart(body, params.get("boundary"), self.limits)
        if mt in requests.GRAPHQL_TYPES:
            return requests.parse_graphql(body, self.limits)
        if requests.is_json_type(mt):
            return requests.parse_json(body, self.limits)
        raise UnparseableInputError(f"request bodies of type `{mt[:60] or 'unknown'}` cannot be inspected")

    async def read_body(self, receive: Receive, hdrs: Mapping[bytes, bytes]) -> tuple[bytes, bool]:
        cl = hdrs.get(b"content-length")
        if cl is not None:
            try:
                n = int(cl)
            except ValueError:
                raise UnparseableInputError("the Content-Length header is not a number") from None
            if n < 0:
                raise UnparseableInputError("the Content-Length header is negative")
            if n > self.limits.max_body_bytes:
                raise LimitExceededError("request body size in bytes", self.limits.max_body_bytes, n)
        # No Content-Length and no Transfer-Encoding does not mean no body (HTTP/2 needs neither):
        # every request's body is read, so the app never reads bytes the guard did not see.
        chunks: list[bytes] = []
        size = 0
        while True:
            msg = await receive()
            if msg["type"] == "http.disconnect":
                raise _Refused  # the client went away: nothing to answer
            chunk = msg.get("body", b"")
            size += len(chunk)
            if size > self.limits.max_body_bytes:
                raise LimitExceededError("request body size in bytes", self.limits.max_body_bytes)
            chunks.append(chunk)
            if not msg.get("more_body", False):
                break
        return b"".join(chunks), True

    # -- response ------------------------------------------------------------------------------
    def _trailers_gate(self, send: Send) -> Send:
        """Trailers are output (issue 10, F02): they reach the client only on a response passed
        through unchanged to a requester nothing is withheld from; otherwise they are dropped and
        the start no longer announces them (a server would wait for trailers that never come)."""

        async def out(message: Message) -> None:
            t = message.get("type")
            if t == "http.response.start" and message.get("trailers") and not self.forwards_trailers:
                message = {**message, "trailers": False}
            elif t == "http.response.trailers" and not self.forwards_trailers:
                return
            await send(message)

        return out

    @property
    def forwards_trailers(self) -> bool:
        return self.passing and (self.route.monitor or not self.redacting)

    async def send_wrapper(self, message: Message) -> None:
        assert self.send is not None
        if self.done:
            return
        t = message["type"]
        if t == "http.response.start":
            if self.notices:
                message = _with_notice_header(message, self.notices)
            self.start = message
            await self.on_start(message)
            return
        if self.passing:
            await self.send(message)
            return
        if self.sniffing:
            await self.sniff(message)
            return
        if self.head_only:  # a HEAD response: whatever body the app sends is not sent on
            if t in ("http.response.pathsend",) or (t == "http.response.body" and not message.get("more_body")):
                await self.send({"type": "http.response.body", "body": b""})
                self.done = True
            return
        if t == "http.response.body":
            chunk = message.get("body", b"")
            if chunk and self.empty_only and not self.route.monitor:
                await self.refuse_response("responses of type `unknown` cannot be checked for this requester, so it "
                                           "was not sent")
                return
            self.size += len(chunk)
            limit = self.response_limit()
            if self.forms_only and self.size > self.limits.max_html_bytes and await self.pass_past_forms(message):
                return
            if self.size > limit:
                await self.limit_refusal(LimitExceededError("response size in bytes", limit), response=True)
                return
            self.chunks.append(chunk)
            if not message.get("more_body", False):
                await self.finish(b"".join(self.chunks))
            return
        if t == "http.response.pathsend":
            if self.forms_only and await self.pathsend_without_forms(message):
                return
            data = await _read_file(message.get("path", ""), self.response_limit())
            if data is None:
                await self.limit_refusal(LimitExceededError("response size in bytes", self.response_limit()), response=True)
                return
            await self.finish(data)
            return
        if t == "http.response.trailers":
            self.trailers.append(message)
            return
        await self.refuse_response("the response was sent in a form the guard cannot inspect")

    async def pathsend_without_forms(self, message: Message) -> bool:
        """A JSON or untyped file held only for its forms: sent as the file (untouched) when its
        first ``max_html_bytes`` show no form; False when it must be read and checked."""
        assert self.send is not None and self.start is not None
        try:
            head = await _read_head(message.get("path", ""), self.limits.max_html_bytes + 1)
        except UnparseableInputError:
            return False  # read (and refused) by the ordinary path
        if encoding.encodings(_h(self.start_hdrs(), b"content-encoding")) \
                or json_forms.might_hold_forms(head) or unknown_type.sniff_kind(head) == "html":
            return False
        self.forms_only, self.passing = False, True
        if not await self.header_decision_audited():
            return True
        await self.send({**self.start, "headers": self.out_headers(self.start.get("headers") or [],
                                                                   redacted=self.redacted_any)})
        await self.send(message)
        return True

    async def pass_past_forms(self, message: Message) -> bool:
        """A JSON or untyped body held only for its forms grew past ``max_html_bytes``: when what
        was held shows no form (no definition, no markup, not a page), the response streams on
        (a large export is not refused for its size); otherwise False — it is refused by size."""
        assert self.send is not None and self.start is not None
        held = b"".join([*self.chunks, message.get("body", b"")])
        ce = _h(self.start_hdrs(), b"content-encoding")
        if encoding.encodings(ce) or json_forms.might_hold_forms(held) or unknown_type.sniff_kind(held) == "html":
            return False
        self.forms_only, self.passing, self.chunks = False, True, []
        if not await self.header_decision_audited():
            return True
        await self.send({**self.start, "headers": self.out_headers(self.start.get("headers") or [],
                                                                   redacted=self.redacted_any)})
        await self.send({**message, "body": held})
        return True

    async def sniff(self, message: Message) -> None:
        """A binary pass-through type to a restricted requester: the first bytes must be binary
        (``sniff.looks_like_text``); then the response streams on, else it is refused."""
        from .sniff import SNIFF_BYTES, looks_like_text

        assert self.send is not None and self.start is not None
        t = message["type"]
        if t == "http.response.body":
            self.chunks.append(message.get("body", b""))
            self.size += len(message.get("body", b""))
            more = bool(message.get("more_body", False))
            ce = _h(self.start_hdrs(), b"content-encoding")
            if self.size < (SNIFF_BYTES if not encoding.encodings(ce) else 8 * SNIFF_BYTES) and more:
                return
            head = b"".join(self.chunks)
            self.chunks = []
            try:  # an encoded body is looked at decoded (text inside gzip is still text)
                sample = encoding.decode_prefix(head, ce, SNIFF_BYTES) if encoding.encodings(ce) else head
            except UnparseableInputError as exc:
                await self.refuse_response(str(exc))
                return
            if looks_like_text(sample[:SNIFF_BYTES]):
                await self.refuse_response("a body labelled as binary content is text, which cannot be checked for "
                                           "this requester")
                return
            self.sniffing, self.passing = False, True
            await self.send({**self.start, "headers": self.out_headers(self.start.get("headers") or [],
                                                                       redacted=self.redacted_any)})
            await self.send({**message, "body": head, "more_body": more})
            return
        if t == "http.response.pathsend":
            try:
                first = await _read_head(message.get("path", ""), 8 * SNIFF_BYTES)
            except UnparseableInputError as exc:
                await self.refuse_response(str(exc))
                return
            ce = _h(self.start_hdrs(), b"content-encoding")
            try:
                first = encoding.decode_prefix(first, ce, SNIFF_BYTES) if encoding.encodings(ce) else first
            except UnparseableInputError as exc:
                await self.refuse_response(str(exc))
                return
            if looks_like_text(first):
                await self.refuse_response("a file labelled as binary content is text, which cannot be checked for "
                                           "this requester")
                return
            self.sniffing, self.passing = False, True
            await self.send({**self.start, "headers": self.out_headers(self.start.get("headers") or [],
                                                                       redacted=self.redacted_any)})
            await self.send(message)
            return
        if t == "http.response.trailers":
            self.trailers.append(message)
            return
        await self.refuse_response("the response was sent in a form the guard cannot inspect")

    def disclosed_in_full(self) -> Decision:
        """The audit record of a response sent unchanged to a class the pack audits (``audited``)."""
        return self.guard.decide("disclose", [Item("response", frozenset(), ("disclosed in full to a requester class "
                                                                            "the policy audits",), carve_out=False)],
                                 scope=self.route.scope, requester=self.requester, purpose=self.purpose, claims=())

    def response_limit(self) -> int:
        assert self.start is not None
        mt, _ = requests.media_type(_h(self.start_hdrs(), b"content-type"))
        return self.limits.max_html_bytes if mt in HTML_TYPES else self.limits.max_response_bytes

    # -- who receives this response, and what the policy withholds from them ----------------------
    def start_hdrs(self) -> dict[bytes, bytes]:
        """The response start's headers as a mapping (``_raw_headers``), read once per start message."""
        memo = self.__dict__.get("_start_hdrs")
        if memo is not None and memo[0] is self.start:
            return memo[1]
        assert self.start is not None
        h = _raw_headers(self.start)
        self._start_hdrs = (self.start, h)
        return h

    @property
    def aud(self) -> Audience:
        # read several times per request: remembered for the (requester, purpose) it was read for
        # (the requester may change once the app has authenticated: see on_start)
        memo = self.__dict__.get("_aud_memo")
        if memo is not None and memo[0] is self.requester and memo[1] == self.purpose and memo[2] is self.guard.policy:
            return memo[3]
        a = self.mw.audience(self.route, self.requester, self.purpose)
        self._aud_memo = (self.requester, self.purpose, self.guard.policy, a)
        return a

    @property
    def restricted(self) -> bool:
        """Pack-restricted (federal, ICE, unknown) or default-denied on this route (the public in
        police scope): unredactable types are refused, not passed."""
        return self.mw.restricted(self.requester) or self.aud.default_deny

    @property
    def redacting(self) -> bool:
        return self.restricted or self.aud.restricted

    def disclosure(self) -> Disclosure:
        return Disclosure(self.guard, self.aud, self.limits)

    def out_headers(self, headers: Sequence[tuple[bytes, bytes]], *, redacted: bool) -> list[tuple[bytes, bytes]]:
        """The checked headers (see ``headers.check_headers``) with the cache directives this
        route's responses need."""
        out = list(self.headers_out if self.headers_out is not None else headers)
        if self.mw._varies.get(self.route.prefix) or redacted:
            out = private_cache(out, no_store=redacted)
        return out

    async def on_start(self, start: Message) -> None:
        assert self.send is not None
        req = await self.mw.requester_for(self.scope)  # the app may have authenticated by now
        if req != self.requester and req.cls != "unknown":
            self.requester = req
        self.response_requester = self.requester
        status = int(start.get("status", 200))
        hdrs = self.start_hdrs() if start is self.start else _raw_headers(start)
        mt, _ = requests.media_type(_h(hdrs, b"content-type"))
        restricted = self.restricted
        redacting = self.redacting
        if redacting:
            checked, self.header_decision = check_headers(
                list(start.get("headers") or []), self.aud, self.guard.classifier, self.decide_disclose,
                self.route.passthrough_response_headers)
            withheld = self.header_decision is not None and self.header_decision.effect in WITHHELD
            if self.route.monitor:  # report-only: decided and audited, headers sent unchanged
                if withheld:
                    self.monitor_log("withhold response headers", self.header_decision)
            else:
                self.headers_out = checked
                self.redacted_any = withheld
        kind = responses.kind_of(mt)
        is_html = kind == "html"
        if redacting and not self.route.monitor and any(k.lower() in SERVER_BODY_HEADERS for k, _ in start.get("headers") or ()):
            # the front server would send a file or an internal location instead of this body
            await self.refuse_response("the response asks the front server to send other content (X-Accel-Redirect, "
                                       "X-Sendfile), which the guard cannot check")
            return
        if redacting and not self.route.monitor and 300 <= status < 400 and status != 304:
            # a redirect: its Location (checked above, like every header) is what the client needs;
            # its body is a courtesy page nobody checks field by field — not sent
            await self.send_without_body(start, status)
            return
        if restricted and not self.route.monitor and status >= 400 and self.method != "HEAD" \
                and kind not in STRUCTURED_KINDS:
            # an error page (a stack trace, a debug page, an echo of the request) cannot be checked
            # field by field: a restricted requester gets the guard's own error with the same status
            await self.replace_error_page(start, status)
            return
        if not redacting and self.requester.cls in self.mw._audited_requesters \
                and self.mw._varies.get(self.route.prefix):
            try:  # a disclosure the pack audits though nothing is withheld (a state agency, police records)
                await self.audit([self.disclosed_in_full()], force=True)
            except _AuditDown as down:
                await self.respond(down.error)
                return
        if redacting and not self.route.monitor and (status < 200 or status in NO_BODY_STATUS):
            await self.start_without_body(start, status)  # issue 10, F01
            return
        sniff = False
        if status < 200 or status in NO_BODY_STATUS or (
                _type_matches(mt, self.route.passthrough_response_types) and not (restricted and carries_text(mt))):
            work = False
            has_body = 200 <= status and status not in NO_BODY_STATUS and self.method != "HEAD"
            if restricted and has_body and not self.route.public_binary:
                # an image, a scan, a video cannot be checked: a booking photo or a scanned detainer
                # can carry a release date (040(e)); only a route declaring its binary content
                # public lets it reach a restricted requester
                await self.refuse_response(f"binary content (`{mt[:60]}`) cannot be checked for this requester, and "
                                           "this route does not declare its binary content public")
                return
            # a binary type passes to a restricted requester only if the bytes are binary too: a
            # text body under an image / audio / video label is refused (see ``sniff.py``)
            sniff = restricted and has_body
        elif redacting and kind is not None:
            work = True
        elif redacting and not restricted and mt in TEXT_KINDS:
            work = True  # plain text: read as free text, spans withheld (never passed unchanged)
        elif restricted or redacting and carries_text(mt):
            if not mt and (_h(hdrs, b"content-length") == "0" or self.method == "HEAD"):
                work = False
            elif not mt and _h(hdrs, b"content-length") is None:
                work = True  # no type and no length: refused at its first byte, sent only if empty
                self.empty_only = True
            else:
                await self.refuse_response(f"responses of type `{mt[:60] or 'unknown'}` cannot be checked for "
                                           "this requester, so it was not sent")
                return
        else:  # outgoing forms are checked for everyone: in HTML, JSON (definitions, markup) and untyped bodies
            # (a HEAD, a range (206) or an error response serves no form: it passes as before)
            work = is_html or (self.method != "HEAD" and 200 <= status < 300 and status != 206
                               and (kind in ("json", "jsonp") or unknown_type.is_unknown(mt) or mt in TEXT_KINDS))
            self.forms_only = work and not is_html
        if not work:
            if not await self.header_decision_audited():
                return
            if sniff and not self.route.monitor:
                self.sniffing = True  # the start waits for the first bytes of the body
                return
            self.passing = True
            headers = self.out_headers(start.get("headers") or [], redacted=self.redacted_any)
            await self.send({**start, "headers": headers})
            return
        if status == 206:
            await self.refuse_response("a partial response (206) cannot be checked; request the whole resource")
            return
        if not encoding.can_decode(_h(hdrs, b"content-encoding")):
            await self.refuse_response("the response's content encoding cannot be decoded for checking")
            return
        if self.method == "HEAD":  # no body to check; the length of the checked body is unknown
            self.head_only = True
            headers = self.out_headers(start.get("headers") or [], redacted=self.redacted_any)
            await self.send({**start, "headers": [(k, v) for k, v in headers if k.lower() != b"content-length"]})
            return
        # otherwise hold the start back until the whole body is here

    async def header_decision_audited(self, *, force: bool = False) -> bool:
        """Audit the decision on the response headers, if one was made; False when the audit log is
        down and the request was answered with its error (fail closed)."""
        if self.header_decision is None:
            return True
        try:
            await self.audit([self.header_decision], force=force)
        except _AuditDown as down:
            await self.respond(down.error)
            return False
        return True

    async def send_without_body(self, start: Message, status: int) -> None:
        """A redirect to a requester the route redacts for: its checked headers, no body."""
        assert self.send is not None
        if not await self.header_decision_audited(force=self.restricted):
            return
        headers = [(k, v) for k, v in self.out_headers(start.get("headers") or [], redacted=True)
                   if k.lower() not in (b"content-length", b"content-encoding", b"content-type", b"etag",
                                        b"transfer-encoding", b"content-md5", b"digest", b"content-digest")]
        self.done = True
        await self.send({**start, "headers": [*headers, (b"content-length", b"0")]})
        await self.send({"type": "http.response.body", "body": b""})

    async def replace_error_page(self, start: Message, status: int) -> None:
        """The application's error page, to a restricted requester: withheld (audited), replaced by
        the guard's own error with the same status and the headers a client needs to act on it."""
        log.warning("status_guard: withheld the application's error page (%s) on %s for a %s requester [request %s]",
                    status, self.audit_route, self.requester.cls, self.request_id)
        try:
            await self.audit([self.refusal_decision(f"an error page ({status}) from the application")], force=True)
        except _AuditDown as down:
            await self.respond(down.error)
            return
        err = errors.problem(status, "application_error", f"The application answered with an error ({status}); "
                             "its error page was withheld because it cannot be checked for this requester.",
                             request_id=self.request_id, html_wanted=self.html_wanted, lang=self.lang)
        keep = [(k, v) for k, v in (self.headers_out if self.headers_out is not None else start.get("headers") or [])
                if k.lower() in ERROR_HEADERS]
        await self.respond(dataclasses.replace(err, headers=(*err.headers, *keep)))

    async def start_without_body(self, start: Message, status: int) -> None:
        """1xx / 204 / 205 / 304 carry no body (RFC 9110 §15): to a requester something is withheld
        from, whatever body the app sends with one is dropped, never passed unchecked; the
        (checked) headers are sent."""
        if not await self.header_decision_audited():
            return
        self.head_only = True
        headers = [(k, v) for k, v in self.out_headers(start.get("headers") or [], redacted=self.redacted_any)
                   if k.lower() not in (b"content-length", b"transfer-encoding")]
        if status == 205:
            headers.append((b"content-length", b"0"))
        assert self.send is not None
        await self.send({**start, "headers": headers})

    async def finish(self, raw: bytes) -> None:
        assert self.send is not None and self.start is not None
        hdrs = self.start_hdrs()
        ce = _h(hdrs, b"content-encoding")
        mt, params = requests.media_type(_h(hdrs, b"content-type"))
        if not mt and self.restricted and not self.route.monitor:
            if raw:  # no type: only an empty body can be sent
                await self.refuse_response("responses of type `unknown` cannot be checked for this requester, so it "
                                           "was not sent")
                return
            await self.send({**self.start, "headers": self.out_headers(self.start.get("headers") or [],
                                                                       redacted=self.redacted_any)})
            await self.send({"type": "http.response.body", "body": b""})
            self.done = True
            return
        charset = params.get("charset", "utf-8")
        try:
            body = encoding.decode(raw, ce, self.response_limit()) if ce else raw
            if self.forms_only and not json_forms.might_serve_forms(body, mt):
                new, decisions = None, []  # held only for its forms, and it shows none: sent as it came
            else:
                # a body checked before for this audience is answered on the loop (one digest, no
                # thread hop); the digest of a large body is taken in the worker thread instead
                key = self.verdict_key(body, mt, charset) if len(body) <= ON_LOOP_DIGEST_BYTES else _UNSET
                hit = self.mw.verdicts.get(key) if key is not _UNSET and self.mw.verdicts is not None else None
                if hit is not None:
                    self.learn(hit.learned)
                    new, decisions = hit.body, list(hit.decisions)
                else:
                    new, decisions = await inspect_off_loop(self.limits, cost.work_estimate(body),
                                                            self.process_response, body, mt, charset, key)
        except LimitExceededError as exc:
            await self.limit_refusal(exc, response=True)
            return
        except UnparseableInputError as exc:
            await self.refuse_response(f"{exc}; it could not be checked, so it was not sent", original=raw)
            return
        if self.header_decision is not None:
            decisions = [*decisions, self.header_decision]
        try:
            await self.audit(decisions, force=self.restricted)
        except _AuditDown as down:
            await self.respond(down.error)
            return
        if self.route.monitor:
            for d in decisions:
                if d.effect in WITHHELD:
                    self.monitor_log(f"{d.effect.value} response fields", d)
            new = None
        withheld = bool(decisions) and any(d.effect in WITHHELD for d in decisions)
        if self.route.monitor:
            self.headers_out = None  # report-only: headers unchanged too
        if new is None:
            headers = self.out_headers(self.start.get("headers") or [], redacted=withheld and not self.route.monitor)
            await self.send({**self.start, "headers": headers})
            await self.send({"type": "http.response.body", "body": raw, "more_body": False})
        else:  # other bytes than the app's: its length, encoding, validators and digests do not hold
            headers = [(k, v) for k, v in self.out_headers(self.start.get("headers") or [], redacted=withheld)
                       if k.lower() not in (b"content-length", b"content-encoding", b"etag", b"content-md5",
                                            b"digest", b"content-digest", b"repr-digest")]
            headers.append((b"content-length", str(len(new)).encode()))
            await self.send({**self.start, "headers": headers})
            await self.send({"type": "http.response.body", "body": new, "more_body": False})
        self.done = True  # trailers of a checked body are dropped (``_trailers_gate``)

    def verdict_key(self, body: bytes, mt: str, charset: str) -> Any:
        """The remembered-verdict key of this response body for this audience, or None."""
        cache = self.mw.verdicts
        if cache is None or self.notices:  # notices are this request's own words: never cached
            return None
        return cache.key(self.verdict_context(mt, charset), body)

    def process_response(self, body: bytes, mt: str, charset: str, key: Any = _UNSET) -> tuple[bytes | None, list[Decision]]:
        """The checked body (``None`` when unchanged) and the decisions behind it — remembered
        for this audience when the same body was checked before (see verdict_cache). Pure CPU work
        on this request's own state: safe to run in a worker thread. ``key``: the verdict key when
        the caller already looked it up (a miss), else ``_UNSET``."""
        cache = self.mw.verdicts
        if key is _UNSET:
            key = self.verdict_key(body, mt, charset)
            hit = cache.get(key) if cache is not None else None
            if hit is not None:
                self.learn(hit.learned)
                return hit.body, list(hit.decisions)
        new, decisions, learned = self.check_response(body, mt, charset)
        self.learn(learned)
        if cache is not None:
            cache.put(key, Verdict(new, tuple(decisions), learned))
        return new, decisions

    def verdict_context(self, mt: str, charset: str) -> tuple[Any, ...]:
        """Everything a response check depends on besides the body (see verdict_cache)."""
        status = int(self.start.get("status", 200)) if self.start is not None else 200
        return (id(self.guard.policy), id(self.route), self.requester, self.purpose, self.lang, mt, charset,
                self.scope.get("path", ""), 200 <= status < 300, self.restricted, self.redacting)

    def learn(self, learned: Any) -> None:
        if learned and self.mw.form_map is not None and self.start is not None \
                and 200 <= int(self.start.get("status", 200)) < 300:
            self.mw.form_map.learn(learned, self.route.route_label)

    def check_response(self, body: bytes, mt: str, charset: str) -> tuple[bytes | None, list[Decision], Any]:
        """The check itself: checked body or None, decisions, what the page's forms ask."""
        learned = None
        restricted = self.restricted
        redacting = self.redacting
        decisions: list[Decision] = []
        changed = False
        kind = responses.kind_of(mt)
        http_charset = charset
        if self.start is not None:  # the page is read in the encoding a browser reads it in (page_charset)
            http_charset = requests.media_type(_h(self.start_hdrs(), b"content-type"))[1].get("charset")
        if kind is None and unknown_type.is_unknown(mt) and not restricted:
            kind = unknown_type.sniff_kind(body)  # as a browser (or the page's script) reads it
        if (kind == "jsonp" or (kind is None and mt in TEXT_KINDS)) and not restricted:
            # a script file or a text body a page's script reads: its form definitions and markup
            sf = json_forms.rewrite_script_forms(body, http_charset, item=self.form_item, decide=self.decide_collect,
                                                 mode=self.route.form_mode, notice=self.form_notice,
                                                 page_path=self.scope.get("path", ""), route_prefix=self.route.prefix)
            decisions.extend(sf.decisions)
            learned = sf.learned
            if sf.body is not None:
                body, changed = sf.body, True
        if kind == "json":  # form definitions and markup served as JSON (for everyone)
            jf = json_forms.rewrite_json_forms(body, http_charset, item=self.form_item, decide=self.decide_collect,
                                               mode=self.route.form_mode, notice=self.form_notice,
                                               page_path=self.scope.get("path", ""), route_prefix=self.route.prefix)
            decisions.extend(jf.decisions)
            learned = jf.learned
            if jf.body is not None:
                body, changed = jf.body, True
            if not responses.kind_of(mt):
                kind = None  # sniffed: nothing else to do for this requester
        if kind == "html":
            from .page_charset import page_encoding

            rw = forms.rewrite_forms(body, item=self.form_item, decide=self.decide_collect, mode=self.route.form_mode,
                                     notice=self.form_notice, charset=http_charset, page_path=self.scope.get("path", ""),
                                     limits=self.limits, route_prefix=self.route.prefix)
            charset = page_encoding(rw.html if rw.html is not None else body, http_charset).codec or charset
            if rw.decision is not None and rw.decision.hits:
                decisions.append(rw.decision)
            learned = rw.learned
            if rw.html is not None:
                body, changed = rw.html, True
            if self.notices:
                noted = forms.insert_notice(body, self.removal_notice(), charset)
                if noted is not None:
                    body, changed = noted, True
            if redacting:
                mode = self.route.restricted_html
                if mode == "auto":
                    mode = "refuse" if restricted and self.aud.default_deny else "tables"
                if mode == "refuse" and restricted:
                    raise UnparseableInputError("this HTML page holds records that cannot be checked field by field "
                                                "for this requester (use the JSON or CSV export)")
                from .html_body import redact_html

                r = redact_html(body, charset, self.disclosure(), header_item=self.names_protected_columns)
                decisions.extend(r.decisions)
                if r.body != body:
                    body, changed = r.body, True
        elif redacting and kind is None and mt in TEXT_KINDS:
            r = responses.redact_text(body, charset, self.disclosure())
            decisions.extend(r.decisions)
            if r.body != body:
                body, changed = r.body, True
        elif redacting and kind is not None:
            # the body modules return the bytes to send: the checked document, serialised — never
            # the original after a check, even when nothing was withheld (see json_body, csv_body)
            r = responses.redact_body(kind, body, charset, mt, self.disclosure())
            decisions.extend(r.decisions)
            if r.body != body:
                body, changed = r.body, True
        return (body if changed else None), decisions, learned

    # -- decisions used by the body processors ---------------------------------------------------
    def names_protected_columns(self, texts: Sequence[str]) -> bool:
        """Whether a first table row of ``<td>`` names protected columns (then it is a header)."""
        items = [self.guard.item(t) for t in texts]
        return any(f.categories and f.effect in WITHHELD for f in self.decide_disclose(items).fields)

    def decide_disclose(self, items: Sequence[Item]) -> Decision:
        return self.guard.decide("disclose", list(items), scope=self.route.scope, requester=self.requester,
                                 purpose=self.purpose, claims=(), public_record_fields=self.mw._route_public[self.route.prefix])

    def form_item(self, path: str, label: str | None, value: Any) -> Item:
        """A page's question, read like a submitted answer (collection.items): its name and label
        ask; option texts count only when the name and label say nothing else."""
        from ..collection import build_items
        from ..collection.view import Leaf

        # the same question (name, label, options) reads the same on every page (issue 15): its
        # item is remembered per middleware; the options are copied into the key
        try:
            key: Any = (id(self.guard.policy), path, label, tuple(value) if isinstance(value, list) else value)
            hit = self.mw._form_items.get(key)
        except TypeError:
            key, hit = None, None
        if hit is not None:
            return hit
        item = build_items(self.guard, [Leaf(value, (path,), path, path, label=label)], text=False)[0].item
        if key is not None:
            if len(self.mw._form_items) > 8192:
                self.mw._form_items.clear()
            self.mw._form_items[key] = item
        return item

    def removal_notice(self) -> str:
        """What the person is told when words were removed from what they wrote (040(k))."""
        parts = []
        for _cites, _paths, d in self.notices:
            hits = [h for h in d.hits if h.effect is Effect.REDACT]
            if hits:
                parts.append(d.reason_for(hits[0], self.lang))
        cites = ", ".join(dict.fromkeys(c for c, _, _ in self.notices))
        return f"{' '.join(dict.fromkeys(parts))} ({self.guard.policy.file.title}, {cites})"

    def decide_collect(self, items: Sequence[Item]) -> Decision:
        return self.guard.decide("collect", items, scope=self.route.scope, requester=self.requester,
                                 purpose=self.purpose, claims=self.route.exceptions, block_as_strip=True)

    def form_notice(self, decision: Decision, key: str, page_lang: str | None) -> str:
        lang = page_lang.split("-")[0].lower() if page_lang and page_lang.split("-")[0].lower() in self.mw.languages else self.lang
        f = decision.field(key)
        hits = [h for h in decision.hits if key in h.paths and h.effect in WITHHELD]
        reason = decision.reason_for(hits[0], lang) if hits else ""
        cites = ", ".join(f.citations) if f else ""
        return f"{reason} ({self.guard.policy.file.title}, {cites})".strip()

    # -- audit, refusals, logging --------------------------------------------------------------
    async def audit(self, decisions: Sequence[Decision], force: bool = False) -> None:
        kw = {"adapter": "asgi", "request_id": self.request_id, "route": self.audit_route,
              "monitor": self.route.monitor}
        items = [(d, kw) for d in decisions if force or d.hits or d.effect is not Effect.ALLOW]
        if items:
            # one group commit with the other requests' records (asgi.audit_batch): durable before
            # the response goes on; the event loop never waits on the disk
            try:
                await self.mw.audit_batcher.record(items)
            except AuditUnavailableError:
                log.error("status_guard: audit log unavailable on %s (request %s)%s", self.audit_route, self.request_id,
                          " — MONITOR MODE: not refusing" if self.route.monitor else "; refusing (fail closed)")
                if self.route.monitor:
                    return
                raise _AuditDown(errors.problem(
                    503, "audit_unavailable", "The audit log could not be written, so this action was not carried "
                    "out. Please try again later.", request_id=self.request_id, html_wanted=self.html_wanted,
                    lang=self.lang)) from None

    def monitor_log(self, what: str, d: Decision) -> None:
        log.warning("status_guard MONITOR MODE (report-only): would %s on %s for a %s requester: %s [request %s]",
                    what, self.audit_route, self.requester.cls, ", ".join(d.citations), self.request_id)

    async def respond(self, err: errors.ErrorResponse) -> None:
        assert self.send is not None
        self.done = True
        await self.send({"type": "http.response.start", "status": err.status, "headers": list(err.headers)})
        await self.send({"type": "http.response.body", "body": b"" if self.method == "HEAD" else err.body})

    def refusal_decision(self, why: str) -> Decision:
        """A response withheld whole (it could not be checked): what this requester may not receive
        here, withheld — audited like any other withholding (value-free: ``why`` names a format or a
        limit, never content)."""
        hidden = self.aud.hidden if self.aud.hidden else frozenset(self.guard.policy.file.categories)
        d = self.guard.decide("disclose", [Item("response.body", hidden, (f"withheld whole: {why}",), carve_out=False)],
                              scope=self.route.scope, requester=self.requester, purpose=self.purpose, claims=())
        fields = tuple(dataclasses.replace(f, effect=Effect.BLOCK) for f in d.fields)
        return dataclasses.replace(d, effect=Effect.BLOCK, fields=fields)

    def request_refusal_decision(self, why: str) -> Decision:
        """A request refused whole (it could not be read, so it could not be checked): what the
        route may not collect, refused — audited like any other refusal (``why`` names no content)."""
        cats = frozenset(self.guard.policy.file.categories)
        d = self.guard.decide("collect", [Item("request.body", cats, (f"refused whole: {why}",), carve_out=False)],
                              scope=self.route.scope, requester=self.requester, purpose=self.purpose, claims=())
        fields = tuple(dataclasses.replace(f, effect=Effect.BLOCK) for f in d.fields)
        return dataclasses.replace(d, effect=Effect.BLOCK, fields=fields)

    async def refuse_response(self, why: str, original: bytes | None = None) -> None:
        log.warning("status_guard: refused a response on %s for a %s requester: %s [request %s]",
                    self.audit_route, self.requester.cls, why, self.request_id)
        try:
            await self.audit([self.refusal_decision(why)], force=True)
        except _AuditDown as down:
            if not self.route.monitor:
                await self.respond(down.error)
                return
        if self.route.monitor and self.start is not None:
            log.warning("status_guard MONITOR MODE (report-only): the response above was sent unchanged")
            assert self.send is not None
            await self.send(self.start)
            if original is None:
                self.passing = True  # the rest streams through
            else:
                await self.send({"type": "http.response.body", "body": original})
                self.done = True
            return
        await self.respond(errors.problem(403, "response_not_checkable", f"The response was withheld: {why}.",
                                          request_id=self.request_id, html_wanted=self.html_wanted, lang=self.lang))

    async def limit_refusal(self, exc: LimitExceededError, response: bool = False) -> None:
        if response and not self.route.monitor:  # a response withheld whole is audited like any refusal
            try:
                await self.audit([self.refusal_decision(f"over the limit on {exc.what}")], force=True)
            except _AuditDown as down:
                await self.respond(down.error)
                return
        elif not response and exc.what in cost.AUDITED_REQUEST_LIMITS:  # read in part, then refused: audited
            try:
                await self.audit([self.request_refusal_decision(f"over the limit on {exc.what}")], force=True)
            except _AuditDown as down:
                await self.respond(down.error)
                return
        too_large = any(s in exc.what for s in SIZE_LIMITS)
        status = 413 if too_large else 400
        who = "response" if response else "request"
        code = f"{who}_too_large" if too_large else f"{who}_over_limit"
        await self.respond(errors.problem(status, code, f"The {who} was refused: {exc}.", request_id=self.request_id,
                                          html_wanted=self.html_wanted, lang=self.lang,
                                          extra={"limit": exc.what, "max": exc.limit}))


_AUDIT_LIMITERS: Any = None
_INSPECT_LIMITERS: Any = None
#: inspections running at once in worker threads, per event loop: they share the GIL with the
#: loop, so a few at a time keep it answering; the rest wait their turn off the loop
INSPECT_THREADS = 2


async def inspect_off_loop(limits: Limits, size: int, fn: Callable[..., Any], *args: Any) -> Any:
    """``fn(*args)`` — a check of a request or a response body, pure CPU work — in a worker thread
    when its estimated work (``cost.work_estimate``: bytes, plus a weight per field and tag) is
    larger than ``limits.offload_bytes`` (a few KiB of free text already costs milliseconds of
    detection), so the event loop keeps serving the worker's other requests; at most
    ``INSPECT_THREADS`` such checks run at once per loop. The check runs within its work budget
    (``Limits.max_text_chars``): past it, LimitExceededError."""
    import functools

    from ..work_budget import within

    fn = functools.partial(within, cost.budget(limits), fn)
    if size <= limits.offload_bytes:
        return fn(*args)
    import asyncio
    import weakref

    import anyio
    import anyio.to_thread

    global _INSPECT_LIMITERS
    loop = asyncio.get_running_loop()
    if _INSPECT_LIMITERS is None:
        _INSPECT_LIMITERS = weakref.WeakKeyDictionary()
    limiter = _INSPECT_LIMITERS.get(loop)
    if limiter is None:
        limiter = _INSPECT_LIMITERS[loop] = anyio.CapacityLimiter(INSPECT_THREADS)
    return await anyio.to_thread.run_sync(functools.partial(fn, *args), limiter=limiter)


def _audit_limiter() -> Any:
    """A thread limiter for audit writes, per event loop: audit threads stuck on storage never take
    the threads the app's own sync endpoints need (anyio's default limiter)."""
    global _AUDIT_LIMITERS
    import asyncio
    import weakref

    import anyio

    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return None
    if _AUDIT_LIMITERS is None:
        _AUDIT_LIMITERS = weakref.WeakKeyDictionary()
    limiter = _AUDIT_LIMITERS.get(loop)
    if limiter is None:
        limiter = _AUDIT_LIMITERS[loop] = anyio.CapacityLimiter(16)
    return limiter


async def record_off_loop(guard: Any, decision: Decision, **kw: Any) -> None:
    """``guard.record`` in a worker thread, never on the event loop (a held lock or a slow disk must
    not freeze other requests), awaited at most the audit log's own bound (``append_timeout``); past
    it the record counts as not written: AuditUnavailableError, and the caller answers 503."""
    import functools

    import anyio

    bound = float(getattr(guard.audit, "append_timeout", 10.0) or 10.0)
    with anyio.move_on_after(bound):
        await anyio.to_thread.run_sync(functools.partial(guard.record, decision, **kw), abandon_on_cancel=True,
                                       limiter=_audit_limiter())
        return
    raise AuditUnavailableError(f"the audit log did not answer within {bound:g} s")


class _AuditDown(Exception):
    """Internal: the audit record could not be written; carries the 503 to send."""

    def __init__(self, error: errors.ErrorResponse) -> None:
        super().__init__("audit unavailable")
        self.error = error


@dataclasses.dataclass
class _Checked:
    """One part of a request (its query string or its body), parsed and decided."""

    where: str
    parsed: requests.ParsedBody
    collected: Any


def _clean(checked: Sequence[_Checked]) -> bool:
    """Whether a request check withheld nothing (no refusal, no stripped or rewritten field, nothing
    that cannot be changed): only such verdicts are remembered (request_verdicts)."""
    for c in checked:
        d = c.collected.decision
        if d.effect in WITHHELD or d.blocked or d.paths_with(Effect.STRIP) or d.paths_with(Effect.REDACT):
            return False
        plan = c.collected.plan()
        if plan.changes or plan.cannot:
            return False
    return True


def _as_refusal(decision: Decision, paths: Sequence[str]) -> Decision:
    """The decision with ``paths`` turned into refusals (a strip or rewrite that cannot be done)."""
    wanted = set(paths)
    fields = tuple(dataclasses.replace(f, effect=Effect.BLOCK) if f.path in wanted else f for f in decision.fields)
    hits = tuple(dataclasses.replace(h, effect=Effect.BLOCK) if wanted & set(h.paths) else h for h in decision.hits)
    return dataclasses.replace(decision, effect=Effect.BLOCK, fields=fields, hits=hits)


def _notice_for(decision: Decision, paths: Sequence[str]) -> tuple[str, tuple[str, ...], Decision]:
    cites = tuple(dict.fromkeys(h.citation for h in decision.hits if h.effect is Effect.REDACT))
    return (", ".join(cites), tuple(paths), decision)


def _with_notice_header(message: Message, notices: list[tuple[str, tuple[str, ...], Decision]]) -> Message:
    """``Status-Guard-Notice``: the submission was accepted with words removed (ASCII, no values)."""
    from urllib.parse import quote

    cites = ",".join(dict.fromkeys(c for c, _, _ in notices))
    fields = ",".join(quote(p, safe="") for _, paths, _ in notices for p in paths)[:512]
    value = f'removed; citation="{cites}"; fields="{fields}"'.encode("ascii", "replace")
    return {**message, "headers": [*message.get("headers", []), (b"status-guard-notice", value)]}


def _merge_for_error(decisions: list[Decision]) -> Decision:
    if len(decisions) == 1:
        return decisions[0]
    first = decisions[0]
    return dataclasses.replace(first, fields=tuple(f for d in decisions for f in d.fields),
                               hits=tuple(h for d in decisions for h in d.hits),
                               messages={k: v for d in decisions for k, v in d.messages.items()})


def _replay(body: bytes, receive: Receive) -> Receive:
    """Hand the buffered body to the app once, then the real ``receive`` (so a disconnect still
    reaches the app)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _headers(scope: Scope) -> dict[bytes, bytes]:
    out: dict[bytes, bytes] = {}
    for k, v in scope.get("headers") or ():
        k = k.lower()
        out[k] = out[k] + b", " + v if k in out else v
    return out


def _raw_headers(message: Message) -> dict[bytes, bytes]:
    return _headers({"headers": message.get("headers") or ()})


def _h(hdrs: Mapping[bytes, bytes], name: bytes) -> str | None:
    v = hdrs.get(name)
    return v.decode("latin-1") if v is not None else None


def _set_header(scope: Scope, name: bytes, value: bytes) -> None:
    scope["headers"] = [(k, v) for k, v in scope.get("headers") or () if k.lower() != name] + [(name, value)]


def _del_header(scope: Scope, name: bytes) -> None:
    scope["headers"] = [(k, v) for k, v in scope.get("headers") or () if k.lower() != name]


async def _read_head(path: str, n: int) -> bytes:
    """The first ``n`` bytes of a file (for sniffing a pathsend response)."""
    import anyio

    try:
        async with await anyio.open_file(path, "rb") as f:
            return await f.read(n)
    except OSError:
        raise UnparseableInputError("the file for this response could not be read") from None


async def _read_file(path: str, limit: int) -> bytes | None:
    import anyio

    try:
        p = anyio.Path(path)
        if (await p.stat()).st_size > limit:
            return None
        return await p.read_bytes()
    except OSError:
        raise UnparseableInputError("the file for this response could not be read") from None
