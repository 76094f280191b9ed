"""Signed markers and sessions, pinned log ids (item 3); verify's messages (item 5); the CLI on bad
input (item 6).

Invariants:
* with a signing key, every session start, continuation, end and checkpoint carries a tree head
  signed over its own kind and place: a forged end marker, or a checkpoint turned into an end
  marker, does not verify with the public key;
* a log that is not the expected one (pinned id) is reported as swapped, with the found log's start;
* the `--allow-open` hint appears only when it would help (not when it was given);
* any input the CLI cannot use — a key file that is not a key, a file that is not a database,
  anchors of the wrong JSON types, a line over the size limit — ends with a clear message and exit
  code 2, and no line is read whole past the limit (bounded memory on a 1 GiB line).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard.audit import open_audit
from status_guard.audit.canonical import canonical, record_hash
from status_guard.audit.treehead import check_head_signature
from status_guard.cli import cli

REC = {"action": "collect", "effect": "block", "adapter": "asgi", "citations": ["2.129.040(b)"],
       "fields": ["guardian.citizenship"], "requester": {"class": "local"}}


def _signed_log(path: Path, sk: Any, n: int = 6, **kw: Any) -> list[bytes]:
    kw.setdefault("checkpoint_every", 3)
    log = open_audit(f"jsonl:{path}", signing_key=sk, fsync="never", checkpoint_seconds=0, **kw)
    for _ in range(n):
        log.append(REC)
    log.close()
    return path.read_bytes().splitlines()


def _keys(tmp_path: Path) -> tuple[Path, Path]:
    sk, pk = tmp_path / "sign.pem", tmp_path / "sign.pub"
    assert CliRunner().invoke(cli, ["audit", "keygen", "--signing-key", str(sk), "--public-key", str(pk)]).exit_code == 0
    return sk, pk


def test_session_markers_carry_heads_signed_over_their_own_kind_and_place(tmp_path: Path) -> None:
    sk = Ed25519PrivateKey.generate()
    lines = _signed_log(tmp_path / "a.jsonl", sk)
    lines += _signed_log(tmp_path / "a.jsonl", sk, n=1)[len(lines):]  # a second session: continuation + end
    kinds = []
    for line in lines:
        rec = orjson.loads(line)
        if rec["kind"] in ("start", "continuation", "checkpoint", "end"):
            sth = rec["sth"]
            assert check_head_signature(sth, sk.public_key()) is None
            assert (sth["kind"], sth["size"], sth["writer"], sth["head"]) == (rec["kind"], rec["seq"], rec["writer"],
                                                                               rec["prev_hash"])
            kinds.append(rec["kind"])
    assert kinds[0] == "start" and "continuation" in kinds and kinds[-1] == "end"


def _forge_end_after(lines: list[bytes], keep: int) -> list[bytes]:
    kept = lines[:keep]
    prev = orjson.loads(kept[-1])
    end = {"v": 2, "kind": "end", "seq": prev["seq"] + 1, "time": prev["time"], "writer": prev["writer"],
           "prev_hash": prev["hash"]}
    end["hash"] = record_hash(end, None)
    return kept + [canonical(end)]


def test_cut_right_after_a_checkpoint_with_a_forged_end_marker_is_caught_with_the_public_key(tmp_path: Path) -> None:
    sk = Ed25519PrivateKey.generate()
    path = tmp_path / "a.jsonl"
    lines = _signed_log(path, sk)
    cp = next(i for i, x in enumerate(lines) if b'"kind":"checkpoint"' in x)
    path.write_bytes(b"".join(x + b"\n" for x in _forge_end_after(lines, cp + 1)))
    assert open_audit(f"jsonl:{path}").verify().ok  # no key: nothing to tell it apart
    r = open_audit(f"jsonl:{path}").verify(sk.public_key())
    assert "unsigned" in r.problem_kinds and any("end marker" in p.message for p in r.problems)


def test_a_checkpoint_relabelled_as_an_end_marker_does_not_verify(tmp_path: Path) -> None:
    sk = Ed25519PrivateKey.generate()
    path = tmp_path / "a.jsonl"
    lines = _signed_log(path, sk)
    cp = next(i for i, x in enumerate(lines) if b'"kind":"checkpoint"' in x)
    rec = orjson.loads(lines[cp])
    rec["kind"] = "end"
    rec["hash"] = record_hash(rec, None)
    path.write_bytes(b"".join(x + b"\n" for x in lines[:cp] + [canonical(rec)]))
    r = open_audit(f"jsonl:{path}").verify(sk.public_key())
    assert "checkpoint_mismatch" in r.problem_kinds


def test_cli_pinned_log_id_reports_a_swapped_log_with_its_start(tmp_path: Path) -> None:
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    for p in (a, b):
        log = open_audit(f"jsonl:{p}")
        log.append(REC)
        log.close()
    init = CliRunner().invoke(cli, ["audit", "init", "--audit", f"jsonl:{a}"])
    assert init.exit_code == 0 and "pin it: export STATUS_GUARD_AUDIT_LOG_ID=" in init.output
    log_id = init.output.split("STATUS_GUARD_AUDIT_LOG_ID=")[1].split()[0]
    ok = CliRunner().invoke(cli, ["audit", "verify", "--audit", f"jsonl:{a}", "--log-id", log_id])
    assert ok.exit_code == 0, ok.output
    bad = CliRunner().invoke(cli, ["audit", "verify", "--audit", f"jsonl:{b}", "--log-id", log_id])
    assert bad.exit_code == 1 and "SWAPPED" in bad.output and "(started 20" in bad.output


def test_the_allow_open_hint_is_shown_only_when_it_would_help(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    log = open_audit(f"jsonl:{path}")
    log.append(REC)  # still running: no end marker
    without = CliRunner().invoke(cli, ["audit", "verify", "--audit", f"jsonl:{path}"])
    assert without.exit_code == 1 and "hint: if the application writing this log is still running" in without.output
    with_flag = CliRunner().invoke(cli, ["audit", "verify", "--audit", f"jsonl:{path}", "--allow-open"])
    assert with_flag.exit_code == 0 and "hint: " not in with_flag.output
    with open(path, "ab") as f:
        f.write(b'{"v":2,"kind":"decis')  # a torn last write
    torn = CliRunner().invoke(cli, ["audit", "verify", "--audit", f"jsonl:{path}", "--allow-open"])
    assert torn.exit_code == 1 and "TRUNCATED" in torn.output and "hint: " not in torn.output


def test_a_key_file_that_is_not_a_key_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    sk, pk = _keys(tmp_path)
    path = tmp_path / "a.jsonl"
    log = open_audit(f"jsonl:{path}")
    log.append(REC)
    log.close()
    text = tmp_path / "notes.txt"
    text.write_text("not a key at all, just some text that is long enough to be mistaken\n")
    cases = [
        (["--public-key", str(text)], "not a PEM public key"),
        (["--public-key", str(sk)], "holds a PRIVATE key"),
        (["--hmac-key-file", str(pk)], "is not a key: it is a PEM file"),
        (["--hmac-key-file", str(text)], "is not a key: it is text that is not hex"),
        (["--public-key", str(tmp_path / "missing.pub")], "cannot read the public key file"),
    ]
    for args, msg in cases:
        res = CliRunner().invoke(cli, ["audit", "verify", "--audit", f"jsonl:{path}", *args])
        assert res.exit_code == 2 and msg in res.output, (args, res.output)
        assert "Traceback" not in res.output


@pytest.mark.parametrize("command", [["verify"], ["query"], ["tail"]])
def test_a_file_that_is_not_a_database_given_as_sqlite_exits_2(tmp_path: Path, command: list[str]) -> None:
    notdb = tmp_path / "README.md"
    notdb.write_text("# not a database\n" * 100)
    res = CliRunner().invoke(cli, ["audit", *command, "--audit", f"sqlite:{notdb}"])
    assert res.exit_code == 2 and "is not an SQLite database" in res.output, res.output
    empty_db = tmp_path / "other.db"
    import sqlite3

    sqlite3.connect(empty_db).execute("CREATE TABLE t (x)").connection.commit()
    res = CliRunner().invoke(cli, ["audit", *command, "--audit", f"sqlite:{empty_db}"])
    assert res.exit_code == 2 and ("not an audit log" in res.output or "no records found" in res.output), res.output


ANCHOR_SHAPES = st.one_of(
    st.integers(), st.text(max_size=20), st.none(), st.booleans(), st.lists(st.integers(), max_size=3),
    st.fixed_dictionaries({"seq": st.one_of(st.text(max_size=5), st.floats(allow_nan=False), st.none()),
                           "hash": st.one_of(st.integers(), st.text(max_size=5)), "log": st.integers()}),
    st.fixed_dictionaries({"root": st.one_of(st.integers(), st.text(max_size=70)), "size": st.one_of(st.text(), st.integers(-5, -1)),
                           "log": st.none()}),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(anchor=st.one_of(ANCHOR_SHAPES, st.lists(ANCHOR_SHAPES, min_size=1, max_size=3)))
def test_anchors_of_the_wrong_json_types_are_a_clear_error_not_a_crash(tmp_path_factory: pytest.TempPathFactory,
                                                                        anchor: Any) -> None:
    d = tmp_path_factory.mktemp("anchor")
    path = d / "a.jsonl"
    log = open_audit(f"jsonl:{path}")
    log.append(REC)
    log.close()
    f = d / "anchor.json"
    f.write_text(json.dumps(anchor))
    res = CliRunner().invoke(cli, ["audit", "verify", "--audit", f"jsonl:{path}", "--anchor", str(f)])
    assert res.exit_code == 2, res.output
    assert res.output.startswith("error: ") and "Traceback" not in res.output


def test_an_anchor_file_that_is_not_json_or_too_large_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    log = open_audit(f"jsonl:{path}")
    log.append(REC)
    log.close()
    bad = tmp_path / "bad.json"
    bad.write_bytes(b"\xff\xfe not json")
    res = CliRunner().invoke(cli, ["audit", "verify", "--audit", f"jsonl:{path}", "--anchor", str(bad)])
    assert res.exit_code == 2 and "is not JSON" in res.output
    big = tmp_path / "big.json"
    with open(big, "wb") as fh:
        fh.truncate(17 * 1024 * 1024)
    res = CliRunner().invoke(cli, ["audit", "verify", "--audit", f"jsonl:{path}", "--anchor", str(big)])
    assert res.exit_code == 2 and "is over 16 MiB" in res.output


CHILD_RSS = """
import resource, subprocess, sys
p = subprocess.run([sys.executable, "-m", "status_guard.cli", *sys.argv[1:]], capture_output=True, text=True)
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
print(p.returncode, rss)
print(p.stderr[-500:] + p.stdout[-2000:])
"""


@pytest.mark.parametrize("command", [["verify"], ["query"], ["tail", "-n", "5"]])
def test_a_1_gib_line_exits_2_with_bounded_memory(tmp_path: Path, command: list[str]) -> None:
    path = tmp_path / "a.jsonl"
    log = open_audit(f"jsonl:{path}")
    for _ in range(3):
        log.append(REC)
    log.close()
    with open(path, "r+b") as f:  # a 1 GiB line (a sparse hole: no disk used), then more records
        f.seek(0, os.SEEK_END)
        f.seek(1 << 30, os.SEEK_CUR)
        f.write(b"\n")
    log = open_audit(f"jsonl:{path}")
    with pytest.raises(Exception, match="over"):  # a writer will not build on it either
        log.append(REC)
    out = subprocess.run([sys.executable, "-c", CHILD_RSS, "audit", *command, "--audit", f"jsonl:{path}"],
                         capture_output=True, text=True, timeout=300)
    rc, rss = (int(x) for x in out.stdout.splitlines()[0].split())
    assert rc == 2, out.stdout
    assert "over the size limit" in out.stdout or "over 1048576" in out.stdout, out.stdout
    assert rss < 250 * 1024, f"max RSS {rss} KiB"  # never the whole line (1 GiB) in memory
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss < 2 * 1024 * 1024
