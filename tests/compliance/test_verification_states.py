"""The officer can read what the verification says: "cannot verify (key not supplied)" is never the tamper alarm.

Invariants (each front end: CLI, dashboard, report):
* a log checked with its HMAC key or signed checkpoints and found intact is **verified** (green);
* an HMAC-chained log, or a signed one, read without its key is **key_missing** (yellow): it names the option
  to supply, exits/flags differently from tampering, and says it is not a sign of tampering;
* a plain SHA-256 chain is **consistent** (yellow, "not proof against an insider");
* an honest log checked with a key that is not its own is **wrong_key** (yellow, w16e F04); an edited, cut or
  re-chained log is **failed** (red, role=alert).
The dashboard takes --public-key / --hmac-key-file and the same environment variables as the CLI.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from status_guard.audit import open_audit
from status_guard.audit.keys import load_public_key, write_secret_file, write_signing_keypair
from status_guard.cli import cli
from status_guard.compliance import take_snapshot
from status_guard.compliance.dashboard.app import DashboardConfig, create_app
from status_guard.compliance.report import Period, report_for
from status_guard.compliance.wording import integrity_words, verification_sentence

H1 = ("--from", "2026-01-01", "--to", "2026-06-30")


@pytest.fixture
def keys(tmp_path: Path) -> dict[str, Path]:
    d = tmp_path / "keys"
    d.mkdir()
    write_secret_file(str(d / "hmac.key"))
    write_secret_file(str(d / "other.key"))
    write_signing_keypair(str(d / "signing.pem"), str(d / "signing.pem.pub"))
    return {"hmac": d / "hmac.key", "other": d / "other.key", "signing": d / "signing.pem",
            "public": d / "signing.pem.pub"}


def _log(path: Path, **kw: Any) -> str:
    log = open_audit(f"jsonl:{path}", fsync="never", checkpoint_every=2, **kw)
    for _ in range(5):
        log.heartbeat()
    log.append({"kind": "event", "event": {"type": "notification_request", "event_id": "evt" + "a" * 16,
                                           "occurred_at": "2026-02-01T12:00:00Z", "citation": "2.129.060(a)"}})
    log.close()
    return f"jsonl:{path}"


def _page(app: Any, url: str = "/") -> str:
    async def go() -> str:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
            return (await c.get(url)).text

    return asyncio.run(go())


def test_an_hmac_log_without_its_key_is_key_missing_not_tampering(tmp_path, keys, policy):
    spec = _log(tmp_path / "a.jsonl", hmac_key=str(keys["hmac"]))
    view = take_snapshot(spec).view()
    assert view.state == "key_missing" and view.css == "warn" and not view.alarm
    assert "--hmac-key-file" in view.detail and "not a sign of tampering" in view.detail
    html = _page(create_app(DashboardConfig(audit_spec=spec)))
    assert 'data-state="key_missing"' in html and 'class="banner warn"' in html and 'role="alert"' not in html
    assert "TAMPERING" not in html
    rep = report_for(take_snapshot(spec), Period.parse("2026-01-01", "2026-06-30"), policy)
    assert integrity_words(rep)[0] == "warn" and "COULD NOT BE VERIFIED" in verification_sentence(rep)
    res = CliRunner().invoke(cli, ["report", "semiannual", "--audit", spec, *H1])
    assert res.exit_code == 3 and "--hmac-key-file" in res.output and "did not verify" not in res.output


def test_the_same_log_with_its_key_is_verified(tmp_path, keys, monkeypatch):
    spec = _log(tmp_path / "a.jsonl", hmac_key=str(keys["hmac"]))
    assert CliRunner().invoke(cli, ["report", "semiannual", "--audit", spec, *H1, "--hmac-key-file",
                                    str(keys["hmac"])]).exit_code == 0
    monkeypatch.setenv("STATUS_GUARD_AUDIT_HMAC_KEY_FILE", str(keys["hmac"]))
    res = CliRunner().invoke(cli, ["report", "semiannual", "--audit", spec, *H1])
    assert res.exit_code == 0 and "Log verified" in res.output
    from status_guard.audit.keys import load_secret_file

    html = _page(create_app(DashboardConfig(audit_spec=spec, hmac_key=load_secret_file(str(keys["hmac"])))))
    # every record checked, but no witness set: verified (the figures stand), in yellow, saying a cut tail would
    # not show (w16c F01); with the witness, green
    assert 'data-state="verified"' in html and 'class="banner warn"' in html
    assert "not compared with a witness" in html
    witness = f"dir:{tmp_path / 'w'}"
    spec = _log(tmp_path / "b.jsonl", hmac_key=str(keys["hmac"]), witness=witness)  # its writer sends heads there
    monkeypatch.setenv("STATUS_GUARD_AUDIT_WITNESS", witness)
    html = _page(create_app(DashboardConfig(audit_spec=spec, hmac_key=load_secret_file(str(keys["hmac"])))))
    assert 'data-state="verified"' in html and 'class="banner ok"' in html


def test_a_wrong_hmac_key_is_cannot_verify_not_the_alarm(tmp_path, keys):
    from status_guard.audit.keys import load_secret_file

    spec = _log(tmp_path / "a.jsonl", hmac_key=str(keys["hmac"]))
    snap = take_snapshot(spec, hmac_key=load_secret_file(str(keys["other"])))
    assert snap.view().state == "wrong_key" and snap.view().css == "warn" and not snap.view().alarm
    html = _page(create_app(DashboardConfig(audit_spec=spec, hmac_key=load_secret_file(str(keys["other"])))))
    assert 'data-state="wrong_key"' in html and 'role="alert"' not in html and "TAMPERING" not in html


def test_a_signed_log_needs_the_public_key_to_be_verified(tmp_path, keys):
    spec = _log(tmp_path / "s.jsonl", signing_key=str(keys["signing"]))
    assert take_snapshot(spec).view().state == "key_missing"
    assert "--public-key" in take_snapshot(spec).view().detail
    pub = load_public_key(str(keys["public"]))
    assert take_snapshot(spec, public_key=pub).view().state == "verified"
    html = _page(create_app(DashboardConfig(audit_spec=spec, public_key=pub)))
    assert 'data-state="verified"' in html


def test_a_plain_chain_is_consistent_only(tmp_path):
    spec = _log(tmp_path / "p.jsonl")
    v = take_snapshot(spec).view()
    assert v.state == "consistent" and v.css == "warn" and "not proof against an insider" in v.headline


def test_an_edited_log_is_the_alarm_whatever_the_keys(tmp_path, keys):
    path = tmp_path / "s.jsonl"
    spec = _log(path, signing_key=str(keys["signing"]))
    path.write_text(path.read_text().replace("notification_request", "ice_hold"))
    for kw in ({}, {"public_key": load_public_key(str(keys["public"]))}):
        assert take_snapshot(spec, **kw).view().state == "failed"


def test_the_dashboard_command_takes_the_keys_and_their_environment_variables(tmp_path, keys, monkeypatch):
    """`status-guard dashboard --help` lists --public-key and --hmac-key-file with their variables; a
    missing key file is an error naming the flag, before anything is served."""
    help_text = CliRunner().invoke(cli, ["dashboard", "--help"]).output
    assert "--public-key" in help_text and "--hmac-key-file" in help_text
    assert "STATUS_GUARD_AUDIT_PUBLIC_KEY_FILE" in help_text and "STATUS_GUARD_AUDIT_HMAC_KEY_FILE" in help_text
    spec = _log(tmp_path / "s.jsonl", signing_key=str(keys["signing"]))
    monkeypatch.setenv("STATUS_GUARD_AUDIT_PUBLIC_KEY_FILE", str(tmp_path / "missing.pub"))
    res = CliRunner().invoke(cli, ["dashboard", "--audit", spec])
    assert res.exit_code == 2 and "--public-key" in res.output


FIGURE_COMMANDS = [["events", "list"], ["obligations", "--all"], ["events", "list", "--format", "json"],
                   ["obligations", "--format", "csv"],
                   # the audit log's own listings verify too (they listed records without a word about the check)
                   ["audit", "query"], ["audit", "query", "--format", "json", "--kind", "all"],
                   ["audit", "tail", "-n", "3", "--format", "csv"]]


@pytest.mark.parametrize("command", FIGURE_COMMANDS, ids=lambda c: " ".join(c))
@pytest.mark.parametrize("state", ["verified", "edited", "key_missing", "not_a_log"])
def test_every_command_that_shows_figures_or_records_says_what_the_check_of_the_log_found(tmp_path, keys, monkeypatch,
                                                                                command, state):
    for var in ("STATUS_GUARD_AUDIT_HMAC_KEY_FILE", "STATUS_GUARD_AUDIT_PUBLIC_KEY_FILE", "STATUS_GUARD_AUDIT"):
        monkeypatch.delenv(var, raising=False)
    path = tmp_path / "a.jsonl"
    spec = _log(path, hmac_key=str(keys["hmac"]))
    args = [*command, "--audit", spec]
    if state in ("verified", "edited"):
        args += ["--hmac-key-file", str(keys["hmac"])]
    if state == "edited":
        path.write_text(path.read_text().replace("2026-02-01T12:00:00Z", "2026-03-01T12:00:00Z"))
    if state == "not_a_log":
        path.write_text("date,amount\n2026-01-01,9250.00\n")
        args += ["--hmac-key-file", str(keys["hmac"])]
    res = CliRunner().invoke(cli, args)
    assert "Traceback" not in res.output
    if state == "verified":
        assert res.exit_code == 0 and "Log verified" in res.output
        if "json" in command:  # the state line goes to standard error: the listing stays one JSON document
            import json

            assert isinstance(json.loads(res.stdout), list)
    elif state == "edited":
        assert res.exit_code == 1 and "TAMPERING" in res.output and "did not verify" in res.output
    elif state == "key_missing":
        assert res.exit_code == 0 and "Cannot verify" in res.output and "--hmac-key-file" in res.output
    else:
        assert res.exit_code == 2 and "not a status-guard audit log" in res.output and "9250" not in res.output


def test_audit_query_without_verification_says_so(tmp_path, keys):
    spec = _log(tmp_path / "a.jsonl", hmac_key=str(keys["hmac"]))
    res = CliRunner().invoke(cli, ["audit", "query", "--audit", spec, "--kind", "all", "--no-verify"])
    assert res.exit_code == 0 and "Not verified (--no-verify)" in res.output and "Log verified" not in res.output
