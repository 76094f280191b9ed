"""Run the (async) :class:`~status_guard.asgi.StatusGuardMiddleware` for one synchronous request.

WSGI servers (gunicorn, mod_wsgi, uWSGI) and Django's middleware chain are synchronous: a request
owns its thread until the response is returned. The bridge gives each thread its own event loop
and runs the middleware to completion on it, with an *inner* ASGI app that calls the synchronous
app (a WSGI callable, or Django's ``get_response``) **in the same thread, inside the middleware's
task** — so the request context (``status_guard.context``) that the middleware sets is the one
the app's SQL hooks see, with no thread hop and no copy. One code path: every decision is the
middleware's.

Why not a2wsgi: its WSGI→ASGI→WSGI sandwich crosses two threads per request, rebuilds the environ
(losing ``REMOTE_USER`` and the server's own keys), reads a body without ``Content-Length`` as
empty, and cannot carry a Django ``HttpRequest``.

Streaming: when the middleware passes a response start through unchanged (it does not need the
body: a local officer's CSV export, a file download), the body is *not* run through the loop: the
app's own iterable is returned to the server as is (wrapped so the request context is set again
while it is iterated). Responses the middleware must check are buffered by the middleware itself,
within its limits, exactly as under ASGI.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from typing import Any

from ..context import current, reset_context, set_context

Message = MutableMapping[str, Any]
CHUNK = 64 * 1024

_local = threading.local()


def thread_loop() -> asyncio.AbstractEventLoop:
    """This thread's private event loop (created on first use, reused for every request)."""
    loop = getattr(_local, "loop", None)
    if loop is None or loop.is_closed():
        loop = asyncio.new_event_loop()
        _local.loop = loop
    return loop


def call_sync(fn: Callable[..., Any], *args: Any) -> Any:
    """Call synchronous app code from inside the middleware's task, in this same thread.

    The private loop is marked as not running for the duration of the call, so the app is plain
    synchronous code again: Django's async-safety check (``SynchronousOnlyOperation``) and
    ``async_to_sync`` behave as under any WSGI server, and the database connection, the thread's
    locals and the request context are the ones of this request's thread."""
    loop = asyncio.events._get_running_loop()  # noqa: SLF001 - public in asyncio.events.__all__
    asyncio.events._set_running_loop(None)  # noqa: SLF001
    try:
        return fn(*args)
    finally:
        asyncio.events._set_running_loop(loop)  # noqa: SLF001


_END = object()


def run(coro: Any) -> None:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:  # pragma: no cover - a WSGI callable called from async code
        raise RuntimeError("status_guard's WSGI/Django middleware runs synchronously; under ASGI use "
                           "StatusGuardMiddleware directly")
    thread_loop().run_until_complete(coro)


class Exchange:
    """One request's traffic between the server side and the middleware."""

    def __init__(self, read: Callable[[int], bytes], content_length: int | None, read_to_eof: bool) -> None:
        self._read = read
        self._remaining = content_length
        self._to_eof = read_to_eof and content_length is None
        self.consumed = False  # the middleware read the body (so the app must get it from us)
        self._eof = False
        self.passing = False
        self.body_seen = False
        self.status: int | None = None
        self.headers: list[tuple[bytes, bytes]] = []
        self.chunks: list[bytes] = []
        self.passthrough_body: Iterable[bytes] | None = None

    # -- the server side, as the middleware sees it ----------------------------------------------------
    async def receive(self) -> Message:
        self.consumed = True
        if self._eof:
            return {"type": "http.disconnect"}
        if self._remaining is None and not self._to_eof:
            self._eof = True
            return {"type": "http.request", "body": b"", "more_body": False}
        n = CHUNK if self._remaining is None else min(CHUNK, self._remaining)
        data = self._read(n) if n > 0 else b""
        if self._remaining is not None:
            self._remaining -= len(data)
            more = self._remaining > 0 and bool(data)
        else:
            more = bool(data)
        if not more:
            self._eof = True
        return {"type": "http.request", "body": data, "more_body": more}

    async def send(self, message: Message) -> None:
        t = message["type"]
        if t == "http.response.start":
            self.status = int(message.get("status", 200))
            self.headers = list(message.get("headers") or ())
        elif t == "http.response.body":
            self.body_seen = True
            body = message.get("body", b"")
            if body:
                self.chunks.append(body)

    # -- the app side ----------------------------------------------------------------------------------
    async def read_body(self, receive: Callable[[], Any]) -> bytes:
        """The (possibly rewritten) body the middleware hands the app."""
        parts = []
        while True:
            msg = await receive()
            if msg["type"] != "http.request":
                break
            parts.append(msg.get("body", b""))
            if not msg.get("more_body", False):
                break
        return b"".join(parts)

    async def respond(self, send: Callable[[Message], Any], status: int, headers: list[tuple[bytes, bytes]],
                      body: Iterable[bytes], head: bool) -> None:
        """Send the app's response through the middleware; if the middleware lets the start pass
        unchanged (and this is not HEAD), keep the app's own iterable for the server instead."""
        start: Message = {"type": "http.response.start", "status": status, "headers": headers}
        await send(start)
        # The middleware forwarded a start (its headers possibly checked or given cache directives)
        # before any body, and sent no body of its own (a refusal sends both at once): it needs no
        # body, so the server iterates the app's own iterable.
        self.passing = self.status is not None and not self.body_seen
        if self.passing and not head:
            self.passthrough_body = with_context(body)
            return
        it = call_sync(iter, body)
        try:
            while True:
                chunk = call_sync(next, it, _END)  # a generator may query the database
                if chunk is _END:
                    break
                if chunk:
                    await send({"type": "http.response.body", "body": bytes(chunk), "more_body": True})
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                call_sync(close)
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    def body(self) -> Iterable[bytes]:
        return self.passthrough_body if self.passthrough_body is not None else self.chunks


def with_context(body: Iterable[bytes]) -> Iterable[bytes]:
    """Iterate ``body`` later (in the server) with this request's context set again."""
    ctx = current()
    if ctx is None:
        return body

    class _Iter:
        def __init__(self) -> None:
            self._it: Iterator[bytes] | None = None

        def __iter__(self) -> Iterator[bytes]:
            return self

        def __next__(self) -> bytes:
            token = set_context(ctx)
            try:
                if self._it is None:
                    self._it = iter(body)
                return next(self._it)
            finally:
                reset_context(token)

        def close(self) -> None:
            close = getattr(body, "close", None)
            if close is not None:
                close()

    return _Iter()


def scope_from_environ(environ: MutableMapping[str, Any]) -> dict[str, Any]:
    """An ASGI HTTP scope for the middleware, from a WSGI environ (PEP 3333)."""
    headers = []
    for k, v in environ.items():
        if k.startswith("HTTP_") and k not in ("HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH"):
            headers.append((k[5:].replace("_", "-").lower().encode("latin-1"), str(v).encode("latin-1")))
        elif k in ("CONTENT_TYPE", "CONTENT_LENGTH") and v:
            headers.append((k.replace("_", "-").lower().encode("latin-1"), str(v).encode("latin-1")))
    script = environ.get("SCRIPT_NAME", "") or ""
    path_info = environ.get("PATH_INFO", "") or ""
    path = (script + path_info).encode("latin-1").decode("utf-8", "replace")
    remote = environ.get("REMOTE_ADDR")
    return {
        "type": "http", "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": str(environ.get("SERVER_PROTOCOL", "HTTP/1.1")).partition("/")[2] or "1.1",
        "method": str(environ.get("REQUEST_METHOD", "GET")).upper(),
        "scheme": environ.get("wsgi.url_scheme", "http"),
        "path": path, "raw_path": (script + path_info).encode("latin-1"),
        "root_path": script.encode("latin-1").decode("utf-8", "replace"),
        "query_string": str(environ.get("QUERY_STRING", "")).encode("latin-1"),
        "headers": headers,
        "client": (remote, int(environ.get("REMOTE_PORT") or 0)) if remote else None,
        "server": (environ.get("SERVER_NAME", ""), int(environ.get("SERVER_PORT") or 0)),
    }


def content_length(environ: MutableMapping[str, Any]) -> int | None:
    v = environ.get("CONTENT_LENGTH")
    if v in (None, ""):
        return None
    try:
        n = int(v)
    except ValueError:
        return 0  # the middleware refuses the header itself
    return max(n, 0)


def header_value(headers: list[tuple[bytes, bytes]], name: bytes) -> bytes | None:
    for k, v in headers:
        if k.lower() == name:
            return v
    return None
