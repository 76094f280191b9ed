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


def sql_section(guard: Guard, out: Path) -> None:
    """9. The police records database behind the API, with the SQL inspector on the connection."""
    import sqlite3

    from status_guard.context import RequestContext, request_context
    from status_guard.model import Requester
    from status_guard.sql import SQLRefusedError
    from status_guard.sql.hooks.dbapi import guard_connection

    db = out / "police.db"
    if db.exists():
        db.unlink()
    raw = sqlite3.connect(db)
    raw.executescript(
        "CREATE TABLE bookings (booking_id TEXT, charge TEXT, full_name TEXT, home_address TEXT,"
        " citizenship_status TEXT, release_date TEXT);"
        "CREATE TABLE holds (booking_id TEXT, hold_basis TEXT);"
        "INSERT INTO bookings VALUES ('B-2026-0419', 'operating without a license', 'Jean Baptiste',"
        " '48 Example Ave', 'not a U.S. citizen', '2026-11-29');"
    )
    raw.commit()
    schema = {"tables": {"bookings": {c: "text" for c in ("booking_id", "charge", "full_name", "home_address",
                                                          "citizenship_status", "release_date")},
                         "holds": {"booking_id": "text", "hold_basis": "text"}},
              "public_record": ["bookings.booking_id", "bookings.charge", "holds.booking_id"]}
    conn = guard_connection(raw, guard, scope="police", schema=schema)

    def attempt(label: str, sql: str, who: Requester, purpose: str | None = None) -> None:
        with request_context(RequestContext(who, purpose, "police")):
            try:
                rows = conn.execute(sql).fetchall()
                detail(f"{label}: ran ({len(rows)} row(s))")
            except SQLRefusedError as exc:
                cites = ", ".join(exc.decision.citations) if getattr(exc, "decision", None) else ""
                detail(f"{label}: refused before it reached the database ({cites})")

    say(9, "The police records database, with the SQL inspector on the app's connection")
    fbi, detective = Requester("federal", "FBI"), Requester("local", "CPD")
    attempt("an FBI request's query `SELECT * FROM bookings`", "SELECT * FROM bookings", fbi)
    attempt("the same request asking only public-record columns and citizenship",
            "SELECT booking_id, charge, citizenship_status FROM bookings", fbi)
    attempt("a detective's query for the home address", "SELECT home_address FROM bookings", detective)
    attempt("a detective's list of bookings WHERE citizenship_status = 'not a U.S. citizen'",
            "SELECT booking_id FROM bookings WHERE citizenship_status = 'not a U.S. citizen'", detective)
    attempt("the same query in a declared human-trafficking investigation (flagged, audited)",
            "SELECT booking_id FROM bookings WHERE citizenship_status = 'not a U.S. citizen'", detective,
            "human_trafficking_investigation")
    attempt("recording a hold whose only basis is an ICE detainer",
            "INSERT INTO holds (booking_id, hold_basis) VALUES ('B-2026-0419', 'ice_detainer')", detective)
    detail(f"rows in holds afterwards: {raw.execute('SELECT count(*) FROM holds').fetchone()[0]}")
    conn.inspector.flush()  # the allowed queries' aggregate counts go to the log now, before it is closed
    raw.close()


def officer_section(audit: Path, out: Path, signing_key: Path, public_key: Path) -> None:
    """10. The compliance officer, with the command line only."""
    import re
    import secrets
    import subprocess

    key = out / "person.key"
    if not key.exists():
        key.write_bytes(secrets.token_bytes(32))
        key.chmod(0o600)

    def sg(*args: str, show: int = 6) -> subprocess.CompletedProcess[str]:
        cmd = [sys.executable, "-m", "status_guard.cli", *args]
        shown = " ".join(a if " " not in a else repr(a) for a in args)
        print(f"   $ status-guard {shown}")
        env = {**os.environ, "STATUS_GUARD_AUDIT": f"jsonl:{audit}", "STATUS_GUARD_PERSON_KEY_FILE": str(key),
               "STATUS_GUARD_AUDIT_SIGNING_KEY_FILE": str(signing_key),
               "STATUS_GUARD_AUDIT_PUBLIC_KEY_FILE": str(public_key),
               # the witness: the log's length kept outside it, so a cut tail shows (docs/compliance.md step 2)
               "STATUS_GUARD_AUDIT_WITNESS": f"dir:{out / 'witness'}"}
        r = subprocess.run(cmd, capture_output=True, text=True, env=env)
        lines = [ln for ln in (r.stdout + r.stderr).splitlines() if ln.strip()]
        for ln in lines[:show]:
            print(f"     {ln}")
        if show and len(lines) > show:
            print(f"     … ({len(lines) - show} more lines)")
        return r

    say(10, "The compliance officer records what ICE sent, tracks 040(g) notice and writes the 060 report")
    # a witness set up today for this new log: the first copy trusts the log as it is now (docs/audit.md)
    sg("audit", "witness", "pull", "--first-copy", show=1)  # the officer's copy of where the log ends
    r = sg("events", "add", "detainer_request", "--occurred-at", "now", "--in-custody", "--person-id", "CPD-PERSON-7731", show=3)
    sg("events", "add", "detained_on_ice_hold", "--occurred-at", "now", "--person-id", "CPD-PERSON-7731", "--hold-basis", "ice_detainer",
       show=3)
    r = sg("obligations", "--format", "json", show=0)
    refs = re.findall(r"obl[0-9a-f]{16}", r.stdout)
    detail(f"(the demo read that JSON, not shown:) open 040(g) obligations: {len(set(refs))} — give the person "
           "a copy of the detainer")
    if refs:  # the tool's own hint: the person is taken from the obligation
        sg("events", "add", "notice_delivered", "--occurred-at", "now", "--obligation", refs[0], show=3)
        r = sg("obligations", show=2)
    sg("events", "add", "federal_reimbursement", "--occurred-at", "now", "--case", "CASE-2026-17", "--amount", "1250.00", show=1)
    sg("events", "add", "ice_cooperation", "--occurred-at", "now", "--case", "INV-2026-03", "--not-disclosable", show=1)
    import datetime as dt

    today = dt.datetime.now(dt.timezone.utc).date()
    half = 1 if today.month <= 6 else 2
    start, end = (f"{today.year}-01-01", f"{today.year}-06-30") if half == 1 else (f"{today.year}-07-01", f"{today.year}-12-31")
    report = out / f"report-{today.year}-H{half}.html"
    sg("report", "semiannual", "--from", start, "--to", end, "--public-key", str(public_key), "--out", str(report),
       show=2)
    pdf = out / f"report-{today.year}-H{half}.pdf"
    sg("report", "semiannual", "--from", start, "--to", end, "--public-key", str(public_key), "--out", str(pdf),
       show=1)
    # --format json prints JSON (for another program): show its first lines as they are, then the same figures
    # read back from it as a table — labelled, so nobody takes the table for what --format json prints
    js = sg("report", "semiannual", "--from", start, "--to", end, "--public-key", str(public_key), "--format", "json",
            show=0)
    json_lines = [ln for ln in js.stdout.splitlines() if ln.strip()]
    for ln in json_lines[:8]:
        print(f"     {ln}")
    if len(json_lines) > 8:
        print(f"     … ({len(json_lines) - 8} more lines of JSON)")
    detail("the same figures, read from that JSON by this demo and shown as a table (not the command's output):")
    import json

    from status_guard.compliance.events import TITLES, EventType

    fig = json.loads(js.stdout)
    rows = [("060(a)", TITLES[EventType(t)], str(n)) for t, n in fig["lodged"].items()]
    rows += [("060(b)", "Individuals detained on an ICE hold", str(fig["detained_individuals"])),
             ("060(c)", "Individuals transferred to ICE custody", str(fig["transferred_individuals"])),
             ("060(d)", "Federal reimbursements received (USD)", fig["reimbursement_totals"].get("USD", "0.00")),
             ("060(e)", "Investigations with cooperation (disclosable / not disclosable)",
              f"{fig['cooperation_investigations']} / {fig['cooperation_withheld']}"),
             ("guard", "Attempts refused by the guard", str(fig["refusals"]["total"]))]
    for clause, figure, value in rows:
        print(f"     {clause:7} {figure:70} {value:>10}")
    detail(f"the report is at {pdf} (accessible PDF for the City Clerk) and {report} (HTML)")
    sg("audit", "verify", "--public-key", str(public_key), show=9)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--audit", default="./demo-audit.jsonl", help="JSONL audit log to write (default: %(default)s)")
    ap.add_argument("--out", default="./demo-out", help="folder for the demo's database and report (default: %(default)s)")
    ap.add_argument("--skip-officer", action="store_true", help="skip the compliance officer's part (section 10)")
    args = ap.parse_args(argv)
    path = Path(args.audit)
    if path.exists():
        path.unlink()  # a fresh chain for each demo run
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    import shutil

    shutil.rmtree(out / "witness", ignore_errors=True)  # the witness of the log deleted above goes with it
    from status_guard.audit import open_audit
    from status_guard.audit.keys import load_public_key, write_signing_keypair

    # the log's signing key would live in a secrets store in production; the public key lets anyone
    # check the signed checkpoints, so the verification holds even against someone who can edit the file
    signing_key, public_key = out / "audit-signing.pem", out / "audit-signing.pub.pem"
    if not signing_key.exists():
        write_signing_keypair(signing_key, public_key, force=True)
    guard = Guard.default(audit=open_audit(f"jsonl:{path}", signing_key=str(signing_key)))
    print("status_guard demo — Cambridge Welcoming Community Ordinance (ch. 2.129)")
    asyncio.run(run(guard))
    sql_section(guard, out)
    guard.audit.close()  # writes the end marker: a cleanly closed chain
    if not args.skip_officer:
        officer_section(path, out, signing_key, public_key)

    witness = out / "witness"
    report = open_audit(f"jsonl:{path}").verify(public_key=load_public_key(public_key),
                                                witness=f"dir:{witness}" if (witness / "heads.jsonl").exists() else None)
    print(f"\nAudit log {path}: {report.count} records; hash chain "
          f"{'verified — no record was edited, removed or reordered' if report.ok else 'FAILED verification'}")
    print(f"   {report.integrity_basis}")
    for problem in report.problems:
        print(f"   problem: {problem.kind}: {problem.message}")
    print("   no record holds a field value, a SQL literal or a name — look: "
          f"status-guard audit query --audit jsonl:{path}")
    print("\nThe demo finished " + ("successfully." if report.ok else "with a problem (see above).")
          + " Next: docs/compliance.md, step 2.")
    return 0 if report.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
