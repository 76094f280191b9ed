"""Who is asking, for the gateway: never a header a client can simply set.

Two sources, tried in this order, each optional:

* :class:`~.front_proxy.FrontProxyIdentity` — a header set by a configured front proxy (nginx
  terminating the users' mTLS), believed only on a connection proven to come from that proxy;
* :class:`~.jwt.JwtIdentity` — an OIDC/JWT bearer token from the city's single sign-on, verified
  against the city's JWKS, its claims mapped to a requester class by configuration.

Anything else — no token, a token that fails verification, a header from anyone but the proxy —
is ``unknown``, the most restricted class. A request carrying both (the proxy's header and a
bearer token) is believed only when both name the same class: two credentials that disagree, or a
token that fails verification beside the header, make the requester ``unknown`` (logged, and
counted as identity source ``conflict``). :class:`GatewayIdentity` is the ``identify`` callable
handed to :class:`~status_guard.asgi.StatusGuardMiddleware`; it resolves once per request and keeps
the answer in the ASGI scope (the middleware asks again when the response starts).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, MutableMapping
from typing import Any

from ...model import Requester
from .claims import safe_agency
from .front_proxy import FrontProxyIdentity
from .jwt import JwtIdentity, JwksSource

log = logging.getLogger("status_guard.gateway.identity")

SCOPE_KEY = "status_guard.gateway.requester"
SOURCE_KEY = "status_guard.gateway.identity_source"

__all__ = ["FrontProxyIdentity", "GatewayIdentity", "JwksSource", "JwtIdentity", "SCOPE_KEY", "safe_agency"]


class GatewayIdentity:
    """``identify(scope)`` for the middleware: front proxy, then JWT, else ``unknown``.

    ``observe(source, outcome)`` (optional) is told how each request was identified, for metrics:
    source ``front_proxy`` / ``jwt`` / ``none``, outcome ``verified`` / ``missing`` / ``invalid`` /
    ``unmapped``. It is never told a token or a claim value."""

    def __init__(self, front_proxy: FrontProxyIdentity | None = None, jwt: JwtIdentity | None = None,
                 observe: Callable[[str, str], None] | None = None) -> None:
        self.front_proxy = front_proxy
        self.jwt = jwt
        self.observe = observe or (lambda source, outcome: None)

    async def __call__(self, scope: MutableMapping[str, Any]) -> Requester:
        cached = scope.get(SCOPE_KEY)
        if isinstance(cached, Requester):
            return cached
        req, source, outcome = await self.resolve(scope)
        scope[SCOPE_KEY] = req
        scope[SOURCE_KEY] = source
        self.observe(source, outcome)
        return req

    async def resolve(self, scope: MutableMapping[str, Any]) -> tuple[Requester, str, str]:
        if self.front_proxy is not None:
            req = self.front_proxy.identify(scope)
            if req is not None:
                if self.jwt is not None and self.jwt.bearer(scope)[1] != "missing":
                    # two credentials: the proxy's header and a bearer token. Neither outranks the
                    # other; they must name the same class, or the requester is `unknown`
                    tok, outcome = await self.jwt.identify(scope)
                    if outcome not in ("verified", "unmapped") or tok.cls != req.cls:
                        log.warning("status_guard gateway: the front proxy's identity and the bearer token disagree "
                                    "(token %s); the requester is unknown", outcome)
                        return Requester("unknown"), "conflict", "conflict"
                    return Requester(req.cls, req.agency or tok.agency), "front_proxy+jwt", "verified"
                return req, "front_proxy", "verified"
        if self.jwt is not None:
            req, outcome = await self.jwt.identify(scope)
            return req, "jwt", outcome
        return Requester("unknown"), "none", "missing"
