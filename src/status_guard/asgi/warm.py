"""Start-up warming (issue 15): what a guard builds lazily is built at start-up, so that no
request pays for it (the free-text detector — Presidio's engine, the policy's recognizers and one
warm-up detection — cost over a second inside the first request that met free text).

The middleware starts a :class:`Warmer` when it is constructed (a background thread: frameworks
such as Starlette build their middleware stack lazily, inside the first call, which must not
block on it) and waits for it on ``lifespan.startup`` before the app — and so the server — starts
taking requests. A server run without lifespan still warms in the background; a request that
needs the detector before it is ready waits for the same build (one lock), never builds twice.

Text detection ``on`` without the ``text`` extra fails the start-up (a configuration that cannot
mean what it says); ``auto`` without it warms nothing.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

log = logging.getLogger("status_guard")


class Warmer:
    def __init__(self, guard: Any) -> None:
        self.error: BaseException | None = None
        self._thread: threading.Thread | None = None
        build = getattr(guard, "_free_text_detector", None)
        if callable(build):
            self._thread = threading.Thread(target=self._run, args=(build,), name="status_guard-warm", daemon=True)
            self._thread.start()

    def _run(self, build: Any) -> None:
        try:
            build()  # process-wide, built and warmed once (text.engine.get_detector)
        except BaseException as exc:  # noqa: BLE001 - reported at lifespan start-up and in requests
            self.error = exc
            log.error("status_guard: warming the free-text detector failed: %s", exc)

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
