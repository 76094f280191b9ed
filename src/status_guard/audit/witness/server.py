"""``status-guard audit witness serve``: a small HTTP witness (standard library only).

    POST /v1/heads                 one entry (JSON): 201 stored, 200 already held,
                                   400 malformed, 401 bad token, 403 not signed by a trusted key,
                                   409 equivocation / fork / inconsistent proof (stored anyway, as evidence)
    GET  /v1/heads/latest?origin=  the latest entry for a log's place (404: none)
    GET  /v1/heads                 every entry, JSON Lines
    GET  /v1/status                the book's findings (JSON)

Heads are kept append-only in ``STORE/heads.jsonl`` (:class:`DirectoryWitness`), so the same
directory can be checked offline with ``audit witness check --witness dir:STORE``. Run it on a host
(or as an account) the log's writers and their operators cannot change.
"""

from __future__ import annotations

import hmac
import json
import os
import threading
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import orjson
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from ..canonical import canonical
from .base import MAX_ENTRY_BYTES, entry_problem
from .book import WitnessBook
from .directory import DirectoryWitness


class WitnessService:
    """The witness's state: the store, the book, and the rules for accepting a head."""

    def __init__(self, store_dir: str, public_keys: Sequence[Ed25519PublicKey] = (), token: str | None = None) -> None:
        os.makedirs(store_dir, exist_ok=True)  # the server owns its store (`--store DIR`): it may create it
        self.store = DirectoryWitness(store_dir)
        self.book = WitnessBook(public_keys)
        self.require_signature = bool(public_keys)
        self.token = token
        self.lock = threading.Lock()
        self.held: set[tuple[str, int, int, str]] = set()
        for e in self.store.entries():
            head = self.book.add(e)
            if head is not None:
                self.held.add(self._key(head.entry))

    @staticmethod
    def _key(entry: dict[str, Any]) -> tuple[str, int, int, str]:
        sth = entry["sth"]
        return (str(sth["log"]), int(sth["epoch"]), int(sth["size"]), str(sth["root"]))

    def accept(self, entry: Any) -> tuple[int, dict[str, Any]]:
        why = entry_problem(entry)
        if why is not None:
            return 400, {"error": why}
        with self.lock:
            if self.require_signature:
                f = self.book.signature_problem(entry["sth"])
                if f is not None:
                    return 403, {"error": f.message}
            key = self._key(entry)
            if key in self.held:
                return 200, {"status": "already held"}
            log, epoch = key[0], key[1]
            before = {(f.kind, f.size, f.message) for f in self.book.check(log) if f.is_problem and f.epoch == epoch}
            self.book.add(dict(entry))
            after = [f for f in self.book.check(log) if f.is_problem and f.epoch == epoch
                     and (f.kind, f.size, f.message) not in before]
            self.store.submit(entry)  # kept in every case: an equivocating head is evidence
            self.held.add(key)
            if after:
                return 409, {"error": after[0].message, "kind": after[0].kind,
                             "findings": [f.as_dict() for f in after]}
            return 201, {"status": "stored"}


class _Handler(BaseHTTPRequestHandler):
    service: WitnessService
    server_version = "status_guard-witness/1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet by default
        pass

    def _send(self, status: int, body: bytes, ctype: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, obj: Any) -> None:
        self._send(status, json.dumps(obj).encode())

    def _authorised(self) -> bool:
        token = self.service.token
        if not token:
            return True
        got = self.headers.get("Authorization", "")
        return hmac.compare_digest(got.encode(), f"Bearer {token}".encode())

    def do_POST(self) -> None:  # noqa: N802 - http.server naming
        path = urlsplit(self.path).path.rstrip("/")
        if path != "/v1/heads":
            self._json(404, {"error": "POST tree heads to /v1/heads"})
            return
        if not self._authorised():
            self._json(401, {"error": "missing or wrong bearer token"})
            return
        length = self.headers.get("Content-Length")
        if length is None or not length.isdigit():
            self._json(411, {"error": "Content-Length required"})
            return
        n = int(length)
        if n > MAX_ENTRY_BYTES:
            self._json(413, {"error": f"an entry is at most {MAX_ENTRY_BYTES} bytes"})
            return
        try:
            entry = orjson.loads(self.rfile.read(n))
        except orjson.JSONDecodeError:
            self._json(400, {"error": "not JSON"})
            return
        status, body = self.service.accept(entry)
        self._json(status, body)

    def do_GET(self) -> None:  # noqa: N802
        parts = urlsplit(self.path)
        path = parts.path.rstrip("/")
        if not self._authorised():
            self._json(401, {"error": "missing or wrong bearer token"})
            return
        if path == "/v1/heads/latest":
            origin = (parse_qs(parts.query).get("origin") or [""])[0]
            with self.service.lock:
                entry = self.service.book.latest(origin)
            if entry is None:
                self._json(404, {"error": "no head for this origin"})
            else:
                self._send(200, canonical(entry))
            return
        if path == "/v1/heads":
            with self.service.lock:
                body = b"".join(canonical(e) + b"\n" for e in self.service.store.entries())
            self._send(200, body, "application/x-ndjson")
            return
        if path == "/v1/status":
            with self.service.lock:
                findings = self.service.book.check()
            self._json(200, {"ok": not any(f.is_problem for f in findings),
                             "findings": [f.as_dict() for f in findings]})
            return
        self._json(404, {"error": "unknown path"})


def make_server(store_dir: str, host: str, port: int, public_keys: Sequence[Ed25519PublicKey] = (),
                token: str | None = None) -> ThreadingHTTPServer:
    service = WitnessService(store_dir, public_keys, token)
    handler = type("Handler", (_Handler,), {"service": service})
    return ThreadingHTTPServer((host, port), handler)


def serve(store_dir: str, host: str, port: int, public_keys: Sequence[Ed25519PublicKey] = (),
          token: str | None = None) -> None:
    server = make_server(store_dir, host, port, public_keys, token)
    print(f"status_guard witness on http://{host}:{server.server_address[1]}/v1/heads (store {store_dir})", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
