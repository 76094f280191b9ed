"""A Django site under gunicorn (WSGI, two sync workers) with ``StatusGuardDjangoMiddleware`` in
``settings.MIDDLEWARE`` and the Django SQL hook installed, over real sockets on 127.0.0.1.

Invariants: the same refusals, redactions, form rewriting and audit as the ASGI middleware; the
request context (requester, request id, route) reaches the view and the SQL hook — so a federal
officer's ORM query for home addresses is refused *in the database layer* and audited with the
same request id as the HTTP decision; a response the guard need not check streams through.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

import stack

HERE = Path(__file__).resolve().parent
# a cold gunicorn worker builds the free-text engine on its first request; on a loaded CI machine that
# takes longer than httpx's 5 s default, which is not what these tests are about
HTTP = httpx.Client(timeout=60)


def _auth(tok: str) -> dict[str, str]:
    return {"authorization": f"Bearer tok-{tok}"}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    pytest.importorskip("django")
    stack.require_or_skip(Path(sys.executable).with_name("gunicorn").exists(), "gunicorn is not installed")
    tmp = tmp_path_factory.mktemp("django")
    db = tmp / "site.sqlite3"
    with sqlite3.connect(db) as c:
        c.execute("CREATE TABLE bookings (id INTEGER PRIMARY KEY, booking_id TEXT, charge TEXT, home_address TEXT, "
                  "release_date TEXT)")
        c.execute("INSERT INTO bookings (booking_id, charge, home_address, release_date) VALUES "
                  "('B-1', 'trespass', '9 Example Rd', '2031-01-02')")
    port = stack.free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]),
           "DJANGO_SETTINGS_MODULE": "django_wsgi_site.settings", "SG_TEST_DB": str(db),
           "SG_TEST_AUDIT": f"jsonl:{tmp / 'audit.jsonl'}"}
    log = open(tmp / "gunicorn.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen([str(Path(sys.executable).with_name("gunicorn")), "-w", "2", "-b", f"127.0.0.1:{port}",
                             "--graceful-timeout", "10", "--timeout", "180", "--control-socket", str(tmp / "gunicorn.ctl"),
                             "django_wsgi_site.wsgi:application"],
                            stdout=log, stderr=subprocess.STDOUT, env=env, cwd=tmp)
    try:
        stack.wait_port(port, proc, 60)
    except RuntimeError:
        proc.kill()
        raise RuntimeError((tmp / "gunicorn.log").read_text()[-3000:]) from None
    yield {"url": f"http://127.0.0.1:{port}", "audit": tmp / "audit.jsonl", "log": tmp / "gunicorn.log"}
    proc.terminate()
    proc.wait(20)


def _audit(site) -> list[dict]:
    for _ in range(20):
        p = site["audit"]
        if p.exists():
            return [json.loads(x) for x in p.read_text().splitlines() if x.strip()]
        time.sleep(0.05)
    return []


def test_federal_officer_never_sees_release_date_from_a_django_view(site):
    fed = HTTP.get(site["url"] + "/police/records/1", headers=_auth("federal")).json()
    assert fed["person"]["home_address"] == "[REDACTED]" and fed["person"]["release_date"] == "[REDACTED]"
    assert fed["person"]["citizenship_status"] == "not a U.S. citizen" and fed["charge"] == "trespass"
    local = HTTP.get(site["url"] + "/police/records/1", headers=_auth("local")).json()
    assert local["person"]["home_address"] == "9 Example Rd"
    anon = HTTP.get(site["url"] + "/police/records/1", headers={"x-status-guard-requester": "local"}).json()
    assert anon["person"]["home_address"] == "[REDACTED]"  # a header is not an identity


def test_request_context_reaches_the_view_and_the_sql_hook(site):
    body = HTTP.get(site["url"] + "/police/whoami", headers=_auth("local")).json()
    assert body["requester"] == "local" and body["route"] == "GET /police" and body["request_id"]
    ok = HTTP.get(site["url"] + "/police/bookings", headers=_auth("local"))
    assert ok.status_code == 200 and ok.json()["bookings"][0]["home_address"] == "9 Example Rd"
    refused = HTTP.get(site["url"] + "/police/bookings", headers=_auth("federal"))
    assert refused.status_code == 403 and "9 Example Rd" not in refused.text
    recs = _audit(site)
    sql = [r for r in recs if r.get("adapter") == "sql" and r.get("requester", {}).get("class") == "federal"]
    assert sql and sql[-1]["effect"] == "block" and "2.129.040(e)" in sql[-1]["citations"]
    assert sql[-1]["route"] == "GET /police"  # the middleware's route, carried by the request context


def test_status_question_is_removed_from_the_form_and_refused_when_posted(site):
    page = HTTP.get(site["url"] + "/schools/form", headers=_auth("public"))
    assert page.status_code == 200 and "student_citizen" not in page.text and "residency_proof" in page.text
    assert int(page.headers["content-length"]) == len(page.content)
    r = HTTP.post(site["url"] + "/schools/enroll", data={"student_name": "A", "student_citizen": "No"},
                   headers=_auth("public"))
    assert r.status_code == 422 and "2.129.040(k)" in r.text and "No" not in r.json()["error"].get("fields", [{}])[0].get("value", "")
    ok = HTTP.post(site["url"] + "/schools/enroll", data={"student_name": "A", "residency_proof": "lease"},
                    headers=_auth("public"))
    assert ok.json() == {"received": ["residency_proof", "student_name"], "body": "student_name=A&residency_proof=lease"}
    recs = _audit(site)
    assert any(r.get("route") == "POST /schools" and r.get("effect") == "block" for r in recs)


def test_streamed_export_passes_through_for_a_local_officer_and_is_redacted_for_a_federal_one(site):
    with httpx.stream("GET", site["url"] + "/police/export.csv", headers=_auth("local")) as r:
        chunks = list(r.iter_raw())
        assert r.status_code == 200 and r.headers.get("transfer-encoding") == "chunked"
    assert b"".join(chunks).count(b"\n") == 2001
    fed = HTTP.get(site["url"] + "/police/export.csv", headers=_auth("federal"))
    assert fed.status_code == 200 and "Example Rd" not in fed.text and "trespass" in fed.text


def test_cookies_survive_the_guard(site):
    r = HTTP.get(site["url"] + "/city/cookie", headers=_auth("local"))
    assert {c.name for c in r.cookies.jar} == {"sessionid", "csrftoken"}
    r = HTTP.get(site["url"] + "/city/cookie", headers=_auth("federal"))
    assert r.json() == {"ok": True} and {c.name for c in r.cookies.jar} == {"sessionid", "csrftoken"}
