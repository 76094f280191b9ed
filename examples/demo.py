"""Drive the three example apps in-process and say, in plain words, what status_guard did.

    python examples/demo.py [--audit ./demo-audit.jsonl]

Nothing is started by hand: each app is called through httpx.ASGITransport. The audit log is
written to the JSONL file given by --audit, and its hash chain is verified at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, os.path.dirname(__file__))

import httpx  # noqa: E402

import intake_app  # noqa: E402
import police_api  # noqa: E402
import school_app  # noqa: E402
from status_guard import Guard  # noqa: E402


def client(app: Any, session: str | None = None, **headers: str) -> httpx.AsyncClient:
    if session:
        headers["authorization"] = f"Bearer {session}"
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://city.example", headers=headers)


def say(n: int, text: str) -> None:
    print(f"\n{n}. {text}")


def detail(text: str) -> None:
    print(f"   {text}")


def refused_fields(r: httpx.Response) -> str:
    err = r.json()["error"]
    return "; ".join(f"“{f['field']}” ({', '.join(f['category_titles'])}, {', '.join(f['citations'])})"
                     for f in err["fields"])


async def run(guard: Guard) -> None:
    intake = intake_app.create_app(guard)
    school = school_app.create_app(guard)
    police = police_api.create_app(guard)

    async with client(intake, "clerk-session") as c:
        say(1, "Resident intake: a clerk's old form template asks “Are you a U.S. citizen?”")
        page = (await c.get("/intake")).text
        detail("the page left the server without that question" if "U.S. citizen" not in page
               else "!! the question was NOT removed")
        detail("the legitimate questions (name, phone, household size, “Pay by Visa card?”) are untouched"
               if all(k in page for k in ("full_name", "phone", "household_size", "pay_by_visa_card")) else "!! a legitimate question went missing")

        say(2, "Resident intake: a script posts the old form anyway, citizenship answer included")
        r = await c.post("/intake", data={"full_name": "Ana", "us_citizen": "No"})
        detail(f"refused with HTTP {r.status_code}: {refused_fields(r)}")
        detail(r.json()["error"]["fields"][0]["reason"])

        say(3, "Resident intake kiosk (route configured to strip): same submission")
        r = await c.post("/intake/quick", data={"full_name": "Ana", "us_citizen": "No", "phone": "x"})
        detail(f"HTTP {r.status_code}; the app received only: {', '.join(r.json()['received_fields'])}")

        say(4, "City HR: Form I-9 asks citizenship under a declared legal basis")
        r = await c.post("/hr/i9", data={"full_name": "Ana", "citizenship_status": "citizen"})
        detail(f"HTTP {r.status_code}: allowed, and the audit log records the legal basis "
               "“8 U.S.C. §1324a (Form I-9)” (2.129.040(b) exception)")

    async with client(school, "registrar-session") as c:
        say(5, "School enrollment (Spanish form) asks a parent's citizenship and the country of birth")
        page = (await c.get("/enroll")).text
        gone = [k for k in ("parent1citizenship1", "country_of_birth") if k not in page]
        detail(f"removed from the page before it left: {', '.join(gone)}; residency proof kept"
               if "district_residency_proof" in page else "!! residency proof went missing")
        r = await c.post("/enroll", data={"student_name": "Lucía", "parent1citizenship1": "no"})
        err = r.json()["error"]
        detail(f"a submission with it is refused (HTTP {r.status_code}), in Spanish: {err['message']}")
        detail(f"   {err['fields'][0]['reason']} ({', '.join(err['fields'][0]['citations'])})")
        r = await c.post("/ell/intake", data={"student_name": "Lucía", "country_of_birth": "Honduras"})
        detail(f"the English Learner services route may ask country of birth (040(k)): HTTP {r.status_code}")
        rec = (await c.get("/students/1")).json()["student"]
        detail(f"a student record leaves with immigration_status={rec['immigration_status']!s} "
               "— even for school staff, it is not distributed (040(k))")

    async with client(police, "fbi-session") as c:
        say(6, "Police records API: an FBI agent asks for a booking record")
        doc = (await c.get("/bookings/B-2026-0419")).json()
        p = doc["person"]
        detail(f"home address: {p['home_address']}, work address: {p['work_address']}, release date: "
               f"{p['release_date']}, hearing: {p['hearing']}, in custody: {p['incarceration_status']}, "
               f"days held: {p['detention_length_days']}")
        detail(f"citizenship status passes (8 U.S.C. §1373, 2.129.070): {p['citizenship_status']}")
        detail(f"public-record fields pass (G.L. c. 66 §10): charge = {doc['charge']}")
        csv_text = (await c.get("/bookings.csv")).text.strip().splitlines()
        detail(f"the CSV export is redacted the same way: {csv_text[1]}")
    async with client(police, "detective-session") as c:
        doc = (await c.get("/bookings/B-2026-0419")).json()
        detail(f"a Cambridge detective gets the full record (home address {doc['person']['home_address']})")

    async with client(police, "ice-session") as c:
        say(7, "Custody: ICE asks to video-call a person in custody with no warrant")
        r = await c.post("/custody/visits")
        detail(f"refused with HTTP {r.status_code}: {r.json()['error']['message']} (2.129.040(h))")
        r = await c.post("/custody/visits", headers={"x-judicial-warrant": "I-200-2026-0001"})
        detail(f"with an ICE administrative warrant (I-200) instead: HTTP {r.status_code} — not a judicial warrant")
    async with client(police, "ice-session", **{"x-judicial-warrant": "1:26-mj-00042"}) as c:
        r = await c.post("/custody/visits")
        detail(f"with judicial warrant 1:26-mj-00042, verified against the court's list: HTTP {r.status_code} "
               "— allowed, and the use is audited with the warrant reference")

    async with client(police, None, **{"x-status-guard-requester": "local"}) as c:
        say(8, "Someone with no session sends a header claiming to be a local officer")
        doc = (await c.get("/bookings/B-2026-0419")).json()
        detail(f"the header is ignored (no trusted proxy configured): home address = {doc['person']['home_address']}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--audit", default="./demo-audit.jsonl", help="JSONL audit log to write (default: %(default)s)")
    args = ap.parse_args(argv)
    path = Path(args.audit)
    if path.exists():
        path.unlink()  # a fresh chain for each demo run
    guard = Guard.default(audit=f"jsonl:{path}")
    print("status_guard demo — Cambridge Welcoming Community Ordinance (ch. 2.129)")
    asyncio.run(run(guard))
    guard.audit.close()  # writes the end marker: a cleanly closed chain
    from status_guard.audit import open_audit

    report = open_audit(f"jsonl:{path}").verify()
    print(f"\nAudit log {path}: {report.count} records; hash chain "
          f"{'verified — no record was edited, removed or reordered' if report.ok else 'FAILED verification'}")
    for problem in report.problems:
        print(f"   problem: {problem.kind}: {problem.message}")
    return 0 if report.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
