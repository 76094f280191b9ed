"""``StatusGuardDjangoMiddleware``: the guard in ``settings.MIDDLEWARE`` of a Django site served
under WSGI (gunicorn, mod_wsgi).

    # settings.py
    MIDDLEWARE = [
        "django.middleware.security.SecurityMiddleware",
        "django.middleware.gzip.GZipMiddleware",                       # outside the guard
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",      # request.user for identify
        "status_guard.wsgi.django.StatusGuardDjangoMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        ...
    ]
    STATUS_GUARD = {
        "guard": "myproject.guard.guard",           # a Guard, or a dotted path to one
        "identify": "myproject.auth.requester",     # request -> class / Requester / mapping / None
        "scope": "schools",
        "routes": [RouteConfig("/police", "police")],  # or dicts with RouteConfig's fields
        # any other StatusGuardMiddleware keyword: public_record_fields, limits, verifier, monitor, ...
    }

The decisions are the ASGI middleware's (one code path, run by :mod:`.bridge`); the view runs in
the middleware's task, so the SQL hooks (``status_guard.sql.hooks.django.install``) see the
request's requester and purpose. Under ASGI, wrap ``get_asgi_application()`` in
``StatusGuardMiddleware`` instead.
"""

from __future__ import annotations

import io
from collections.abc import Callable, MutableMapping
from typing import Any

from ..asgi import RouteConfig, StatusGuardMiddleware
from .bridge import Exchange, call_sync, run, scope_from_environ

_REQUEST = "status_guard.django.request"
_EXCHANGE = "status_guard.django.exchange"
_RESPONSE = "status_guard.django.response"
SETTINGS_KEYS = {"guard", "identify", "scope", "routes", "public_record_fields", "limits", "verifier",
                 "warrant_header", "exclude", "purpose", "strip", "monitor", "form_mode", "language"}


def _resolve(value: Any) -> Any:
    if isinstance(value, str) and "." in value:
        from django.utils.module_loading import import_string

        return import_string(value)
    return value


def _config() -> dict[str, Any]:
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    cfg = dict(getattr(settings, "STATUS_GUARD", None) or {})
    unknown = set(cfg) - SETTINGS_KEYS
    if unknown:
        raise ImproperlyConfigured(f"STATUS_GUARD has unknown keys: {', '.join(sorted(unknown))}")
    if "guard" not in cfg:
        raise ImproperlyConfigured("STATUS_GUARD['guard'] must name the Guard (e.g. 'myproject.guard.guard')")
    if "identify" not in cfg:
        raise ImproperlyConfigured("STATUS_GUARD['identify'] must name a function request -> requester class "
                                   "(None means every requester is `unknown`, the most restricted class)")
    cfg["guard"] = _resolve(cfg["guard"])
    if callable(cfg["guard"]) and not hasattr(cfg["guard"], "policy"):
        cfg["guard"] = cfg["guard"]()
    cfg["identify"] = _resolve(cfg["identify"])
    cfg["routes"] = [r if isinstance(r, RouteConfig) else RouteConfig(**r) for r in cfg.get("routes", ())]
    if "verifier" in cfg:
        cfg["verifier"] = _resolve(cfg["verifier"])
    return cfg


class StatusGuardDjangoMiddleware:
    sync_capable = True
    async_capable = False

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response
        cfg = _config()
        self.identify_request = cfg.pop("identify")
        self.guarded = StatusGuardMiddleware(self._inner, identify=self._identify, **cfg)
        # Django builds its middleware when the WSGI handler is created (worker boot): warm here, so
        # no request pays for it (a WSGI server has no lifespan); raises what warming raised
        if self.guarded.warmer is not None:
            self.guarded.warmer.join()

    def _identify(self, scope: MutableMapping[str, Any]) -> Any:
        if self.identify_request is None:
            return None
        return call_sync(self.identify_request, scope[_REQUEST])

    def __call__(self, request: Any) -> Any:
        scope = scope_from_environ(request.META)
        scope["path"] = request.path  # Django's own reading (SCRIPT_NAME + PATH_INFO, decoded)
        ex = Exchange(request.read, _length(request.META), bool(request.META.get("wsgi.input_terminated")))
        scope[_REQUEST] = request
        scope[_EXCHANGE] = ex
        run(self.guarded(scope, ex.receive, ex.send))
        original = scope.get(_RESPONSE)
        if ex.passing and original is not None:
            if getattr(original, "streaming", False) and ex.passthrough_body is not None:
                original.streaming_content = ex.passthrough_body
            return original
        return _rebuilt(ex, original)

    async def _inner(self, scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
        ex: Exchange = scope[_EXCHANGE]
        request = scope[_REQUEST]
        qs = (scope.get("query_string") or b"").decode("latin-1")
        if qs != request.META.get("QUERY_STRING", ""):
            from django.http import QueryDict

            request.META["QUERY_STRING"] = qs
            request.GET = QueryDict(qs, encoding=request.encoding)
        if ex.consumed:
            body = await ex.read_body(receive)
            request._stream = io.BytesIO(body)  # noqa: SLF001 - Django reads the body from here
            request._read_started = False  # noqa: SLF001
            for attr in ("_body", "_post", "_files"):
                if attr in request.__dict__:
                    delattr(request, attr)
            request.META["CONTENT_LENGTH"] = str(len(body))
        response = call_sync(self.get_response, request)
        scope[_RESPONSE] = response
        headers = [(k.lower().encode("latin-1"), str(v).encode("latin-1")) for k, v in response.items()]
        headers += [(b"set-cookie", c.output(header="").strip().encode("latin-1")) for c in response.cookies.values()]
        if getattr(response, "streaming", False):
            body: Any = response.streaming_content
        else:
            body = [response.content]
        await ex.respond(send, response.status_code, headers, body, request.method == "HEAD")


def _length(meta: MutableMapping[str, Any]) -> int | None:
    v = meta.get("CONTENT_LENGTH")
    if v in (None, ""):
        return None
    try:
        return max(int(v), 0)
    except ValueError:
        return 0


def _rebuilt(ex: Exchange, original: Any) -> Any:
    """The middleware answered differently (refusal, redaction, a rewritten form): a new response
    with its status, headers and body. The app's cookies are kept only if its answer was kept."""
    from django.http import HttpResponse

    resp = HttpResponse(content=b"".join(ex.chunks), status=ex.status or 500)
    for k in list(resp.headers):
        del resp.headers[k]
    for k, v in ex.headers:
        name = k.decode("latin-1")
        if name == "set-cookie":
            continue
        value = v.decode("latin-1")
        resp.headers[name] = f"{resp.headers[name]}, {value}" if name in resp.headers else value
    if original is not None and original.status_code == resp.status_code:
        resp.cookies = original.cookies
    return resp
