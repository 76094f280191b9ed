"""status_guard for synchronous Python web apps: a WSGI middleware and a Django middleware class.

Both run the ASGI :class:`~status_guard.asgi.StatusGuardMiddleware` (one code path) through
:mod:`.bridge`; see docs/gateway.md ("WSGI and Django").
"""

from .middleware import StatusGuardWSGIMiddleware

__all__ = ["StatusGuardWSGIMiddleware"]
