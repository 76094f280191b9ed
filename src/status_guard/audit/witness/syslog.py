"""A syslog witness: each head is sent as one RFC 5424 message (app name ``status_guard_witness``,
facility authpriv) to the local syslog socket (``syslog:``; journald reads it too), or to a remote
collector (``syslog+tcp://HOST:PORT``, octet-counted framing; ``syslog+udp://HOST:PORT``) such as
the city's SIEM. Write-only: to check or verify, export the messages to a file
(``journalctl -t status_guard_witness -o cat > heads.jsonl``) and give ``--witness file:heads.jsonl``.

Only TCP and the local socket report a failed delivery; over UDP a lost message is silent, so a
witness that must be relied on should be TCP, PostgreSQL, a directory or HTTP.
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

from ..canonical import canonical
from ..errors import AuditConfigError
from .base import Witness, WitnessError

APP_NAME = "status_guard_witness"
PRI = 10 * 8 + 5  # authpriv.notice
LOCAL_SOCKETS = ("/dev/log", "/var/run/syslog", "/run/systemd/journal/dev-log")


class SyslogWitness(Witness):
    readable = False

    def __init__(self, spec: str, *, timeout: float = 5.0) -> None:
        self.timeout = timeout
        scheme = spec.split(":", 1)[0].lower()
        self._lock = threading.Lock()
        self._sock: socket.socket | None = None
        if scheme in ("syslog", "journald"):
            rest = spec.split(":", 1)[1]
            self.transport = "unix"
            self.address: Any = rest or next((p for p in LOCAL_SOCKETS if os.path.exists(p)), LOCAL_SOCKETS[0])
            self.description = f"syslog witness {self.address}"
        else:
            parts = urlsplit(spec)
            if not parts.hostname or not parts.port:
                raise AuditConfigError("syslog witness spec must be syslog+tcp://HOST:PORT or syslog+udp://HOST:PORT")
            self.transport = "tcp" if scheme == "syslog+tcp" else "udp"
            self.address = (parts.hostname, parts.port)
            self.description = f"syslog witness {scheme}://{parts.hostname}:{parts.port}"

    def _message(self, entry: Mapping[str, Any]) -> bytes:
        ts = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        host = socket.gethostname() or "-"
        return f"<{PRI}>1 {ts} {host} {APP_NAME} {os.getpid()} tree_head - ".encode() + canonical(entry)

    def _connect(self) -> socket.socket:
        if self._sock is not None:
            return self._sock
        if self.transport == "unix":
            s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        elif self.transport == "tcp":
            s = socket.socket(socket.AF_INET6 if ":" in self.address[0] else socket.AF_INET, socket.SOCK_STREAM)
        else:
            s = socket.socket(socket.AF_INET6 if ":" in self.address[0] else socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(self.timeout)
        try:
            s.connect(self.address)
        except OSError:
            s.close()
            raise
        self._sock = s
        return s

    def submit(self, entry: Mapping[str, Any]) -> None:
        msg = self._message(entry)
        if self.transport == "tcp":
            msg = str(len(msg)).encode() + b" " + msg
        with self._lock:
            for attempt in range(2):
                try:
                    self._connect().sendall(msg)
                    return
                except OSError as e:
                    if self._sock is not None:
                        self._sock.close()
                        self._sock = None
                    if attempt == 1:
                        raise WitnessError(f"{self.description} cannot be written ({type(e).__name__})") from None

    def close(self) -> None:
        with self._lock:
            if self._sock is not None:
                self._sock.close()
                self._sock = None
