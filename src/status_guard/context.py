"""Per-request context shared between adapters without importing each other.

The ASGI middleware sets it for the duration of a request; the SQL inspector, running inside
that request, reads it to know who is asking and why.
"""

from __future__ import annotations

import contextlib
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Iterator

from .model import Claim, Requester


@dataclass(frozen=True)
class RequestContext:
    requester: Requester
    purpose: str | None = None
    scope: str | None = None
    request_id: str | None = None
    route: str | None = None
    claims: tuple[Claim, ...] = ()
    monitor: bool = False
    department: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


_current: ContextVar[RequestContext | None] = ContextVar("status_guard_request", default=None)


def current() -> RequestContext | None:
    return _current.get()


@contextlib.contextmanager
def request_context(ctx: RequestContext) -> Iterator[RequestContext]:
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)


def set_context(ctx: RequestContext | None):  # -> Token
    return _current.set(ctx)


def reset_context(token) -> None:  # type: ignore[no-untyped-def]
    _current.reset(token)
