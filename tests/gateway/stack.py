"""Real servers on 127.0.0.1 for the gateway tests and the benchmark: Debian's nginx as the
non-Python upstream (examples/gateway/), `status-guard gateway run` as a subprocess, JWKS + tokens.

Nothing here reaches beyond loopback; every process is started and stopped by the test that uses it.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "gateway"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
ISSUER = "https://sso.cambridge.test"
AUDIENCE = "status-guard-gateway"


IN_CI = os.environ.get("CI", "").lower() == "true"


def require_or_skip(available: bool, reason: str) -> None:
    """Skip with a clear reason outside CI; under CI=true a missing service is a failure."""
    if available:
        return
    import pytest

    if IN_CI:
        pytest.fail(f"required under CI=true: {reason}")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_port(port: int, proc: subprocess.Popen[Any] | None = None, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode} before listening on {port}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listening on 127.0.0.1:{port} after {timeout} s")


@dataclass
class Nginx:
    tmp: Path
    port: int
    proc: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self) -> list[dict[str, str]]:
        """What reached the app: nginx's own access log, one JSON object per request."""
        p = self.tmp / "upstream.log"
        if not p.exists():
            return []
        return [json.loads(line) for line in p.read_text().splitlines() if line.strip()]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


def start_nginx(tmp: Path, ws_port: int | None = None) -> Nginx:
    if NGINX is None:
        raise RuntimeError("nginx is not installed (apt-get install nginx)")
    tmp.mkdir(parents=True, exist_ok=True)
    port, sink = free_port(), free_port()
    conf = (EXAMPLES / "nginx-upstream.conf.template").read_text()
    for k, v in {"@@TMP@@": str(tmp), "@@WWW@@": str(EXAMPLES / "www"), "@@PORT@@": str(port),
                 "@@SINK_PORT@@": str(sink), "@@WS_PORT@@": str(ws_port or free_port()),
                 "@@USER@@": "user root root;" if os.geteuid() == 0 else ""}.items():
        conf = conf.replace(k, v)
    (tmp / "nginx.conf").write_text(conf)
    proc = subprocess.Popen([NGINX, "-c", str(tmp / "nginx.conf"), "-p", str(tmp), "-e", str(tmp / "error.log")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_port(port, proc, 15)
    except RuntimeError:
        err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        proc.kill()
        raise RuntimeError(f"nginx did not start: {err[-500:]}") from None
    return Nginx(tmp, port, proc)


# -- keys and tokens --------------------------------------------------------------------------------
@dataclass
class Keys:
    dir: Path
    private_pem: bytes
    kid: str
    other_pem: bytes = b""  # a key the city never published (forgeries)
    public_jwk: dict[str, Any] = field(default_factory=dict)

    @property
    def jwks_file(self) -> Path:
        return self.dir / "jwks.json"

    def token(self, claims: dict[str, Any] | None = None, *, ttl: int = 600, kid: str | None = None,
              key: bytes | None = None, alg: str = "RS256", **overrides: Any) -> str:
        import jwt

        now = int(time.time())
        payload: dict[str, Any] = {"iss": ISSUER, "aud": AUDIENCE, "sub": "officer-7", "iat": now, "exp": now + ttl}
        payload.update(claims or {})
        payload.update(overrides)
        payload = {k: v for k, v in payload.items() if v is not None}
        return jwt.encode(payload, key or self.private_pem, algorithm=alg, headers={"kid": kid or self.kid})


def make_keys(directory: Path, kid: str = "city-sso-1") -> Keys:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from jwt.algorithms import RSAAlgorithm

    directory.mkdir(parents=True, exist_ok=True)

    def pem(k: Any) -> bytes:
        return k.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                               serialization.NoEncryption())

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
    jwk.update(kid=kid, use="sig", alg="RS256")
    (directory / "jwks.json").write_text(json.dumps({"keys": [jwk]}))
    return Keys(directory, pem(key), kid, pem(other), jwk)


# Who each SSO group is: the claim mapping a city would configure.
CLASS_CLAIMS = {
    "local": {"groups": ["cpd-officers"]},
    "state": {"groups": ["msp"]},
    "federal": {"groups": ["fbi-liaison"]},
    "federal_immigration": {"groups": ["ice-ero"]},
    "public": {"groups": ["residents"]},
}


def bearer(keys: Keys, cls: str, **kw: Any) -> dict[str, str]:
    """An ``Authorization`` header with a valid city token for this requester class."""
    return {"authorization": "Bearer " + keys.token(CLASS_CLAIMS[cls], **kw)}


def gateway_config(nginx_url: str, keys: Keys, audit_spec: str, port: int, *, extra: str = "",
                   warrants: Path | None = None, front_proxy: str = "", workers: int = 1,
                   audit_table: str | None = None, upstream_extra: str = "") -> str:
    table = f'table = "{audit_table}"\n' if audit_table else ""
    wfile = f'warrants_file = "{warrants}"\n' if warrants else ""
    return f'''
[listen]
host = "127.0.0.1"
port = {port}
workers = {workers}
graceful_shutdown_seconds = 10

[upstream]
url = "{nginx_url}"
connect_timeout = 2
read_timeout = 10
{upstream_extra or "response_timeout = 10"}

[policy]
scope = "city"

[[routes]]
prefix = "/police"
scope = "police"
public_record_fields = ["charge", "booking_date", "booking_id", "booking.charge"]

[[routes]]
prefix = "/custody"
scope = "police"
custody_access = true

[[routes]]
prefix = "/schools"
scope = "schools"

[[routes]]
prefix = "/bulk"
scope = "police"
inspect = false

[[routes]]
prefix = "/ws"
scope = "police"
websocket = true

[audit]
spec = "{audit_spec}"
{table}
[custody]
{wfile}
[identity.jwt]
jwks_file = "{keys.jwks_file}"
issuer = "{ISSUER}"
audience = ["{AUDIENCE}"]
algorithms = ["RS256"]

[[identity.jwt.map]]
claim = "groups"
contains = "cpd-officers"
requester = "local"
agency = "Cambridge Police Department"

[[identity.jwt.map]]
claim = "groups"
contains = "msp"
requester = "state"

[[identity.jwt.map]]
claim = "groups"
contains = "fbi-liaison"
requester = "federal"

[[identity.jwt.map]]
claim = "groups"
contains = "ice-ero"
requester = "federal_immigration"

[[identity.jwt.map]]
claim = "groups"
contains = "residents"
requester = "public"
{front_proxy}
[logging]
level = "info"
format = "json"
{extra}
'''


@dataclass
class GatewayProc:
    port: int
    proc: subprocess.Popen[bytes]
    log_path: Path
    config: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def logs(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self, timeout: float = 30) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        return int(self.proc.returncode)


def start_gateway(config_text: str, tmp: Path, port: int, *, workers: int | None = None,
                  env: dict[str, str] | None = None, name: str = "gateway") -> GatewayProc:
    tmp.mkdir(parents=True, exist_ok=True)
    cfg = tmp / f"{name}.toml"
    cfg.write_text(config_text)
    log_path = tmp / f"{name}.log"
    exe = Path(sys.executable).with_name("status-guard")
    cmd = [str(exe), "gateway", "run", str(cfg)] + (["--workers", str(workers)] if workers else [])
    e = {**os.environ, **(env or {})}
    e.pop("PROMETHEUS_MULTIPROC_DIR", None)
    logf = open(log_path, "wb")  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen(cmd, stdout=logf, stderr=subprocess.STDOUT, env=e)
    try:
        wait_port(port, proc, 60)
    except RuntimeError:
        proc.kill()
        raise RuntimeError(f"gateway did not start: {log_path.read_text(errors='replace')[-2000:]}") from None
    return GatewayProc(port, proc, log_path, cfg)


def main(argv: list[str] | None = None) -> None:
    """For reviewers: ``.venv/bin/python tests/gateway/stack.py DIR`` starts nginx (the app) and the
    gateway in front of it on free loopback ports, prints the URLs, the files to watch and a token
    per requester class, and stops both on Ctrl-C."""
    import argparse

    ap = argparse.ArgumentParser(description=main.__doc__)
    ap.add_argument("directory")
    ap.add_argument("--port", type=int, default=0, help="gateway port (default: a free one)")
    ap.add_argument("--audit", default=None, help="audit spec (default: jsonl:DIR/audit.jsonl)")
    ap.add_argument("--workers", type=int, default=1)
    a = ap.parse_args(argv)
    d = Path(a.directory).resolve()
    d.mkdir(parents=True, exist_ok=True)
    ng = start_nginx(d / "nginx")
    keys = make_keys(d / "keys")
    (d / "warrants.yaml").write_text("1:26-mj-00042: judicial warrant\nSUCV2026-0117: court order\n")
    port = a.port or free_port()
    cfg = gateway_config(ng.url, keys, a.audit or f"jsonl:{d / 'audit.jsonl'}", port, warrants=d / "warrants.yaml",
                         front_proxy='\n[identity.front_proxy]\nclients = ["127.0.0.2/32"]\n', workers=a.workers)
    gw = start_gateway(cfg, d, port, workers=a.workers)
    print(f"gateway      {gw.url}   (config {gw.config}, log {gw.log_path})")
    print(f"app (nginx)  {ng.url}   (what reached the app: {ng.tmp / 'upstream.log'})")
    print(f"audit        {a.audit or 'jsonl:' + str(d / 'audit.jsonl')}")
    print(f"keys         {keys.dir}/jwks.json (public); forge with another key to test refusal")
    print("front proxy  header X-Status-Guard-Requester believed only from 127.0.0.2 (curl --interface 127.0.0.2)")
    print("warrants     1:26-mj-00042 (judicial warrant), SUCV2026-0117 (court order) in X-Judicial-Warrant")
    for cls, claims in CLASS_CLAIMS.items():
        print(f"token {cls:20s} {keys.token(claims, ttl=8 * 3600)}")
    (d / "signing-key.pem").write_bytes(keys.private_pem)
    print(f"mint more:   status-guard gateway dev token --key {d / 'signing-key.pem'} --kid {keys.kid} "
          f"--iss {ISSUER} --aud {AUDIENCE} --claim groups=cpd-officers")
    print("Ctrl-C stops both.", flush=True)

    def _stop(*_: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _stop)
    try:
        signal.pause()
    except KeyboardInterrupt:
        pass
    finally:
        gw.stop()
        ng.stop()


if __name__ == "__main__":
    main()
