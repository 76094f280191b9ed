"""Identity from a front proxy, proven by the connection: the whole chain on 127.0.0.1.

    user (client certificate) --TLS, verified--> nginx (front: maps the user's certificate to a
    requester class, sets X-Status-Guard-Requester) --mutual TLS--> gateway --> nginx (the app)

Invariants: the gateway believes the class header only on a connection that presented the front
proxy's client certificate (its listener requires one signed by the configured CA) from the
configured address; a user cannot choose their own class by sending the header through the front
proxy (nginx replaces it) or by connecting to the gateway directly (no certificate: no TLS session;
a certificate from another CA: refused at the handshake).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import ssl
import subprocess
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

import stack

FRONT_CONF = """
@@USER@@
worker_processes 1;
daemon off;
pid @@TMP@@/front.pid;
error_log @@TMP@@/front-error.log warn;
events { worker_connections 256; }
http {
  client_body_temp_path @@TMP@@/fbody; proxy_temp_path @@TMP@@/fproxy; fastcgi_temp_path @@TMP@@/ffastcgi;
  uwsgi_temp_path @@TMP@@/fuwsgi; scgi_temp_path @@TMP@@/fscgi;
  access_log off;
  map $ssl_client_s_dn $sg_requester {
    default          unknown;
    ~OU=CPD(,|$)     local;
    ~OU=ICE(,|$)     federal_immigration;
  }
  server {
    listen 127.0.0.1:@@FRONT_PORT@@ ssl;
    ssl_certificate @@TMP@@/front.crt; ssl_certificate_key @@TMP@@/front.key;
    ssl_client_certificate @@TMP@@/users-ca.crt; ssl_verify_client on;
    location / {
      proxy_pass https://127.0.0.1:@@GW_PORT@@;
      proxy_ssl_certificate @@TMP@@/proxy-client.crt; proxy_ssl_certificate_key @@TMP@@/proxy-client.key;
      proxy_ssl_trusted_certificate @@TMP@@/infra-ca.crt; proxy_ssl_verify on; proxy_ssl_name localhost;
      proxy_set_header X-Status-Guard-Requester $sg_requester;
      proxy_set_header Host $host;
    }
  }
}
"""


def _key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _name(cn: str, ou: str | None = None) -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COMMON_NAME, cn)]
    if ou:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, ou))
    return x509.Name(attrs)


def _ca(cn: str):  # type: ignore[no-untyped-def]
    k = _key()
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(_name(cn)).issuer_name(_name(cn)).public_key(k.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(k, hashes.SHA256()))
    return k, cert


def _leaf(ca, cn: str, ou: str | None = None, server: bool = False):  # type: ignore[no-untyped-def]
    ca_key, ca_cert = ca
    k = _key()
    now = dt.datetime.now(dt.timezone.utc)
    b = (x509.CertificateBuilder().subject_name(_name(cn, ou)).issuer_name(ca_cert.subject).public_key(k.public_key())
         .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
         .not_valid_after(now + dt.timedelta(days=1)))
    if server:
        b = b.add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]),
                            critical=False)
    return k, b.sign(ca_key, hashes.SHA256())


def _write(tmp: Path, name: str, pair) -> None:  # type: ignore[no-untyped-def]
    k, c = pair
    (tmp / f"{name}.key").write_bytes(k.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                      serialization.NoEncryption()))
    (tmp / f"{name}.crt").write_bytes(c.public_bytes(serialization.Encoding.PEM))


@pytest.fixture(scope="module")
def chain(tmp_path_factory, nginx, keys):
    tmp = tmp_path_factory.mktemp("mtls")
    infra, users, rogue = _ca("infra CA"), _ca("users CA"), _ca("rogue CA")
    (tmp / "infra-ca.crt").write_bytes(infra[1].public_bytes(serialization.Encoding.PEM))
    (tmp / "users-ca.crt").write_bytes(users[1].public_bytes(serialization.Encoding.PEM))
    _write(tmp, "gateway", _leaf(infra, "gateway", server=True))
    _write(tmp, "front", _leaf(infra, "front", server=True))
    _write(tmp, "proxy-client", _leaf(infra, "front-proxy"))
    _write(tmp, "rogue-client", _leaf(rogue, "front-proxy"))
    _write(tmp, "user-cpd", _leaf(users, "officer 7", "CPD"))
    _write(tmp, "user-ice", _leaf(users, "agent 3", "ICE"))
    gw_port, front_port = stack.free_port(), stack.free_port()
    cfg = stack.gateway_config(nginx.url, keys, f"jsonl:{tmp / 'audit.jsonl'}", gw_port,
                               front_proxy='\n[identity.front_proxy]\nclients = ["127.0.0.1/32"]\nmtls = true\n')
    cfg = cfg.replace("graceful_shutdown_seconds = 10", f'graceful_shutdown_seconds = 10\n[listen.tls]\ncert = "{tmp}/gateway.crt"\n'
                      f'key = "{tmp}/gateway.key"\nclient_ca = "{tmp}/infra-ca.crt"\n')
    gw = stack.start_gateway(cfg, tmp, gw_port)
    conf = FRONT_CONF
    for k, v in {"@@TMP@@": str(tmp), "@@FRONT_PORT@@": str(front_port), "@@GW_PORT@@": str(gw_port),
                 "@@USER@@": "user root root;" if os.geteuid() == 0 else ""}.items():
        conf = conf.replace(k, v)
    (tmp / "front.conf").write_text(conf)
    front = subprocess.Popen([stack.NGINX, "-c", str(tmp / "front.conf"), "-p", str(tmp), "-e", str(tmp / "front-error.log")],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        stack.wait_port(front_port, front, 15)
    except RuntimeError:
        front.kill()
        gw.stop()
        raise
    yield {"tmp": tmp, "front": f"https://127.0.0.1:{front_port}", "gateway": f"https://127.0.0.1:{gw_port}"}
    front.terminate()
    front.wait(10)
    gw.stop()


def _client(tmp: Path, cert: str | None) -> httpx.Client:
    ctx = ssl.create_default_context(cafile=str(tmp / "infra-ca.crt"))
    if cert:
        ctx.load_cert_chain(str(tmp / f"{cert}.crt"), str(tmp / f"{cert}.key"))
    return httpx.Client(verify=ctx, timeout=10, trust_env=False)


def test_officer_certificate_through_the_front_proxy_is_a_local_requester(chain):
    with _client(chain["tmp"], "user-cpd") as c:
        r = c.get(chain["front"] + "/police/records/1.json")
    assert r.status_code == 200 and "12 Example St" in r.text


def test_ice_certificate_cannot_claim_local_through_the_front_proxy(chain):
    with _client(chain["tmp"], "user-ice") as c:
        r = c.get(chain["front"] + "/police/records/1.json", headers={"x-status-guard-requester": "local"})
        assert r.status_code == 200 and "12 Example St" not in r.text
        visit = c.get(chain["front"] + "/custody/visits/1.json", headers={"x-status-guard-requester": "local"})
        assert visit.status_code == 403


def test_direct_connection_to_the_gateway_needs_the_proxy_certificate(chain):
    for cert in (None, "rogue-client", "user-cpd"):
        with _client(chain["tmp"], cert) as c, pytest.raises(httpx.HTTPError):
            c.get(chain["gateway"] + "/police/records/1.json", headers={"x-status-guard-requester": "local"})
    with _client(chain["tmp"], "proxy-client") as c:  # only the proxy's own certificate gets a session
        r = c.get(chain["gateway"] + "/police/records/1.json", headers={"x-status-guard-requester": "local"})
        assert r.status_code == 200 and "12 Example St" in r.text
