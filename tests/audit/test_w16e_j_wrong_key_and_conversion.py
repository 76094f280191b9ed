"""w16e F04 / F10 — what the verification says names the cause an officer can act on.

Invariants:
* F04 — a wrong key is "not this log's key" (cannot verify: exit 2, yellow on the dashboard and the report),
  never INVALID: an honest HMAC-chained log checked with another HMAC key (no record's MAC verifies, the chain
  is intact), or a signed log checked with another public key. A log where some MACs verify and some do not
  under the key given stays the tamper alarm (an edit), whatever the key.
* F10 — a log whose line endings were converted to CRLF, or that gained empty lines at its end, is not VALID
  (the stored bytes changed) but the first problem names the conversion, and only what the log with the
  conversion undone still shows follows it: an honest converted log has no other problem; an edit made as
  well still shows as an edit.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard.audit import open_audit
from status_guard.audit.keys import load_public_key, write_secret_file, write_signing_keypair
from status_guard.audit.verify import verify_items, witness_entries
from status_guard.cli import cli
from status_guard.compliance import take_snapshot
from status_guard.compliance.verification import view_of

SETTINGS = settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))


def _event(i: int) -> dict[str, Any]:
    return {"kind": "event", "event": {"type": "notification_request", "event_id": f"evt{i:016x}",
                                       "occurred_at": f"2026-02-{i % 27 + 1:02d}T12:00:00Z",
                                       "citation": "2.129.060(a)"}}


def _write(path: Path, n: int, **kw: Any) -> None:
    log = open_audit(f"jsonl:{path}", fsync="never", **kw)
    for i in range(n):
        log.append(_event(i))
    log.close()


def _verify_cli(path: Path, *args: str) -> tuple[int, str]:
    r = CliRunner().invoke(cli, ["audit", "verify", "--audit", f"jsonl:{path}", *args], env={"NO_COLOR": "1"})
    return r.exit_code, r.output


def _edit(path: Path, lines: set[int]) -> None:
    """Change the content of the event records on ``lines`` (1-based) without touching their hashes."""
    out = []
    for no, line in enumerate(path.read_bytes().split(b"\n"), 1):
        if no in lines:
            line = line.replace(b"12:00:00Z", b"13:00:00Z")
        out.append(line)
    path.write_bytes(b"\n".join(out))


def _event_lines(path: Path) -> list[int]:
    return [no for no, line in enumerate(path.read_bytes().split(b"\n"), 1) if b'"kind":"event"' in line]


@SETTINGS
@given(n=st.integers(1, 6), witnessed=st.booleans())
def test_an_honest_log_with_another_hmac_key_is_not_this_logs_key_never_invalid(tmp_path_factory, n, witnessed):
    d = tmp_path_factory.mktemp("f04")
    right, wrong = d / "h.key", d / "h2.key"
    write_secret_file(str(right))
    write_secret_file(str(wrong))
    witness = f"dir:{d / 'w'}" if witnessed else None
    _write(d / "a.jsonl", n, hmac_key=str(right), **({"witness": witness} if witness else {}))
    extra = ["--witness", witness] if witness else []
    code, out = _verify_cli(d / "a.jsonl", "--hmac-key-file", str(wrong), *extra)
    assert code == 2 and "not this log's key" in out and "INVALID" not in out and "EDITED" not in out, out
    assert ("the key is wrong, not the log" in out) == witnessed  # a witness makes it certain
    code, out = _verify_cli(d / "a.jsonl", "--hmac-key-file", str(right), *extra)
    assert code in (0, 3), out  # the right key: valid (3 = not compared with a witness)
    from status_guard.audit.keys import load_secret_file

    snap = take_snapshot(f"jsonl:{d / 'a.jsonl'}", hmac_key=load_secret_file(str(wrong)), witness=witness)
    view = snap.view()
    assert view.state == "wrong_key" and view.css == "warn" and not view.alarm and "--hmac-key-file" in view.supply


@SETTINGS
@given(n=st.integers(2, 6), data=st.data())
def test_some_macs_verifying_and_some_not_is_tampering_whatever_the_key(tmp_path_factory, n, data):
    d = tmp_path_factory.mktemp("f04e")
    key = d / "h.key"
    write_secret_file(str(key))
    _write(d / "a.jsonl", n, hmac_key=str(key))
    lines = _event_lines(d / "a.jsonl")
    edited = data.draw(st.sets(st.sampled_from(lines), min_size=1, max_size=len(lines)))
    _edit(d / "a.jsonl", edited)  # the markers around the events still verify: never every record
    code, out = _verify_cli(d / "a.jsonl", "--hmac-key-file", str(key), "--allow-open")
    assert code == 1 and "INVALID" in out and "not this log's key" not in out, out
    from status_guard.audit.keys import load_secret_file

    assert take_snapshot(f"jsonl:{d / 'a.jsonl'}", hmac_key=load_secret_file(str(key))).view().state == "failed"


def test_an_honest_signed_log_with_another_public_key_is_not_this_logs_key(tmp_path):
    write_signing_keypair(str(tmp_path / "s.pem"), str(tmp_path / "s.pem.pub"))
    write_signing_keypair(str(tmp_path / "o.pem"), str(tmp_path / "o.pem.pub"))
    log = open_audit(f"jsonl:{tmp_path / 'a.jsonl'}", fsync="never", signing_key=str(tmp_path / "s.pem"),
                     checkpoint_every=2)
    for i in range(5):
        log.append(_event(i))
    log.close()
    code, out = _verify_cli(tmp_path / "a.jsonl", "--public-key", str(tmp_path / "o.pem.pub"))
    assert code == 2 and "not the key this log's tree heads were signed with" in out
    view = take_snapshot(f"jsonl:{tmp_path / 'a.jsonl'}", public_key=load_public_key(str(tmp_path / "o.pem.pub"))).view()
    assert view.state == "wrong_key" and "--public-key" in view.supply and not view.alarm


# -- F10 ----------------------------------------------------------------------------------------------
@SETTINGS
@given(n=st.integers(1, 6), crlf=st.sampled_from(["none", "all", "some"]), blanks=st.integers(0, 3),
       edit=st.booleans(), data=st.data())
def test_a_converted_log_names_the_conversion_and_keeps_every_other_problem(tmp_path_factory, n, crlf, blanks, edit,
                                                                             data):
    if crlf == "none" and blanks == 0:
        blanks = 1
    d = tmp_path_factory.mktemp("f10")
    path = d / "a.jsonl"
    _write(path, n)
    if edit:
        _edit(path, {data.draw(st.sampled_from(_event_lines(path)))})
    lines = path.read_bytes().split(b"\n")[:-1]
    if crlf != "none":
        which = set(range(len(lines))) if crlf == "all" else data.draw(
            st.sets(st.integers(0, len(lines) - 1), min_size=1))
        lines = [ln + b"\r" if i in which else ln for i, ln in enumerate(lines)]
    path.write_bytes(b"".join(ln + b"\n" for ln in lines) + b"\n" * blanks)
    code, out = _verify_cli(path)
    assert code == 1 and "INVALID" in out, out  # the stored bytes changed: never VALID
    first = next(ln for ln in out.splitlines() if ln.strip().startswith(("CONVERTED", "EDITED", "CORRUPT",
                                                                           "BROKEN", "TRUNCATED")))
    assert first.strip().startswith("CONVERTED:"), out
    assert ("CRLF" in first) == (crlf != "none") and (("empty line" in first) == (blanks > 0)), first
    assert ("otherwise intact" in first) == (not edit), out
    assert ("EDITED" in out) == edit, out  # the edit is never explained away by the conversion
    view = take_snapshot(f"jsonl:{path}").view()
    assert view.state == "failed" and view.alarm and view.cause.startswith(("line endings", "one empty", f"{blanks} empty"))


def test_a_crlf_copy_of_a_witnessed_hmac_log_is_otherwise_intact(tmp_path):
    key = tmp_path / "h.key"
    write_secret_file(str(key))
    witness = f"dir:{tmp_path / 'w'}"
    _write(tmp_path / "a.jsonl", 4, hmac_key=str(key), witness=witness)
    p = tmp_path / "a.jsonl"
    p.write_bytes(p.read_bytes().replace(b"\n", b"\r\n"))
    from status_guard.audit.keys import load_secret_file
    from status_guard.audit import open_sink

    items = list(open_sink(f"jsonl:{p}").raw_items())
    r = verify_items(items, hmac_key=load_secret_file(str(key)), witness_heads=witness_entries(witness))
    assert not r.ok and r.converted == "crlf" and [x.kind for x in r.problems] == ["converted"]
    assert r.witness_heads_matched > 0  # with the line endings restored, the witness's heads match
    assert view_of(r).state == "failed"


def test_the_report_first_page_says_the_key_is_not_the_logs_never_tampering_060(tmp_path):
    from status_guard.audit.keys import load_secret_file
    from status_guard.policy import load_policy
    from status_guard.compliance.report import Period, report_for
    from status_guard.compliance.wording import integrity_words, verification_sentence

    right, wrong = tmp_path / "h.key", tmp_path / "h2.key"
    write_secret_file(str(right))
    write_secret_file(str(wrong))
    _write(tmp_path / "a.jsonl", 3, hmac_key=str(right))
    rep = report_for(take_snapshot(f"jsonl:{tmp_path / 'a.jsonl'}", hmac_key=load_secret_file(str(wrong))),
                     Period.parse("2026-01-01", "2026-06-30"), load_policy(None))
    css, words = integrity_words(rep)
    assert css == "warn" and "not the log's own key" in words and "DID NOT VERIFY" not in words
    assert "COULD NOT BE VERIFIED" in verification_sentence(rep)
    r = CliRunner().invoke(cli, ["report", "semiannual", "--audit", f"jsonl:{tmp_path / 'a.jsonl'}", "--from",
                                 "2026-01-01", "--to", "2026-06-30", "--hmac-key-file", str(wrong)])
    assert r.exit_code == 2 and "not this log's key" in r.output and "did not verify" not in r.output, r.output


def test_listings_with_a_wrong_key_are_yellow_and_exit_2_never_the_alarm(tmp_path):
    right, wrong = tmp_path / "h.key", tmp_path / "h2.key"
    write_secret_file(str(right))
    write_secret_file(str(wrong))
    _write(tmp_path / "a.jsonl", 2, hmac_key=str(right))
    spec = f"jsonl:{tmp_path / 'a.jsonl'}"
    for args in (["audit", "query"], ["audit", "tail"], ["events", "list"], ["obligations"]):
        r = CliRunner().invoke(cli, [*args, "--audit", spec, "--hmac-key-file", str(wrong)], env={"NO_COLOR": "1"})
        assert r.exit_code == 2 and "not this log's key" in r.output and "TAMPERING" not in r.output, (args, r.output)
