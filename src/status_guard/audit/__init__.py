"""Tamper-evident, value-free audit log.

    from status_guard.audit import open_audit
    log = open_audit("jsonl:/var/log/status_guard/audit.jsonl")
    log.append(decision.to_record() | {"adapter": "asgi", "request_id": rid, "route": "POST /enroll"})
    report = log.verify(public_key)

Specs: ``jsonl:PATH`` | ``sqlite:PATH`` | ``postgresql://...[?table=NAME]`` | ``memory:`` | None
(None: env ``STATUS_GUARD_AUDIT``, else an in-memory log and a logged warning). Keys come from
keyword arguments, else from the files named by ``STATUS_GUARD_AUDIT_HMAC_KEY_FILE``,
``STATUS_GUARD_AUDIT_SIGNING_KEY_FILE`` and ``STATUS_GUARD_AUDIT_CORRELATION_KEY_FILE``; the
witness from ``witness=`` or ``STATUS_GUARD_AUDIT_WITNESS``; a pinned log id from ``log_id=`` or
``STATUS_GUARD_AUDIT_LOG_ID``. See docs/audit.md.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from .errors import AuditConfigError, AuditDiscontinuityError, AuditRecordError, AuditUnavailableError
from .keys import (
    ENV_CORRELATION_KEY_FILE,
    ENV_HMAC_KEY_FILE,
    ENV_SIGNING_KEY_FILE,
    coerce_hmac_key,
    coerce_signing_key,
)
from .log import AuditLog
from .records import build_record, keyed_ref, validate_stored
from .sinks.base import Sink
from .verify import Problem, VerifyReport

__all__ = [
    "AuditConfigError", "AuditDiscontinuityError", "AuditLog", "AuditRecordError", "AuditUnavailableError", "Problem",
    "VerifyReport", "build_record", "keyed_ref", "open_audit", "open_sink", "validate_stored", "ENV_AUDIT",
    "ENV_WITNESS", "ENV_LOG_ID",
]

ENV_AUDIT = "STATUS_GUARD_AUDIT"
ENV_WITNESS = "STATUS_GUARD_AUDIT_WITNESS"
ENV_LOG_ID = "STATUS_GUARD_AUDIT_LOG_ID"
logger = logging.getLogger("status_guard.audit")


def open_sink(spec: str, *, fsync: str = "batch", table: str | None = None) -> Sink:
    """The sink named by ``spec`` (no keys, no chain): for readers and for :func:`open_audit`."""
    if not isinstance(spec, str) or not spec.strip():
        raise AuditConfigError("audit spec must be jsonl:PATH, sqlite:PATH, postgresql://... or memory:")
    spec = spec.strip()
    scheme, _, rest = spec.partition(":")
    scheme = scheme.lower()
    if scheme == "memory":
        from .sinks.memory import MemorySink

        return MemorySink()
    if scheme in ("jsonl", "sqlite"):
        if not rest:
            raise AuditConfigError(f"audit spec {scheme}: needs a path, e.g. {scheme}:/var/log/status_guard/audit")
        path = os.path.expanduser(rest)
        if scheme == "jsonl":
            from .sinks.jsonl import JsonlSink

            return JsonlSink(path, fsync=fsync)
        from .sinks.sqlite import SqliteSink

        return SqliteSink(path, fsync=fsync)
    if scheme in ("postgresql", "postgres"):
        try:
            from .sinks.postgres import PostgresSink
        except ImportError:
            raise AuditConfigError("a postgresql:// audit spec needs psycopg 3 (pip install 'psycopg[binary]')") from None
        return PostgresSink(spec, table=table, fsync=fsync)
    raise AuditConfigError("unknown audit spec scheme; use jsonl:PATH, sqlite:PATH, postgresql://... or memory:")


def _env_key(kwarg: Any, env: str) -> Any:
    if kwarg is not None:
        return kwarg
    path = os.environ.get(env)
    return path or None


def open_audit(spec: str | None = None, *, hmac_key: bytes | str | os.PathLike[str] | None = None,
               signing_key: Ed25519PrivateKey | bytes | str | os.PathLike[str] | None = None,
               correlation_key: bytes | str | os.PathLike[str] | None = None, fsync: str = "batch",
               checkpoint_every: int = 1000, table: str | None = None, batch_max: int = 1000,
               witness: Any = None, log_id: str | None = None, lock_timeout: float = 5.0,
               checkpoint_seconds: float | None = None, witness_max_lag: int | None = None,
               witness_max_lag_seconds: float | None = None) -> AuditLog:
    """Open (lazily: nothing is written until the first append) the audit log named by ``spec``.

    ``hmac_key`` / ``correlation_key``: bytes (the key) or a path to a hex key file.
    ``signing_key``: an Ed25519PrivateKey, PEM bytes, or a path to a PEM file.
    ``witness``: a witness spec (``dir:PATH``, ``postgresql://...``, ``syslog:``, ``https://...``) or
    a :class:`~status_guard.audit.witness.Witness`: tree heads go there every ``checkpoint_every``
    records and every ``checkpoint_seconds`` (default 60 s with a key or a witness).
    ``log_id``: the log this writer must find (pinned): an empty or swapped log is refused.
    ``lock_timeout``: the longest any lock wait may take (seconds); past it the append fails."""
    if spec is None:
        spec = os.environ.get(ENV_AUDIT) or None
        if spec is None:
            logger.warning("status_guard audit: no audit spec and %s is not set; using an IN-MEMORY audit log "
                           "that is lost when the process ends", ENV_AUDIT)
            spec = "memory:"
    sink = open_sink(spec, fsync=fsync, table=table)
    return AuditLog(
        sink,
        hmac_key=coerce_hmac_key(_env_key(hmac_key, ENV_HMAC_KEY_FILE), "HMAC key"),
        signing_key=coerce_signing_key(_env_key(signing_key, ENV_SIGNING_KEY_FILE)),
        correlation_key=coerce_hmac_key(_env_key(correlation_key, ENV_CORRELATION_KEY_FILE), "correlation key"),
        fsync=fsync, checkpoint_every=checkpoint_every, batch_max=batch_max,
        witness=_env_key(witness, ENV_WITNESS), log_id=_env_key(log_id, ENV_LOG_ID), lock_timeout=lock_timeout,
        checkpoint_seconds=checkpoint_seconds, witness_max_lag=witness_max_lag,
        witness_max_lag_seconds=witness_max_lag_seconds,
    )
