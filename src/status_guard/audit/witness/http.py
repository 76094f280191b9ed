"""An HTTP witness: each head is POSTed as JSON to a URL (a city SIEM's ingest endpoint, or
``status-guard audit witness serve``). A 2xx answer means stored; anything else, or no answer
within the timeout, is a failure the writer retries (and, past the lag bound, refuses on).

When the URL ends with ``/v1/heads`` (the protocol of ``audit witness serve``), the witness is also
readable: ``GET /v1/heads/latest?origin=...`` and ``GET /v1/heads`` (JSON Lines). A bearer token
can be given in ``STATUS_GUARD_WITNESS_TOKEN``. Standard library only (urllib): no network at import,
no dependency.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from typing import Any

import orjson

from ..canonical import canonical
from .base import MAX_ENTRY_BYTES, Witness, WitnessError

ENV_TOKEN = "STATUS_GUARD_WITNESS_TOKEN"
MAX_READ = 256 * 1024 * 1024


class HttpWitness(Witness):
    def __init__(self, url: str, *, timeout: float = 5.0) -> None:
        self.url = url
        parts = urllib.parse.urlsplit(url)
        self.description = f"witness {parts.scheme}://{parts.hostname}{':' + str(parts.port) if parts.port else ''}{parts.path}"
        self.timeout = timeout
        self.readable = parts.path.rstrip("/").endswith("/v1/heads")
        self.base = url.rstrip("/")

    def _headers(self) -> dict[str, str]:
        h = {"Content-Type": "application/json", "User-Agent": "status_guard-witness/1"}
        token = os.environ.get(ENV_TOKEN)
        if token:
            h["Authorization"] = f"Bearer {token}"
        return h

    def submit(self, entry: Mapping[str, Any]) -> None:
        body = canonical(entry)
        if len(body) > MAX_ENTRY_BYTES:
            raise WitnessError("witness entry too large")
        req = urllib.request.Request(self.url, data=body, headers=self._headers(), method="POST")
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:  # noqa: S310 - configured URL
                if not 200 <= resp.status < 300:
                    raise WitnessError(f"{self.description} answered {resp.status}")
        except urllib.error.HTTPError as e:
            detail = ""
            try:
                detail = json.loads(e.read(4096)).get("error", "")
            except (ValueError, AttributeError, OSError):
                pass
            raise WitnessError(f"{self.description} refused the head ({e.code}{': ' + str(detail)[:200] if detail else ''})") from None
        except (urllib.error.URLError, OSError, TimeoutError) as e:
            raise WitnessError(f"{self.description} cannot be reached ({type(e).__name__})") from None

    def _get(self, url: str) -> bytes | None:
        req = urllib.request.Request(url, headers=self._headers(), method="GET")
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:  # noqa: S310 - configured URL
                return resp.read(MAX_READ)
        except urllib.error.HTTPError as e:
            if e.code == 404:
                return None
            raise WitnessError(f"{self.description} answered {e.code}") from None
        except (urllib.error.URLError, OSError, TimeoutError) as e:
            raise WitnessError(f"{self.description} cannot be reached ({type(e).__name__})") from None

    def latest(self, origin: str) -> dict[str, Any] | None:
        if not self.readable:
            return None
        data = self._get(f"{self.base}/latest?{urllib.parse.urlencode({'origin': origin})}")
        if not data:
            return None
        obj = orjson.loads(data)
        return obj if isinstance(obj, dict) else None

    def entries(self) -> Iterator[dict[str, Any]]:
        if not self.readable:
            raise WitnessError(f"{self.description} cannot be read back (not a status_guard witness server)")
        data = self._get(self.base) or b""
        for line in data.splitlines():
            if line.strip():
                try:
                    obj = orjson.loads(line)
                except orjson.JSONDecodeError:
                    obj = {"type": "unreadable"}
                yield obj if isinstance(obj, dict) else {"type": "unreadable"}
