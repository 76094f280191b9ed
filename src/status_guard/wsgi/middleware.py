"""``StatusGuardWSGIMiddleware``: the ASGI middleware's decisions for any WSGI app (Flask, Django
under gunicorn, Pyramid, a bare PEP 3333 callable).

    from status_guard import Guard
    from status_guard.wsgi import StatusGuardWSGIMiddleware

    guard = Guard.default(audit="jsonl:/var/log/status_guard/audit.jsonl")
    app = StatusGuardWSGIMiddleware(app, guard=guard, scope="schools",
                                    identify=lambda environ: environ.get("myapp.requester_class"))

Every keyword but ``identify`` is :class:`~status_guard.asgi.StatusGuardMiddleware`'s (routes,
limits, public_record_fields, verifier, monitor, ...). ``identify(environ)`` sees the server's
own environ (``REMOTE_USER``, keys set by an authentication middleware outside this one).
"""

from __future__ import annotations

import http
import io
from collections.abc import Callable, Iterable, MutableMapping
from typing import Any

from ..asgi import StatusGuardMiddleware
from .bridge import Exchange, call_sync, content_length, header_value, run, scope_from_environ

Environ = MutableMapping[str, Any]
WSGIApp = Callable[[Environ, Callable[..., Any]], Iterable[bytes]]
_ENVIRON = "status_guard.wsgi.environ"
_EXCHANGE = "status_guard.wsgi.exchange"


def status_line(status: int) -> str:
    try:
        return f"{status} {http.HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Unknown"


class StatusGuardWSGIMiddleware:
    def __init__(self, app: WSGIApp, *, guard: Any, identify: Callable[[Environ], Any] | None = None,
                 **kwargs: Any) -> None:
        self.app = app
        self.identify_environ = identify
        self.guarded = StatusGuardMiddleware(self._inner, guard=guard, identify=self._identify, **kwargs)
        # a WSGI server has no lifespan: warm here, when the server loads the app (issue 15: no
        # request pays for building the detector or the pack's data); raises what warming raised
        if self.guarded.warmer is not None:
            self.guarded.warmer.join()

    def _identify(self, scope: MutableMapping[str, Any]) -> Any:
        if self.identify_environ is None:
            return None
        return call_sync(self.identify_environ, scope[_ENVIRON])

    def __call__(self, environ: Environ, start_response: Callable[..., Any]) -> Iterable[bytes]:
        scope = scope_from_environ(environ)
        inp = environ.get("wsgi.input") or io.BytesIO()
        ex = Exchange(inp.read, content_length(environ), bool(environ.get("wsgi.input_terminated")))
        scope[_ENVIRON] = environ
        scope[_EXCHANGE] = ex
        run(self.guarded(scope, ex.receive, ex.send))
        if ex.status is None:  # pragma: no cover - the middleware always answers
            ex.status, ex.headers, ex.chunks = 500, [(b"content-type", b"text/plain")], [b"no response"]
        start_response(status_line(ex.status), [(k.decode("latin-1"), v.decode("latin-1")) for k, v in ex.headers])
        return ex.body()

    async def _inner(self, scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
        ex: Exchange = scope[_EXCHANGE]
        environ = dict(scope[_ENVIRON])
        environ["QUERY_STRING"] = (scope.get("query_string") or b"").decode("latin-1")
        if ex.consumed:  # the middleware read the body: the app gets what the middleware hands on
            body = await ex.read_body(receive)
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
            environ.pop("HTTP_TRANSFER_ENCODING", None)
            environ["wsgi.input_terminated"] = True
            if header_value(scope.get("headers") or [], b"content-encoding") is None:
                environ.pop("HTTP_CONTENT_ENCODING", None)
        captured: dict[str, Any] = {}
        written: list[bytes] = []

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], None]:
            if exc_info is not None and captured:
                raise exc_info[1].with_traceback(exc_info[2])
            captured["status"] = int(status.split(" ", 1)[0])
            captured["headers"] = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers]
            return written.append

        result = call_sync(self.app, environ, start_response)
        if "status" not in captured:  # a lazy app calls start_response on its first chunk
            it = call_sync(iter, result)
            first = call_sync(next, it, b"")
            body: Iterable[bytes] = _Chain([first], it, result)
        else:
            body = result
        if written:
            body = _Chain(written, iter(body), body)
        await ex.respond(send, captured["status"], captured["headers"], body, environ.get("REQUEST_METHOD") == "HEAD")


class _Chain:
    """``first`` then the rest of ``it``; ``close()`` reaches the app's original iterable (PEP 3333)."""

    def __init__(self, first: list[bytes], it: Any, original: Any) -> None:
        self._first = list(first)
        self._it = it
        self._original = original

    def __iter__(self) -> Any:
        yield from self._first
        yield from self._it

    def close(self) -> None:
        close = getattr(self._original, "close", None)
        if close is not None:
            close()
