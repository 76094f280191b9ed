"""OIDC / JWT bearer tokens from the city's single sign-on (PyJWT), verified against the city's JWKS.

A token counts only if *all* hold: exactly one ``Authorization: Bearer`` header; a compact JWS no
longer than ``max_token_bytes``; its ``alg`` in the configured asymmetric list (``none`` and HMAC
algorithms are never accepted, so a public key can never be used as an HMAC secret); its key found
in the JWKS by ``kid`` (or the only key, when the set has one and the token names none), of a type
that fits the algorithm; the signature valid; ``iss`` and ``aud`` as configured; ``exp`` (and
``nbf``/``iat`` when present) within ``leeway``; the configured required claims present. Then
the claims are mapped to a class by the configured rules. Everything else is ``unknown``.

JWKS from a file works fully offline (re-read when the file changes). From a URL (the city's own
identity provider) it is fetched at start-up and refreshed every ``jwks_refresh_seconds`` in a
worker thread; a token naming an unknown ``kid`` triggers at most one early refresh per 30 s.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
import time
import urllib.request
from collections import OrderedDict
from collections.abc import Mapping, MutableMapping, Sequence
from typing import Any

import anyio
import jwt as pyjwt

from ...model import Requester
from .claims import map_claims

log = logging.getLogger("status_guard.gateway.identity")

_TOKEN_RE = re.compile(rb"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
_KTY_FOR = {"RS": "RSA", "PS": "RSA", "ES": "EC", "Ed": "OKP"}
_CRV_FOR = {"ES256": "P-256", "ES384": "P-384", "ES512": "P-521"}
KID_MISS_INTERVAL = 30.0


class JwksError(Exception):
    """The JWKS could not be loaded (start-up fails with this message; later refreshes keep the old keys)."""


def keys_from_jwks(data: Any, algorithms: Sequence[str]) -> dict[str | None, pyjwt.PyJWK]:
    """Signature keys usable with the configured algorithms, by ``kid``."""
    if not isinstance(data, Mapping) or not isinstance(data.get("keys"), list):
        raise JwksError("not a JWKS document (an object with a `keys` list)")
    out: dict[str | None, pyjwt.PyJWK] = {}
    for jwk in data["keys"]:
        if not isinstance(jwk, Mapping) or jwk.get("use", "sig") != "sig":
            continue
        if jwk.get("alg") is not None and jwk.get("alg") not in algorithms:
            continue
        if not any(_KTY_FOR[a[:2]] == jwk.get("kty") for a in algorithms):
            continue
        if "d" in jwk or "k" in jwk:
            raise JwksError("the JWKS holds a private or symmetric key; publish public keys only")
        try:
            key = pyjwt.PyJWK(dict(jwk))
        except (pyjwt.PyJWKError, pyjwt.InvalidKeyError, ValueError, TypeError) as exc:
            raise JwksError(f"a key in the JWKS cannot be read ({type(exc).__name__})") from None
        kid = jwk.get("kid") if isinstance(jwk.get("kid"), str) else None
        if kid in out:
            raise JwksError("two keys in the JWKS share one kid")
        out[kid] = key
    if not out:
        raise JwksError(f"the JWKS has no signature key usable with {', '.join(algorithms)}")
    return out


class JwksSource:
    """The current key set, from a file or the city's URL."""

    def __init__(self, *, file: str | None = None, url: str | None = None, algorithms: Sequence[str],
                 refresh_seconds: float = 300, timeout: float = 5) -> None:
        if (file is None) == (url is None):
            raise ValueError("give exactly one of file or url")
        self.file, self.url = file, url
        self.algorithms = tuple(algorithms)
        self.refresh_seconds = refresh_seconds
        self.timeout = timeout
        self._lock = threading.Lock()
        self._mtime: float | None = None
        self._checked = 0.0
        self._kid_miss_at = 0.0
        self.version = 0
        self.keys: dict[str | None, pyjwt.PyJWK] = {}
        self.load()

    def _read(self) -> Any:
        if self.file is not None:
            try:
                with open(self.file, "rb") as f:
                    return json.loads(f.read())
            except (OSError, ValueError) as exc:
                raise JwksError(f"JWKS file {self.file} cannot be read ({type(exc).__name__})") from None
        assert self.url is not None
        req = urllib.request.Request(self.url, headers={"accept": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:  # noqa: S310 - configured https URL
                body = resp.read(1 << 20)
            return json.loads(body)
        except (OSError, ValueError) as exc:
            raise JwksError(f"JWKS URL could not be fetched ({type(exc).__name__})") from None

    def load(self) -> None:
        """Load now (blocking). Raises :class:`JwksError`."""
        mtime = os.stat(self.file).st_mtime if self.file is not None and os.path.exists(self.file) else None
        keys = keys_from_jwks(self._read(), self.algorithms)
        with self._lock:
            self.keys = keys
            self._mtime = mtime
            self._checked = time.monotonic()
            self.version += 1

    def _refresh_quietly(self) -> None:
        try:
            self.load()
        except JwksError as exc:
            self._checked = time.monotonic()  # keep the old keys; try again after the interval
            log.error("status_guard gateway: JWKS refresh failed, keeping the previous keys: %s", exc)

    async def maybe_refresh(self, kid_miss: bool = False) -> None:
        now = time.monotonic()
        if self.file is not None:
            if now - self._checked < min(self.refresh_seconds, 5.0):
                return
            self._checked = now
            try:
                mtime = os.stat(self.file).st_mtime
            except OSError:
                return
            if mtime != self._mtime:
                await anyio.to_thread.run_sync(self._refresh_quietly)
            return
        due = now - self._checked >= self.refresh_seconds
        if kid_miss and now - self._kid_miss_at >= KID_MISS_INTERVAL:
            self._kid_miss_at = now
            due = True
        if due:
            self._checked = now
            await anyio.to_thread.run_sync(self._refresh_quietly)


class JwtIdentity:
    def __init__(self, source: JwksSource, *, issuer: str, audience: Sequence[str], algorithms: Sequence[str],
                 rules: Sequence[Any], default_requester: str = "unknown", leeway: int = 30,
                 required_claims: Sequence[str] = ("exp", "iat", "sub"), max_token_bytes: int = 8192,
                 header: str = "authorization", cache_size: int = 4096) -> None:
        self.source = source
        self.issuer = issuer
        self.audience = list(audience)
        self.algorithms = tuple(algorithms)
        self.rules = tuple(rules)
        self.default_requester = default_requester
        self.leeway = leeway
        self.require = sorted(set(required_claims) | {"exp", "iss", "aud"})
        self.max_token_bytes = max_token_bytes
        self.header = header.lower().encode("latin-1")
        self._cache: OrderedDict[bytes, tuple[Requester, str, float, int]] = OrderedDict()
        self._cache_size = cache_size

    def bearer(self, scope: Mapping[str, Any]) -> tuple[bytes | None, str]:
        values = [v for k, v in scope.get("headers") or () if k.lower() == self.header]
        if not values:
            return None, "missing"
        if len(values) > 1:
            return None, "invalid"  # two credentials: believe neither
        scheme, _, token = values[0].strip().partition(b" ")
        if scheme.lower() != b"bearer":
            return None, "missing"
        token = token.strip()
        if len(token) > self.max_token_bytes or not _TOKEN_RE.fullmatch(token):
            return None, "invalid"
        return token, "present"

    async def identify(self, scope: MutableMapping[str, Any]) -> tuple[Requester, str]:
        """``(requester, outcome)``; outcome is ``verified``, ``unmapped``, ``missing`` or ``invalid``."""
        token, state = self.bearer(scope)
        if token is None:
            return Requester("unknown"), state
        await self.source.maybe_refresh()
        hit = self._cache.get(token)
        now = time.time()
        if hit is not None and hit[3] == self.source.version and hit[2] + self.leeway > now:
            self._cache.move_to_end(token)
            return hit[0], hit[1]
        claims, why = self.verify(token)
        if why == "kid":
            await self.source.maybe_refresh(kid_miss=True)
            claims, why = self.verify(token)
        if claims is None:
            log.info("status_guard gateway: bearer token not accepted (%s); requester is unknown", why)
            return Requester("unknown"), "invalid"
        req, matched = map_claims(self.rules, claims, self.default_requester)
        outcome = "verified" if matched else "unmapped"
        exp = claims.get("exp")
        if isinstance(exp, (int, float)) and not isinstance(exp, bool) and not claims.get("nbf"):
            self._cache[token] = (req, outcome, float(exp), self.source.version)
            if len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return req, outcome

    def verify(self, token: bytes) -> tuple[dict[str, Any] | None, str]:
        """The verified claims, or ``(None, reason)``; the reason names a check, never a value."""
        try:
            header = pyjwt.get_unverified_header(token)
        except pyjwt.PyJWTError:
            return None, "malformed"
        alg = header.get("alg")
        if not isinstance(alg, str) or alg not in self.algorithms:
            return None, "algorithm not allowed"
        if header.get("crit") is not None:
            return None, "critical header parameters are not supported"
        kid = header.get("kid")
        keys = self.source.keys
        if kid is None:
            key = next(iter(keys.values())) if len(keys) == 1 else None
        else:
            key = keys.get(kid) if isinstance(kid, str) else None
        if key is None:
            return None, "kid"
        jwk_alg = getattr(key, "_jwk_data", {}).get("alg")
        if (jwk_alg is not None and jwk_alg != alg) or key.key_type != _KTY_FOR[alg[:2]]:
            return None, "key does not fit the algorithm"
        crv = _CRV_FOR.get(alg)
        if crv is not None and getattr(key, "_jwk_data", {}).get("crv") != crv:
            return None, "key does not fit the algorithm"
        try:
            claims = pyjwt.decode(token, key.key, algorithms=[alg], audience=self.audience, issuer=self.issuer,
                                  leeway=self.leeway, options={"require": self.require, "verify_signature": True})
        except pyjwt.ExpiredSignatureError:
            return None, "expired"
        except pyjwt.InvalidAudienceError:
            return None, "audience"
        except pyjwt.InvalidIssuerError:
            return None, "issuer"
        except pyjwt.MissingRequiredClaimError:
            return None, "missing required claim"
        except (pyjwt.PyJWTError, ValueError, TypeError):
            return None, "signature or claims invalid"
        if not isinstance(claims, dict):
            return None, "claims are not an object"
        return claims, "ok"
