"""2.129.040(h): no ICE access — in person, by telephone or by video — to people in police custody
without a judicial warrant or other court order, accepted by the city's verifier; every use is
audited."""

from __future__ import annotations

import pytest

from .conftest import audit_records, make_app

pytestmark = pytest.mark.anyio


async def test_ice_is_refused_custody_access_without_a_warrant(app, client_for, audit_path):
    async with client_for(app, "tok-ice") as c:
        r = await c.post("/police/custody/visit")
    assert r.status_code == 403
    err = r.json()["error"]
    assert err["code"] == "custody_access_refused" and "2.129.040(h)" in err["citations"]
    assert "warrant" in err["message"].lower()
    (rec,) = audit_records(audit_path)
    assert rec["action"] == "access" and rec["effect"] == "block"


async def test_ice_with_a_verified_judicial_warrant_is_let_in_and_the_use_is_audited(app, client_for, audit_path):
    async with client_for(app, "tok-ice", **{"x-judicial-warrant": "1:26-mj-00042"}) as c:
        r = await c.get("/police/custody/visit")
    assert r.status_code == 200
    assert r.json() == {"visit": "[REDACTED]"}  # access granted; what the app says back is still 040(e)-redacted
    (rec,) = [r for r in audit_records(audit_path) if r["action"] == "access"]
    assert rec["effect"] == "flag"
    assert rec["exceptions"] == [{"citation": "2.129.040(h)", "id": "judicial-warrant", "kind": "verified_instrument",
                                  "legal_basis": "judicial warrant", "reference": "1:26-mj-00042"}]


async def test_a_court_order_is_accepted_like_a_warrant(app, client_for, audit_path):
    async with client_for(app, "tok-ice", **{"x-judicial-warrant": "CO-2026-0117"}) as c:
        assert (await c.get("/police/custody/visit")).status_code == 200
    (rec,) = [r for r in audit_records(audit_path) if r["action"] == "access"]
    assert rec["exceptions"][0]["legal_basis"] == "court order"


@pytest.mark.parametrize("reference", ["I-200-2026-555", "1:26-mj-99999", "not a docket; DROP", "x" * 80])
async def test_an_unverified_or_administrative_warrant_is_not_enough(app, client_for, reference):
    async with client_for(app, "tok-ice", **{"x-judicial-warrant": reference}) as c:
        r = await c.get("/police/custody/visit")
    assert r.status_code == 403
    assert reference not in r.text


async def test_an_unidentified_caller_is_refused_custody_access(app, client_for):
    async with client_for(app, None) as c:
        assert (await c.get("/police/custody/visit")).status_code == 403


async def test_a_defence_attorney_visit_is_allowed_and_audited(app, client_for, audit_path):
    async with client_for(app, "tok-public") as c:
        assert (await c.get("/police/custody/visit")).status_code == 200
    assert [r["effect"] for r in audit_records(audit_path) if r["action"] == "access"] == ["allow"]


async def test_no_verifier_means_nothing_is_verified(guard, client_for):
    app = make_app(guard, verifier=None)
    async with client_for(app, "tok-ice", **{"x-judicial-warrant": "1:26-mj-00042"}) as c:
        assert (await c.get("/police/custody/visit")).status_code == 403


async def test_an_async_verifier_that_fails_verifies_nothing(guard, client_for):
    class Broken:
        async def verify(self, reference, requester, path):
            raise ConnectionError("court records system down")

    app = make_app(guard, verifier=Broken())
    async with client_for(app, "tok-ice", **{"x-judicial-warrant": "1:26-mj-00042"}) as c:
        assert (await c.get("/police/custody/visit")).status_code == 403
