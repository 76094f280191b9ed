"""Fixtures: Debian's nginx as the non-Python upstream, the gateway as a real `status-guard gateway
run` process in front of it, a JWKS and tokens per requester class. All on 127.0.0.1."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import stack  # noqa: E402
from stack import require_or_skip  # noqa: E402

WARRANTS = "1:26-mj-00042: judicial warrant\nSUCV2026-0117: court order\n"


@pytest.fixture(scope="session")
def nginx(tmp_path_factory: pytest.TempPathFactory) -> Iterator[stack.Nginx]:
    require_or_skip(stack.NGINX is not None, "nginx is not installed (apt-get install nginx); .ci/run installs it")
    ng = stack.start_nginx(tmp_path_factory.mktemp("nginx"))
    yield ng
    ng.stop()


@pytest.fixture(scope="session")
def keys(tmp_path_factory: pytest.TempPathFactory) -> stack.Keys:
    return stack.make_keys(tmp_path_factory.mktemp("keys"))


@pytest.fixture(scope="session")
def gateway(nginx: stack.Nginx, keys: stack.Keys, tmp_path_factory: pytest.TempPathFactory) -> Iterator[stack.GatewayProc]:
    tmp = tmp_path_factory.mktemp("gateway")
    (tmp / "warrants.yaml").write_text(WARRANTS)
    port = stack.free_port()
    cfg = stack.gateway_config(nginx.url, keys, f"jsonl:{tmp / 'audit.jsonl'}", port, warrants=tmp / "warrants.yaml",
                               front_proxy='\n[identity.front_proxy]\nclients = ["127.0.0.2/32"]\n')
    gw = stack.start_gateway(cfg, tmp, port)
    gw.audit_path = tmp / "audit.jsonl"  # type: ignore[attr-defined]
    yield gw
    gw.stop()

bearer = stack.bearer
