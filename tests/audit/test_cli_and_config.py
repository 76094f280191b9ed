"""`status-guard audit ...` and `open_audit(spec)`."""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from status_guard.audit import AuditConfigError, open_audit
from status_guard.audit.sinks.jsonl import JsonlSink
from status_guard.audit.sinks.memory import MemorySink
from status_guard.audit.sinks.sqlite import SqliteSink
from status_guard.cli.audit import audit


def _populate(spec: str, make_record: Any, **kw: Any) -> None:
    with open_audit(spec, **kw) as log:
        log.append(make_record(request_id="r-a"))
        log.append(make_record(request_id="r-b", effect="flag", citations=["2.129.040(a)"],
                               requester={"class": "federal", "agency": "ICE"}, adapter="sql",
                               fingerprint="SELECT id FROM students WHERE citizenship = ?", route=None))
        log.append({"kind": "event", "event": {"type": "detainer_request", "person_ref": "ab" * 32,
                                               "citation": "2.129.060(a)", "disclosable": True}})
        log.heartbeat()


def test_verify_command_says_valid_and_exits_zero(tmp_path: Path, make_record: Any) -> None:
    spec = f"jsonl:{tmp_path / 'a.jsonl'}"
    _populate(spec, make_record)
    res = CliRunner().invoke(audit, ["verify", "--audit", spec])
    assert res.exit_code == 0, res.output
    assert "Result: VALID" in res.output and "ended cleanly" in res.output


def test_verify_command_names_each_broken_record_and_exits_nonzero(tmp_path: Path, make_record: Any) -> None:
    path = tmp_path / "a.jsonl"
    _populate(f"jsonl:{path}", make_record)
    lines = path.read_bytes().splitlines()
    lines[1] = lines[1].replace(b'"effect":"block"', b'"effect":"allow"')
    del lines[3]
    path.write_bytes(b"\n".join(lines[:-1]) + b"\n")
    res = CliRunner().invoke(audit, ["verify", "--audit", f"jsonl:{path}"])
    assert res.exit_code == 1
    assert "EDITED: seq 1" in res.output
    assert "MISSING: seq 3" in res.output
    assert "TRUNCATED" in res.output and "Result: INVALID (3 problem(s))" in res.output
    js = CliRunner().invoke(audit, ["verify", "--audit", f"jsonl:{path}", "--format", "json"])
    assert js.exit_code == 1
    assert {p["kind"] for p in json.loads(js.output)["problems"]} == {"edited", "missing", "truncated"}


def test_verify_reads_the_spec_from_the_environment(tmp_path: Path, make_record: Any,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    spec = f"sqlite:{tmp_path / 'a.db'}"
    _populate(spec, make_record)
    monkeypatch.setenv("STATUS_GUARD_AUDIT", spec)
    assert CliRunner().invoke(audit, ["verify"]).exit_code == 0


def test_verify_of_a_missing_log_is_an_error_not_a_pass(tmp_path: Path) -> None:
    res = CliRunner().invoke(audit, ["verify", "--audit", f"jsonl:{tmp_path / 'nope.jsonl'}"])
    assert res.exit_code == 2 and "no records found" in res.output


def test_keygen_then_signed_verify_and_hmac_verify(tmp_path: Path, make_record: Any) -> None:
    runner = CliRunner()
    res = runner.invoke(audit, ["keygen", "--signing-key", str(tmp_path / "sign.pem"),
                                "--hmac-key", str(tmp_path / "hmac.key")])
    assert res.exit_code == 0, res.output
    for name in ("sign.pem", "hmac.key"):
        assert stat.S_IMODE(os.stat(tmp_path / name).st_mode) == 0o600
    assert runner.invoke(audit, ["keygen", "--hmac-key", str(tmp_path / "hmac.key")]).exit_code == 2  # no overwrite
    spec = f"jsonl:{tmp_path / 'a.jsonl'}"
    witness = f"dir:{tmp_path / 'witness'}"
    _populate(spec, make_record, signing_key=str(tmp_path / "sign.pem"), hmac_key=str(tmp_path / "hmac.key"),
              witness=witness)
    raw = (tmp_path / "a.jsonl").read_bytes()
    assert (tmp_path / "hmac.key").read_bytes().strip() not in raw  # keys never enter the log
    keys = ["--public-key", str(tmp_path / "sign.pem.pub"), "--hmac-key-file", str(tmp_path / "hmac.key")]
    ok = runner.invoke(audit, ["verify", "--audit", spec, *keys, "--witness", witness])
    assert ok.exit_code == 0, ok.output
    assert "signed tree heads: 2 verified" in ok.output  # the signed start and end markers
    assert "Result: VALID" in ok.output and "witness: 2 of its tree head(s) match" in ok.output
    # every record checked, but with no witness a cut tail would not show: yellow, exit 3, never VALID
    unwitnessed = runner.invoke(audit, ["verify", "--audit", spec, *keys])
    assert unwitnessed.exit_code == 3, unwitnessed.output
    assert "CANNOT FULLY VERIFY (no witness given)" in unwitnessed.output and "VALID" not in unwitnessed.output
    no_key = runner.invoke(audit, ["verify", "--audit", spec])
    # without its key an HMAC chain cannot be checked: "cannot verify" (exit 3), not the tamper alarm (1)
    assert no_key.exit_code == 3 and "CANNOT VERIFY (key not supplied)" in no_key.output
    assert "--hmac-key-file" in no_key.output and "INVALID" not in no_key.output


def test_query_filters_and_formats(tmp_path: Path, make_record: Any) -> None:
    spec = f"jsonl:{tmp_path / 'a.jsonl'}"
    _populate(spec, make_record)
    runner = CliRunner()

    def q(*args: str) -> list[dict[str, Any]]:
        res = runner.invoke(audit, ["query", "--audit", spec, "--format", "jsonl", *args])
        assert res.exit_code == 0, res.output
        lines = [json.loads(line) for line in res.stdout.splitlines()]
        doc = runner.invoke(audit, ["query", "--audit", spec, "--format", "json", *args])
        assert json.loads(doc.stdout) == lines  # json: one document with the same records
        return lines

    assert [r["request_id"] for r in q("--effect", "flag")] == ["r-b"]
    assert [r["request_id"] for r in q("--requester", "federal")] == ["r-b"]
    assert [r["request_id"] for r in q("--requester", "ice")] == ["r-b"]
    assert [r["request_id"] for r in q("--adapter", "sql")] == ["r-b"]
    assert [r.get("request_id") for r in q("--citation", "2.129.040")] == ["r-a", "r-b"]
    assert [r["kind"] for r in q("--citation", "2.129.060")] == ["event"]
    assert len(q()) == 3  # decisions and events by default
    assert len(q("--limit", "1")) == 1
    assert q("--since", "1h") and not q("--until", "2000-01-01")
    assert [r["kind"] for r in q("--kind", "heartbeat")] == ["heartbeat"]
    table = runner.invoke(audit, ["query", "--audit", spec])
    assert "2.129.040(a)" in table.output and "(3 record(s))" in table.output
    rows = list(csv.DictReader(io.StringIO(runner.invoke(audit, ["query", "--audit", spec, "--format", "csv"]).stdout)))
    assert [r["effect"] for r in rows] == ["block", "flag", ""]
    assert rows[1]["fingerprint"] == "SELECT id FROM students WHERE citizenship = ?"
    bad = runner.invoke(audit, ["query", "--audit", spec, "--since", "last tuesday"])
    assert bad.exit_code == 2 and "ISO 8601" in bad.output


def test_tail_shows_the_last_records(tmp_path: Path, make_record: Any) -> None:
    spec = f"jsonl:{tmp_path / 'a.jsonl'}"
    _populate(spec, make_record)
    res = CliRunner().invoke(audit, ["tail", "--audit", spec, "-n", "2", "--format", "jsonl"])
    assert res.exit_code == 0
    assert [json.loads(x)["kind"] for x in res.stdout.splitlines()] == ["heartbeat", "end"]
    doc = CliRunner().invoke(audit, ["tail", "--audit", spec, "-n", "2", "--format", "json"])
    assert [r["kind"] for r in json.loads(doc.stdout)] == ["heartbeat", "end"]


def test_open_audit_specs(tmp_path: Path) -> None:
    assert isinstance(open_audit("memory:").sink, MemorySink)
    assert isinstance(open_audit(f"jsonl:{tmp_path / 'a'}").sink, JsonlSink)
    assert isinstance(open_audit(f"sqlite:{tmp_path / 'b'}").sink, SqliteSink)
    for bad in ("", "ftp://x", "jsonl:", "postgresql://h/db?table=Bad-Name"):
        with pytest.raises(AuditConfigError):
            open_audit(bad)
    with pytest.raises(AuditConfigError):
        open_audit("memory:", fsync="sometimes")


def test_open_audit_none_uses_env_else_memory_with_a_warning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="status_guard.audit"):
        log = open_audit(None)
    assert isinstance(log.sink, MemorySink)
    assert "IN-MEMORY" in caplog.text
    monkeypatch.setenv("STATUS_GUARD_AUDIT", f"jsonl:{tmp_path / 'env.jsonl'}")
    assert isinstance(open_audit(None).sink, JsonlSink)


def test_keys_from_environment_files(tmp_path: Path, make_record: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    CliRunner().invoke(audit, ["keygen", "--signing-key", str(tmp_path / "s.pem"), "--hmac-key", str(tmp_path / "h")])
    monkeypatch.setenv("STATUS_GUARD_AUDIT_HMAC_KEY_FILE", str(tmp_path / "h"))
    monkeypatch.setenv("STATUS_GUARD_AUDIT_SIGNING_KEY_FILE", str(tmp_path / "s.pem"))
    log = open_audit("memory:")
    log.append(make_record())
    log.close()
    first = next(log.records())
    assert first["chain"]["alg"] == "hmac-sha256"
    assert log.verify(log.public_key).heads_verified == 2  # signed start and end markers
    (tmp_path / "short").write_text("abcd")
    monkeypatch.setenv("STATUS_GUARD_AUDIT_HMAC_KEY_FILE", str(tmp_path / "short"))
    with pytest.raises(AuditConfigError, match="at least 32"):
        open_audit("memory:")


def test_raw_lines_expose_the_exact_stored_bytes(tmp_path: Path, make_record: Any) -> None:
    spec = f"jsonl:{tmp_path / 'a.jsonl'}"
    _populate(spec, make_record)
    assert b"\n".join(open_audit(spec).raw_lines()) + b"\n" == (tmp_path / "a.jsonl").read_bytes()
