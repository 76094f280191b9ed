"""A dashboard that has been running while the log grew shows what a freshly started one shows.

The dashboard keeps what it computed from earlier reads (the per-day index, the event list, the
ledger and obligations, each filter's matching records) and extends it with the records appended
since, whichever pages were looked at in between (a page not looked at for several reads must
still be extended, never counted twice or skipped). Invariant, over generated histories of appends
(decisions, refusals in monitor mode, events opening and closing 040(g) obligations,
reimbursements, heartbeats) interleaved with page views in any order: every page's content equals
the same page of a dashboard started afresh on the same bytes.
"""

from __future__ import annotations

import asyncio
import re
import secrets
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import status_guard.compliance.dashboard.app as dashboard_app
from status_guard.audit import open_audit
from status_guard.compliance.dashboard.app import DashboardConfig, create_app

NOW = datetime(2026, 7, 15, 12, 0, 30, tzinfo=timezone.utc)
PAGES = ["/", "/records", "/records?page=2", "/records?kind=event", "/records?markers=1",
         "/records?effect=block&from=2026-02-01&to=2026-04-30", "/events", "/events?all=1", "/obligations?all=1",
         "/obligations?all=1&page=2", "/report?from=2026-01-01&to=2026-06-30", "/records/3"]

DECISION = {"action": "collect", "effect": "block", "citations": ["2.129.040(b)"], "categories": ["citizenship_status"],
            "fields": ["citizenship"], "scope": "schools", "requester": {"class": "local"}, "monitor": False,
            "adapter": "asgi", "route": "POST /enroll", "department": "Cambridge Public Schools"}


class _Clock(datetime):
    @classmethod
    def now(cls, tz: Any = None) -> datetime:  # the dashboard's "now": fixed, so two dashboards agree
        return NOW if tz is None else NOW.astimezone(tz)


def _batch(kind: str, n: int, day: int, opened: list[str]) -> list[dict[str, Any]]:
    at = f"2026-{1 + day % 6:02d}-{1 + day % 27:02d}T1{day % 10}:00:00Z"
    out: list[dict[str, Any]] = []
    for i in range(n):
        if kind == "refusal":
            out.append(dict(DECISION))
        elif kind == "flag":
            out.append({**DECISION, "effect": "flag", "citations": ["2.129.040(a)"], "scope": "police",
                        "department": "Police Department"})
        elif kind == "monitor":
            out.append({**DECISION, "monitor": True})
        elif kind == "refusal_late":  # a refused act entered later: counted by when it occurred
            out.append({**DECISION, "occurred_at": at})
        elif kind == "detainer":
            ref = "obl" + secrets.token_hex(6)
            opened.append(ref)
            out.append({"kind": "event", "adapter": "event", "event": {
                "type": "detainer_request", "event_id": "evt" + secrets.token_hex(8), "citation": "2.129.060(a)",
                "occurred_at": at, "person_ref": secrets.token_hex(32), "state": "in_custody",
                "obligation_ref": ref, "due_at": at, "department": "Police Department"}})
        elif kind == "notice" and opened:
            out.append({"kind": "event", "adapter": "event", "event": {
                "type": "notice_delivered", "event_id": "evt" + secrets.token_hex(8), "citation": "2.129.040(g)",
                "occurred_at": at, "obligation_ref": opened.pop(0)}})
        elif kind == "reimbursement":
            out.append({"kind": "event", "adapter": "event", "event": {
                "type": "federal_reimbursement", "event_id": "evt" + secrets.token_hex(8), "citation": "2.129.060(d)",
                "occurred_at": at, "case_ref": f"CPD-2026-{day % 4:03d}", "amount": f"{10 + i}.50", "currency": "USD",
                "department": "Police Department"}})
    return out


def _main(html: str) -> str:
    """The page's content (the <main> element), without the one thing two runs may differ in: nothing."""
    m = re.search(r"<main.*?</main>", html, re.S)
    assert m, html[:500]
    return m.group(0)


async def _pages(app: Any, urls: list[str]) -> dict[str, str]:
    out = {}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1") as c:
        for url in urls:
            r = await c.get(url)
            out[url] = f"{r.status_code} " + _main(r.text)
    return out


STEP = st.one_of(
    st.tuples(st.just("append"), st.sampled_from(["refusal", "flag", "monitor", "refusal_late", "detainer",
                                                  "notice", "reimbursement", "heartbeat"]),
              st.integers(1, 7), st.integers(0, 400)),
    st.tuples(st.just("view"), st.lists(st.sampled_from(PAGES), min_size=1, max_size=3, unique=True)),
)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(steps=st.lists(STEP, min_size=2, max_size=9))
def test_a_running_dashboard_shows_what_a_fresh_one_shows(tmp_path_factory: pytest.TempPathFactory,
                                                          monkeypatch: pytest.MonkeyPatch, steps: list[Any]) -> None:
    monkeypatch.setattr(dashboard_app, "datetime", _Clock)
    path = Path(tmp_path_factory.mktemp("grow")) / "audit.jsonl"
    spec = f"jsonl:{path}"
    opened: list[str] = []
    w = open_audit(spec, fsync="never")
    w.append_many(_batch("detainer", 2, 3, opened) + _batch("refusal", 3, 5, opened))
    w.sink.close()
    running = create_app(DashboardConfig(audit_spec=spec, page_size=5))
    running.state.warm()
    for step in steps:
        if step[0] == "append":
            _, kind, n, day = step
            w = open_audit(spec, fsync="never")
            if kind == "heartbeat":
                w.heartbeat()
            else:
                batch = _batch(kind, n, day, opened)
                if batch:
                    w.append_many(batch)
            w.sink.close()
        else:
            asyncio.run(_pages(running, step[1]))
    fresh = create_app(DashboardConfig(audit_spec=spec, page_size=5))
    got, want = asyncio.run(_pages(running, PAGES)), asyncio.run(_pages(fresh, PAGES))
    for url in PAGES:
        assert got[url] == want[url], url
    # and it got there by verifying only what was appended (no full re-read after start-up)
    assert running.state.reader.stats["full"] == 1


def test_the_dashboard_listens_at_once_and_shows_no_figure_until_the_log_is_verified(tmp_path, monkeypatch):
    """Start-up: the whole log is verified in the background; meanwhile every page says the log is being
    checked (503, Retry-After, reloading itself) and shows no figure; then the pages are served."""
    import threading

    path = tmp_path / "audit.jsonl"
    opened: list[str] = []
    w = open_audit(f"jsonl:{path}", fsync="never")
    w.append_many(_batch("refusal", 4, 3, opened) + _batch("detainer", 1, 3, opened))
    w.sink.close()
    app = create_app(DashboardConfig(audit_spec=f"jsonl:{path}"))
    gate = threading.Event()
    real = app.state.reader.snapshot

    def slow() -> Any:
        gate.wait(30)
        return real()

    monkeypatch.setattr(app.state.reader, "snapshot", slow)
    seen: list[Any] = []
    thread = app.state.warm_in_background(lambda snap, err: seen.append((snap, err)))

    async def get_all() -> list[httpx.Response]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1") as c:
            return [await c.get(u) for u in ("/", "/records", "/report", "/obligations")]

    for r in asyncio.run(get_all()):
        assert r.status_code == 503 and r.headers["retry-after"] == "3"
        assert 'data-state="checking"' in r.text and 'http-equiv="refresh"' in r.text
        assert 'id="refused-count"' not in r.text and "matching record(s)" not in r.text  # no figure yet
    gate.set()
    thread.join(30)
    assert seen and seen[0][1] is None and seen[0][0].verification.ok
    for r in asyncio.run(get_all()):
        assert r.status_code == 200 and 'data-state="checking"' not in r.text
