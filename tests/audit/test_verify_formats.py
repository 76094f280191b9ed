"""`audit verify` and `audit witness check` take the one `--format` every command takes:
table|json|jsonl|csv (issue 16 item 9, w16c F09). The same result in each: json is one document,
jsonl one object per finding with the result last, csv the same rows; a typo gets "did you mean"."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from status_guard.audit import open_audit
from status_guard.cli import cli

REC = {"kind": "event", "event": {"type": "ice_hold", "person_ref": "cd" * 32, "citation": "2.129.060(a)"}}


@pytest.fixture()
def logs(tmp_path: Path) -> tuple[Path, Path, str]:
    witness = f"dir:{tmp_path / 'w'}"
    good = tmp_path / "good.jsonl"
    with open_audit(f"jsonl:{good}", fsync="never", witness=witness) as log:
        for _ in range(3):
            log.append(REC)
    bad = tmp_path / "bad.jsonl"
    lines = good.read_bytes().splitlines(keepends=True)
    bad.write_bytes(b"".join(lines[:2] + lines[3:]))  # a record deleted
    return good, bad, witness


@pytest.mark.parametrize("fmt", ["table", "json", "jsonl", "csv"])
def test_verify_gives_the_same_result_in_every_format(logs: tuple[Path, Path, str], fmt: str) -> None:
    good, bad, witness = logs
    for path, code, result in ((good, 0, "valid"), (bad, 1, "invalid")):
        res = CliRunner().invoke(cli, ["audit", "verify", "--audit", str(path), "--witness", witness, "--format", fmt])
        assert res.exit_code == code, res.output
        out = res.output
        if fmt == "table":
            assert ("Result: VALID" if code == 0 else "Result: INVALID") in out
        elif fmt == "json":
            doc = json.loads(out)
            assert doc["result"] == result and doc["ok"] is (code == 0)
        elif fmt == "jsonl":
            rows = [json.loads(x) for x in out.splitlines()]
            assert rows[-1]["type"] == "result" and rows[-1]["kind"] == result
            assert any(r["type"] == "problem" for r in rows) is (code == 1)
        else:
            rows = list(csv.DictReader(io.StringIO(out)))
            assert list(rows[0]) == ["type", "kind", "seq", "line", "message"]
            assert rows[-1]["type"] == "result" and rows[-1]["kind"] == result
            assert any(r["type"] == "problem" and r["kind"] == "missing" for r in rows) is (code == 1)


def test_a_mistyped_format_is_refused_with_the_choices(logs: tuple[Path, Path, str]) -> None:
    good, _, _ = logs
    res = CliRunner().invoke(cli, ["audit", "verify", "--audit", str(good), "--format", "jsonn"])
    assert res.exit_code == 2 and "table, json, jsonl, csv" in res.output and 'did you mean "json' in res.output


@pytest.mark.parametrize("fmt", ["table", "json", "jsonl", "csv"])
def test_witness_check_takes_the_same_formats(logs: tuple[Path, Path, str], fmt: str) -> None:
    _, _, witness = logs
    res = CliRunner().invoke(cli, ["audit", "witness", "check", "--witness", witness, "--format", fmt])
    assert res.exit_code == 0, res.output
    if fmt == "json":
        assert json.loads(res.output)["ok"] is True
    elif fmt == "csv":
        assert res.output.splitlines()[0] == "kind,log,epoch,size,message"
    elif fmt == "table":
        assert "Result: CONSISTENT" in res.output
