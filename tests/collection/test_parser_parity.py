"""Item 4 — parser parity (2.129.040(b), 040(k)).

Invariant: the guard reads a body's field names exactly as the app will. For every multipart or
urlencoded body the guard accepts, the names (and uploaded file names) that python-multipart /
Starlette and Django's own parsers read are among the names the guard read — so no field the guard
did not see can reach the app. Where the parsers would disagree (``name*=``, a repeated parameter,
folded headers, a base64 Content-Transfer-Encoding, bytes around the delimiters, raw non-ASCII
urlencoded names, a repeated Content-Type parameter) the guard refuses the request.

Fuzzed against the real parsers (hypothesis), then checked end to end with a real FastAPI app and a
real Django ASGI project under the middleware.
"""

from __future__ import annotations

import asyncio
import io
import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from starlette.requests import Request

from status_guard.asgi import Limits
from status_guard.asgi import requests as rq
from status_guard.errors import LimitExceededError, UnparseableInputError

BOUNDARY = "XyZb0undary"


# -- the parsers apps use ----------------------------------------------------------------------
def _django_ready() -> None:
    from django.conf import settings as dj

    if not dj.configured:  # the same settings tests/sql/test_django.py uses, so either may come first
        dj.configure(DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
                     INSTALLED_APPS=[], USE_TZ=True, DEFAULT_AUTO_FIELD="django.db.models.AutoField")
        import django

        django.setup()


def django_view(body: bytes, ctype: str) -> tuple[list[str], list[str]] | None:
    """(names, file names) Django's request parsing reads; None when Django refuses the body."""
    _django_ready()
    from django.core.files.uploadhandler import MemoryFileUploadHandler
    from django.http import QueryDict
    from django.http.multipartparser import MultiPartParser, MultiPartParserError

    try:
        if ctype.startswith("multipart/"):
            meta = {"CONTENT_TYPE": ctype, "CONTENT_LENGTH": str(len(body))}
            post, files = MultiPartParser(meta, io.BytesIO(body), [MemoryFileUploadHandler()], "utf-8").parse()
            return (list(post.keys()) + list(files.keys()),
                    [f.name for k in files for f in files.getlist(k)])
        return list(QueryDict(body, encoding="utf-8").keys()), []
    except (MultiPartParserError, ValueError, UnicodeDecodeError, LookupError):
        return None
    except Exception:  # any other failure: the app does not get the body either
        return None


def starlette_view(body: bytes, ctype: str) -> tuple[list[str], list[str]] | None:
    """(names, file names) Starlette's ``request.form()`` reads (python-multipart underneath)."""
    from starlette.requests import Request

    async def go() -> tuple[list[str], list[str]]:
        sent = False

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        req = Request({"type": "http", "method": "POST", "headers": [(b"content-type", ctype.encode("latin-1"))],
                       "query_string": b"", "path": "/"}, receive)
        form = await req.form()
        names, files = [], []
        for k, v in form.multi_items():
            names.append(k)
            if hasattr(v, "filename"):
                files.append(v.filename or "")
        return names, files

    try:
        return asyncio.run(go())
    except Exception:
        return None


def guard_view(body: bytes, ctype: str) -> tuple[set[str], set[str]] | None:
    """(names, file names) the guard reads; None when it refuses the body."""
    try:
        mt, params = rq.request_media_type(ctype)
        rq.check_charset(params)
        if mt == "multipart/form-data":
            p = rq.parse_multipart(body, params.get("boundary"), Limits())
        else:
            p = rq.parse_urlencoded(body, Limits())
    except (UnparseableInputError, LimitExceededError):
        return None
    return set(p.fields) | set(p.files), {f for fs in p.files.values() for f in fs}


def assert_parity(body: bytes, ctype: str) -> None:
    g = guard_view(body, ctype)
    if g is None:
        return  # refused: nothing reaches the app
    gnames, gfiles = g
    for who, view in (("starlette", starlette_view(body, ctype)), ("django", django_view(body, ctype))):
        if view is None:
            continue
        names, files = view
        unseen = set(names) - gnames
        assert not unseen, f"{who} reads names the guard did not: {unseen!r} in {body!r}"
        unseen_files = {f for f in files if f} - gfiles
        assert not unseen_files, f"{who} reads file names the guard did not: {unseen_files!r} in {body!r}"


# -- known differentials, each refused ------------------------------------------------------------
def _mp(*parts: str, boundary: str = BOUNDARY, crlf: bool = True) -> bytes:
    nl = "\r\n" if crlf else "\n"
    out = "".join(f"--{boundary}{nl}{p}" for p in parts) + f"--{boundary}--{nl}"
    return out.replace("\n", "\r\n").replace("\r\r\n", "\r\n").encode("utf-8") if crlf else out.encode("utf-8")


def part(disposition: str, value: str = "no", extra: str = "") -> str:
    return f"Content-Disposition: {disposition}\r\n{extra}\r\n{value}\r\n"


CT = f"multipart/form-data; boundary={BOUNDARY}"

DIFFERENTIALS = {
    "name_star_differs": part("form-data; name=\"q1\"; name*=UTF-8''citizenship"),
    "name_star_only": part("form-data; name*=UTF-8''citizenship"),
    "name_twice": part('form-data; name="q1"; name="citizenship"'),
    "continuation": part("form-data; name=\"q1\"; name*0=citizen; name*1=ship"),
    "backslash_escape": part('form-data; name="q1\\"; name=\\"citizenship"'),
    "two_dispositions": part('form-data; name="q1"', extra='Content-Disposition: form-data; name="citizenship"\r\n'),
    "base64_transfer": part('form-data; name="q1"', value="Y2l0aXplbnNoaXA=", extra="Content-Transfer-Encoding: base64\r\n"),
    "folded_header": 'Content-Disposition: form-data;\r\n name="citizenship"\r\n\r\nno\r\n',
    "not_form_data": part('attachment; name="citizenship"'),
    "filename_star_only": part("form-data; name=\"doc\"; filename*=UTF-8''green_card.pdf"),
    "utf7_charset_part": part('form-data; name="q1"', extra="Content-Type: text/plain; charset=utf-7\r\n"),
}


@pytest.mark.parametrize("case", sorted(DIFFERENTIALS))
def test_multipart_constructs_parsers_read_differently_are_refused_040b(case) -> None:
    body = _mp(DIFFERENTIALS[case])
    assert guard_view(body, CT) is None, case


def test_preamble_epilogue_and_duplicate_boundary_are_refused_040b() -> None:
    good = _mp(part('form-data; name="name"', "Ana"))
    assert guard_view(good, CT) is not None
    assert guard_view(b"preamble\r\n" + good, CT) is None
    assert guard_view(good + b"--XyZb0undary\r\nContent-Disposition: form-data; name=\"citizenship\"\r\n\r\nno\r\n", CT) is None
    assert guard_view(good, f"multipart/form-data; boundary={BOUNDARY}; boundary=other") is None


def test_raw_non_ascii_urlencoded_names_are_refused_and_encoded_ones_read_040b() -> None:
    ct = "application/x-www-form-urlencoded"
    assert guard_view("ciudadanía=no".encode(), ct) is None  # Starlette reads Latin-1, Django UTF-8
    names, _ = guard_view(b"ciudadan%C3%ADa=no&x=1", ct)  # type: ignore[misc]
    assert "ciudadanía" in names


def test_agreeing_name_star_and_filename_star_are_accepted_with_both_file_names_read() -> None:
    body = _mp(part("form-data; name=\"cv\"; filename=\"resume.pdf\"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf", "%PDF"),
               part("form-data; name=\"name\"; name*=UTF-8''name", "Ana"))
    names, files = guard_view(body, CT)  # type: ignore[misc]
    assert names == {"cv", "name"} and files == {"resume.pdf", "résumé.pdf"}
    assert_parity(body, CT)


# -- fuzz: generated Content-Disposition headers and bodies against the real parsers ------------
NAMES = st.sampled_from(["q1", "citizenship", "name", "a b", "ciudadanía", "x;y", 'q"1', "Q1", "q1 ", "%63itizenship"])
QUOTE = st.sampled_from(['"{}"', "{}", "'{}'", '"{}" ', ' "{}"'])


@st.composite
def disposition(draw: Any) -> str:
    """Mostly what clients send (``form-data; name="x"``, sometimes with a file name), with odd
    variations mixed in — so the fuzz explores both what the guard accepts and what it refuses."""
    from urllib.parse import quote

    if draw(st.integers(0, 9)) < 7:
        name = draw(NAMES)
        out = f'form-data; name="{name}"' if draw(st.booleans()) or not name.isalnum() else f"form-data; name={name}"
        if draw(st.integers(0, 3)) == 0:
            out += f'; filename="{draw(st.sampled_from(["a.pdf", "green card.pdf", "x", ""]))}"'
        if draw(st.integers(0, 4)) == 0:
            out += f"; {draw(st.sampled_from(['name*', 'filename*']))}=UTF-8''{quote(draw(NAMES))}"
        return out + draw(st.sampled_from(["", "", ";", " "]))
    kind = draw(st.sampled_from(["form-data", "Form-Data", "attachment", "inline", "form-data "]))
    params = []
    for _ in range(draw(st.integers(0, 3))):
        key = draw(st.sampled_from(["name", "name", "filename", "NAME", "name*", "filename*", "name*0", "x"]))
        val = draw(NAMES)
        if key.endswith("*"):
            params.append(f"{key}=UTF-8''{quote(val)}")
        else:
            params.append(f"{key}{draw(st.sampled_from(['=', ' = ', '=']))}{draw(QUOTE).format(val)}")
    sep = draw(st.sampled_from(["; ", ";", " ; ", ";\t"]))
    return kind + "".join(sep + p for p in params) + draw(st.sampled_from(["", ";", " "]))


@st.composite
def multipart_body(draw: Any) -> bytes:
    parts = []
    for _ in range(draw(st.integers(1, 3))):
        extra = draw(st.sampled_from(["", "", "", "", "Content-Type: text/plain\r\n", "Content-Transfer-Encoding: 8bit\r\n",
                                      "Content-Transfer-Encoding: base64\r\n", "content-disposition: form-data; name=\"z\"\r\n"]))
        parts.append(part(draw(disposition()), draw(st.sampled_from(["no", "Ana", "Y2l0aXplbnNoaXA="])), extra))
    return _mp(*parts, crlf=draw(st.sampled_from([True, True, True, True, False])))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=multipart_body())
def test_fuzzed_multipart_the_guard_accepts_shows_it_every_name_the_frameworks_read(body) -> None:
    assert_parity(body, CT)


@settings(max_examples=300, deadline=None)
@given(pairs=st.lists(st.tuples(st.sampled_from(["citizenship", "q1", "a", "", "c%69tizenship", "a;b", "x[y]", "+x", "a%00b",
                                                 "%E2%80%8Bcitizenship", "ciudadan%C3%ADa", "%FF"]),
                                st.sampled_from(["no", "", "a=b", "x&y", "%zz"])), min_size=1, max_size=4),
       sep=st.sampled_from(["&", "&", ";", "&&"]), eq=st.sampled_from(["=", "=", ""]))
def test_fuzzed_urlencoded_the_guard_accepts_shows_it_every_name_the_frameworks_read(pairs, sep, eq) -> None:
    body = sep.join(f"{k}{eq}{v}" if eq else k for k, v in pairs).encode("latin-1", "ignore")
    assert_parity(body, "application/x-www-form-urlencoded")


# -- end to end: real FastAPI and Django apps under the middleware --------------------------------
SMUGGLE = {name: _mp(part('form-data; name="name"', "Ana"), DIFFERENTIALS[name]) for name in DIFFERENTIALS}
SMUGGLE["plain_citizenship"] = _mp(part('form-data; name="citizenship"'))
SMUGGLE["clean"] = _mp(part('form-data; name="name"', "Ana"), part('form-data; name="phone"', "555"))


@pytest.mark.anyio
async def test_fastapi_app_never_receives_a_field_the_guard_did_not_see_040b() -> None:
    import fastapi
    import httpx

    from status_guard import Guard, StatusGuardMiddleware

    app = fastapi.FastAPI()

    @app.post("/intake")
    async def intake(request: Request) -> dict[str, Any]:
        form = await request.form()
        return {"names": [k for k, _ in form.multi_items()]}

    app.add_middleware(StatusGuardMiddleware, guard=Guard.default(audit="memory:"), identify=lambda s: "public",
                       scope="city")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        for name, body in SMUGGLE.items():
            r = await c.post("/intake", content=body, headers={"content-type": CT})
            if name == "clean":
                assert r.status_code == 200 and r.json()["names"] == ["name", "phone"], r.text
            else:
                assert r.status_code in (400, 422), (name, r.text)


DJANGO_DRIVER = textwrap.dedent(r'''
    import asyncio, json, sys
    from django.conf import settings
    settings.configure(SECRET_KEY="parity-test-only", DEBUG=False, ALLOWED_HOSTS=["*"], ROOT_URLCONF=__name__,
                       INSTALLED_APPS=[], MIDDLEWARE=[], DATABASES={}, USE_TZ=True)
    import django
    django.setup()
    from django.http import JsonResponse
    from django.urls import path
    from django.views.decorators.csrf import csrf_exempt

    @csrf_exempt
    def intake(request):
        return JsonResponse({"names": sorted(set(request.POST.keys()) | set(request.FILES.keys()))})

    urlpatterns = [path("intake", intake)]
    from django.core.asgi import get_asgi_application
    import httpx
    from status_guard import Guard, StatusGuardMiddleware

    app = StatusGuardMiddleware(get_asgi_application(), guard=Guard.default(audit="memory:"),
                                identify=lambda s: "public", scope="schools")
    cases = json.loads(sys.stdin.read())

    async def main():
        out = {}
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
            for name, (body, ctype) in cases.items():
                r = await c.post("/intake", content=body.encode("latin-1"), headers={"content-type": ctype})
                out[name] = [r.status_code, r.text[:300]]
        print(json.dumps(out))

    asyncio.run(main())
''')


def test_django_project_never_receives_a_field_the_guard_did_not_see_040k(tmp_path: Path) -> None:
    pytest.importorskip("django")
    script = tmp_path / "django_parity_driver.py"
    script.write_text(DJANGO_DRIVER)
    cases = {k: [v.decode("latin-1"), CT] for k, v in SMUGGLE.items()}
    cases["urlencoded_raw_utf8_name"] = ["ciudadan\xc3\xada=no", "application/x-www-form-urlencoded"]
    cases["urlencoded_clean"] = ["name=Ana&grade=3", "application/x-www-form-urlencoded"]
    proc = subprocess.run([sys.executable, str(script)], input=json.dumps(cases), capture_output=True, text=True,
                          timeout=120, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    for name, (status, text) in out.items():
        if name in ("clean", "urlencoded_clean"):
            assert status == 200, (name, text)
            assert "citizenship" not in text
        else:
            assert status in (400, 422), (name, status, text)
