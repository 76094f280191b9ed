"""`status-guard gateway ...`: run the guarding reverse proxy, check its configuration, print its
schema; and, for tests and reviews only, make a key pair and mint tokens.

Exit codes: 0 success; 1 the configuration has errors; 2 a file could not be read or written.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

import click

from .options import Choice


@click.group("gateway")
def gateway() -> None:
    """A guarding reverse proxy in front of any HTTP app (nginx, PHP, Java, .NET, ...)."""


def _print_report(report, quiet: bool = False) -> None:  # type: ignore[no-untyped-def]
    for key, msg in report.errors:
        click.echo(f"error: {report.source}: {key}: {msg}" if key else f"error: {report.source}: {msg}", err=True)
    if not quiet:
        for key, msg in report.warnings:
            click.echo(f"warning: {report.source}: {key}: {msg}", err=True)


@gateway.command("check")
@click.argument("config", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=Choice(["text", "json"]), default="text")
def check_cmd(config: str, fmt: str) -> None:
    """Validate CONFIG (TOML or YAML): shape, and meaning against the policy pack. Errors name the key."""
    from status_guard.gateway.check import check_file

    report = check_file(config)
    if fmt == "json":
        click.echo(json.dumps({"ok": report.ok, "errors": [{"key": k, "message": m} for k, m in report.errors],
                               "warnings": [{"key": k, "message": m} for k, m in report.warnings]}, indent=2))
    else:
        _print_report(report)
        if report.ok:
            click.echo(f"{config}: OK ({len(report.warnings)} warning(s))")
    sys.exit(0 if report.ok else 1)


@gateway.command("schema")
def schema_cmd() -> None:
    """Print the configuration's JSON Schema (also published as src/status_guard/gateway/gateway.schema.json)."""
    from status_guard.gateway.config import json_schema

    click.echo(json.dumps(json_schema(), indent=2, ensure_ascii=False))


@gateway.command("run")
@click.argument("config", type=click.Path(dir_okay=False, exists=True))
@click.option("--workers", type=click.IntRange(1, 64), default=None, help="uvicorn worker processes (default: listen.workers)")
@click.option("--host", default=None, help="override listen.host")
@click.option("--port", type=click.IntRange(1, 65535), default=None, help="override listen.port")
def run_cmd(config: str, workers: int | None, host: str | None, port: int | None) -> None:
    """Serve the gateway with uvicorn. SIGTERM drains in-flight requests, then closes the audit log."""
    import ssl

    import uvicorn

    from status_guard.gateway.app import ENV_CONFIG
    from status_guard.gateway.check import check_file
    from status_guard.gateway.config import read_config
    from status_guard.gateway.observe import uvicorn_log_config

    report = check_file(config)
    _print_report(report, quiet=False)
    if not report.ok:
        sys.exit(1)
    cfg = read_config(config)
    n = workers or cfg.listen.workers
    os.environ[ENV_CONFIG] = os.path.abspath(config)
    if n > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="status-guard-metrics-")
    tls = cfg.listen.tls
    uvicorn.run(
        "status_guard.gateway.app:create_app", factory=True,
        host=host or cfg.listen.host, port=port or cfg.listen.port, workers=n,
        proxy_headers=False,  # scope["client"] is the TCP peer, never X-Forwarded-For
        server_header=False, date_header=False, access_log=False, lifespan="on",
        timeout_graceful_shutdown=int(cfg.listen.graceful_shutdown_seconds),
        timeout_keep_alive=int(cfg.listen.keepalive_seconds), backlog=cfg.listen.backlog,
        limit_concurrency=cfg.listen.limit_concurrency, ws_max_size=cfg.websocket.max_message_bytes,
        ssl_certfile=tls.cert if tls else None, ssl_keyfile=tls.key if tls else None,
        ssl_ca_certs=tls.client_ca if tls else None,
        ssl_cert_reqs=ssl.CERT_REQUIRED if tls and tls.client_ca else ssl.CERT_NONE,
        log_config=uvicorn_log_config(cfg.logging.level, cfg.logging.format),
    )


@gateway.group("dev")
def dev() -> None:
    """For tests and reviews only: a throw-away signing key and tokens. Production keys belong to the city's SSO."""


@dev.command("keys")
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--kid", default="review-key-1")
def dev_keys(directory: str, kid: str) -> None:
    """Write DIRECTORY/jwks.json (public) and DIRECTORY/signing-key.pem (private, RS256)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from jwt.algorithms import RSAAlgorithm

    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
    jwk.update(kid=kid, use="sig", alg="RS256")
    (d / "jwks.json").write_text(json.dumps({"keys": [jwk]}, indent=2))
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    p = d / "signing-key.pem"
    p.write_bytes(pem)
    os.chmod(p, 0o600)
    click.echo(f"wrote {d / 'jwks.json'} and {p} (kid {kid})")


@dev.command("token")
@click.option("--key", "key_path", required=True, type=click.Path(dir_okay=False, exists=True))
@click.option("--kid", default="review-key-1")
@click.option("--iss", required=True)
@click.option("--aud", required=True)
@click.option("--sub", default="reviewer")
@click.option("--ttl", type=int, default=3600, help="seconds until exp (negative: already expired)")
@click.option("--claim", "claims", multiple=True, help="NAME=VALUE; NAME=a,b makes a list (repeatable)")
def dev_token(key_path: str, kid: str, iss: str, aud: str, sub: str, ttl: int, claims: tuple[str, ...]) -> None:
    """Print a signed RS256 token for the dev key."""
    import jwt

    now = int(time.time())
    payload: dict[str, object] = {"iss": iss, "aud": aud, "sub": sub, "iat": now, "exp": now + ttl}
    for c in claims:
        name, _, value = c.partition("=")
        payload[name] = value.split(",") if "," in value else value
    click.echo(jwt.encode(payload, Path(key_path).read_bytes(), algorithm="RS256", headers={"kid": kid}))
