"""Start-up warming (issue 15): everything a guard builds lazily is built at start-up, so that no
request pays for it.

Invariant: once ``lifespan.startup`` has completed, a request imports no module, parses no data
file and builds no process-wide object (``tests/asgi/test_startup_warm.py`` counts them). What a
request could otherwise build, each cost 0.1–2.5 s inside the first request that met it:

* the free-text detector (Presidio's engine, the policy's recognizers, one warm-up detection);
* the modules the request path imports on first use (HTML parsing, page charsets, CSS text,
  nested pages, the collection passes, the audit log's signing keys — ``cryptography``);
* the data behind every zero-argument ``functools.lru_cache(maxsize=1)`` builder of the package
  (the collection vocabulary, the word lists, the SQL catalogs ...): found by walking the loaded
  ``status_guard`` modules, so a builder added later is warmed without being listed here;
* the audit log (opened: its sink, keys and chain head);
* SQL (``sqlglot``, its dialect tables and the inspector's catalogs), when the ``sql`` extra is
  installed (``warm_sql=False`` skips it, e.g. to save its ~11 MB when the app never checks SQL).

The middleware starts a :class:`Warmer` when it is constructed (a background thread: frameworks
such as Starlette build their middleware stack lazily, inside the first call, which must not
block on it) and waits for it on ``lifespan.startup`` before the app — and so the server — starts
taking requests. A server run without lifespan still warms in the background; a request that
needs the detector before it is ready waits for the same build (one lock), never builds twice.

Text detection ``on`` without the ``text`` extra fails the start-up (a configuration that cannot
mean what it says); ``auto`` without it warms nothing. A failure to warm SQL is logged, not fatal
(SQL is checked by the app's own calls, which then report it).
"""

from __future__ import annotations

import importlib
import logging
import sys
import threading
from typing import Any

log = logging.getLogger("status_guard")

#: modules the request path imports on first use (inside functions); a test fails when a first
#: request imports one that is not here (or not imported by these)
REQUEST_PATH_MODULES: tuple[str, ...] = (
    "orjson",
    "anyio.to_thread",
    "status_guard.collection",
    "status_guard.collection.view",
    "status_guard.asgi.sniff",
    "status_guard.asgi.page_charset",
    "status_guard.asgi.html_body",
    "status_guard.asgi.css_text",
    "status_guard.asgi.nested_pages",
    "status_guard.asgi.forms",
    "status_guard.asgi.script_text",
    "status_guard.disclose.keys",
    "status_guard.text.wordlists",
    "webencodings",
    "encodings.utf_16_be",
    "encodings.utf_16_le",
    "encodings.utf_32_be",
    "encodings.utf_32_le",
    "encodings.cp1252",
    "encodings.latin_1",
)

#: optional modules of the request path (an extra may be absent)
OPTIONAL_MODULES: tuple[str, ...] = ("selectolax.lexbor",)


def lazy_builders(prefix: str = "status_guard") -> list[Any]:
    """Every zero-argument ``lru_cache(maxsize=1)`` function of the loaded ``prefix`` modules:
    the package's convention for "build this data once, on first use"."""
    out: list[Any] = []
    seen: set[int] = set()
    for name, mod in list(sys.modules.items()):
        if mod is None or not (name == prefix or name.startswith(prefix + ".")):
            continue
        for obj in list(vars(mod).values()):
            params = getattr(obj, "cache_parameters", None)
            if not callable(params) or id(obj) in seen:
                continue
            try:
                if params().get("maxsize") != 1:
                    continue
                code = obj.__wrapped__.__code__
            except AttributeError:
                continue
            if code.co_argcount or code.co_kwonlyargcount or code.co_flags & 0x0C:  # *args / **kwargs
                continue
            seen.add(id(obj))
            out.append(obj)
    return out


def _sql_installed() -> bool:
    import importlib.util

    return importlib.util.find_spec("sqlglot") is not None


def warm_sql(guard: Any) -> None:
    """Import sqlglot and run one statement through the guard's SQL path (dialect tables, the
    inspector's catalogs and function lists are built on the first statement)."""
    guard.check_sql("SELECT s.name FROM warm_students s WHERE s.id = 1", dialect="postgres", scope=_any_scope(guard),
                    requester="local" if "local" in guard.policy.file.requesters else None,
                    schema={"warm_students": {"id": "integer", "name": "text"}})


def _any_scope(guard: Any) -> str:
    scopes = list(guard.policy.file.scopes)
    return "city" if "city" in scopes else scopes[0]


def warm_guard(guard: Any, *, sql: bool | None = None) -> None:
    """Build, now, everything the request path of ``guard`` would build on first use. Raises what
    building the free-text detector or opening the audit log raises (a start-up failure)."""
    build = getattr(guard, "_free_text_detector", None)
    if callable(build):
        build()  # process-wide, built and warmed once (text.engine.get_detector)
    audit = getattr(type(guard), "audit", None)
    if isinstance(audit, property):
        guard.audit  # noqa: B018 - opens the log (sink, signing keys, chain head)
    for name in REQUEST_PATH_MODULES:
        importlib.import_module(name)
    for name in OPTIONAL_MODULES:
        try:
            importlib.import_module(name)
        except ImportError:
            pass
    if sql is None:
        sql = _sql_installed()
    if sql and callable(getattr(guard, "check_sql", None)):
        try:
            warm_sql(guard)
        except Exception as exc:  # noqa: BLE001 - the app's own SQL checks report it
            log.warning("status_guard: warming SQL failed: %s", exc)
    for builder in lazy_builders():
        builder()


class Warmer:
    def __init__(self, guard: Any, *, sql: bool | None = None) -> None:
        self.error: BaseException | None = None
        self._thread: threading.Thread | None = None
        if guard is not None:
            self._thread = threading.Thread(target=self._run, args=(guard, sql), name="status_guard-warm", daemon=True)
            self._thread.start()

    def _run(self, guard: Any, sql: bool | None) -> None:
        try:
            warm_guard(guard, sql=sql)
        except BaseException as exc:  # noqa: BLE001 - reported at lifespan start-up and in requests
            self.error = exc
            log.error("status_guard: warming at start-up failed: %s", exc)

    def join(self) -> None:
        """Block until warm; raise what warming raised."""
        if self._thread is not None:
            self._thread.join()
        if self.error is not None:
            raise self.error

    async def wait(self) -> None:
        """Await warming without blocking the event loop."""
        if self._thread is not None and self._thread.is_alive():
            import anyio.to_thread

            await anyio.to_thread.run_sync(self._thread.join)
        if self.error is not None:
            raise self.error
