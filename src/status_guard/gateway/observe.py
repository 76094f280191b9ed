"""What operators see: an audit log wrapper that times writes, counts decisions and knows whether the
sink is writable (for ``/readyz``), and structured JSON logs that hold no values.

:class:`ObservedAudit` wraps the :class:`~status_guard.audit.AuditLog` the guard writes to; it adds
nothing to the records and changes no behaviour: an append that fails still raises, and the
guard still refuses the action (AU-5).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from typing import Any

import orjson

from .metrics import Metrics


class ObservedAudit:
    def __init__(self, log: Any, metrics: Metrics | None = None) -> None:
        self._log = log
        self._metrics = metrics
        self._lock = threading.Lock()
        self.last_ok: float | None = None
        self.last_failed: float | None = None

    def __getattr__(self, name: str) -> Any:  # everything else is the real log's
        return getattr(self._log, name)

    def _observe(self, records: Sequence[Mapping[str, Any]], started: float, ok: bool) -> None:
        now = time.monotonic()
        with self._lock:
            if ok:
                self.last_ok = now
            else:
                self.last_failed = now
        m = self._metrics
        if m is None:
            return
        if not ok:
            m.audit_failures.inc()
            return
        m.audit_seconds.observe(now - started)
        for r in records:
            effect = r.get("effect")
            if not isinstance(effect, str):
                continue
            route = _route_prefix(r.get("route"))
            req = r.get("requester")
            cls = req.get("class") if isinstance(req, Mapping) else req
            for c in r.get("citations") or ("none",):
                m.decisions.labels(str(c), effect, route, str(cls or "unknown")).inc()

    def append(self, fields: Mapping[str, Any]) -> dict[str, Any]:
        t = time.monotonic()
        try:
            out = self._log.append(fields)
        except Exception:
            self._observe((), t, False)
            raise
        self._observe((fields,), t, True)
        return out

    def append_many(self, records: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        t = time.monotonic()
        try:
            out = self._log.append_many(records)
        except Exception:
            self._observe((), t, False)
            raise
        self._observe(records, t, True)
        return out

    def append_each(self, records: Sequence[Mapping[str, Any]]) -> list[dict[str, Any] | Exception]:
        """The group commit of concurrent requests (``asgi.audit_batch``): each stored record is counted,
        a storage failure counted once, as ``append`` counts them."""
        t = time.monotonic()
        try:
            out = self._log.append_each(records)
        except Exception:
            self._observe((), t, False)
            raise
        stored = [r for r, o in zip(records, out) if not isinstance(o, Exception)]
        if len(stored) < len(records):
            self._observe((), t, False)
        if stored:
            self._observe(stored, t, True)
        return out

    def heartbeat(self) -> dict[str, Any]:
        t = time.monotonic()
        try:
            out = self._log.heartbeat()
        except Exception:
            self._observe((), t, False)
            raise
        self._observe((), t, True)
        return out

    def writable(self, probe_seconds: float) -> bool:
        """Ready means the sink took a record recently: a write within ``probe_seconds`` (and no
        failure since), or else a heartbeat written now. Blocking: call it from a thread."""
        now = time.monotonic()
        with self._lock:
            ok, failed = self.last_ok, self.last_failed
        if ok is not None and now - ok < probe_seconds and (failed is None or failed < ok):
            return True
        try:
            self.heartbeat()
        except Exception:
            return False
        return True


def _route_prefix(route: Any) -> str:
    """Audit records carry ``"GET /police"``; metrics carry the prefix."""
    if not isinstance(route, str):
        return "-"
    parts = route.split(" ", 1)
    return parts[1] if len(parts) == 2 and parts[0].isupper() else route


# -- logs ------------------------------------------------------------------------------------------
_EXTRA_KEYS = ("method", "route", "status", "duration_ms", "requester", "identity", "request_id",
               "upstream_status", "reason", "event", "worker", "upstream", "listen")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message and the whitelisted extra fields.
    Exceptions are logged by type only (a traceback can quote a value)."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for k in _EXTRA_KEYS:
            v = record.__dict__.get(k)
            if v is not None:
                out[k] = v
        if record.exc_info and record.exc_info[0] is not None:
            out["exception"] = record.exc_info[0].__name__
        return orjson.dumps(out, default=str).decode()


class NoRawPaths(logging.Filter):
    """uvicorn logs WebSocket handshakes with the raw path (``"WebSocket /ws/case-123" 403``) on its
    error logger; a raw path can hold a name or a case number, so those lines are dropped (the
    gateway's own access log names the route prefix instead)."""

    def filter(self, record: logging.LogRecord) -> bool:
        msg = record.msg if isinstance(record.msg, str) else ""
        return '"WebSocket %s"' not in msg and "%s - " not in msg[:8]


def configure_logging(level: str = "info", fmt: str = "json") -> None:
    """Route status_guard's and uvicorn's loggers through one handler on stderr."""
    handler = logging.StreamHandler()
    handler.addFilter(NoRawPaths())
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    for name in ("status_guard", "uvicorn", "uvicorn.error", "aiohttp"):
        lg = logging.getLogger(name)
        lg.handlers[:] = [handler]
        lg.propagate = False
        lg.setLevel(level.upper() if name != "aiohttp" else "WARNING")
    logging.getLogger("uvicorn.access").disabled = True  # it prints raw paths and query strings


def uvicorn_log_config(level: str, fmt: str) -> dict[str, Any]:
    """A logging dictConfig for uvicorn's own start-up (workers re-apply :func:`configure_logging`)."""
    formatter = ({"()": "status_guard.gateway.observe.JsonFormatter"} if fmt == "json"
                 else {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"})
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"default": formatter},
        "filters": {"no_raw_paths": {"()": "status_guard.gateway.observe.NoRawPaths"}},
        "handlers": {"default": {"class": "logging.StreamHandler", "formatter": "default", "stream": "ext://sys.stderr",
                                 "filters": ["no_raw_paths"]}},
        "loggers": {
            "uvicorn": {"handlers": ["default"], "level": level.upper(), "propagate": False},
            "uvicorn.error": {"handlers": ["default"], "level": level.upper(), "propagate": False},
            "uvicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
        },
    }
