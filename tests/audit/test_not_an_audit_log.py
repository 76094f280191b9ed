"""`audit verify` given a file that is not a status-guard audit log says so (exit 2, bad input) instead of
raising the tamper alarm; a genuine log with a damaged or edited line stays the alarm (exit 1)
(issue 16 item 9, w16c F02).

The red result means "the log the 2.129.060 report rests on was tampered with": an officer who pointed
the tool at the wrong file (a CSV export, the report, the witness's heads file) must not be sent to report
tampering, and an insider must not be able to pass a tampered log off as "the wrong file".

Invariants:
* any file none of whose lines is (or was) a record — text, CSV, JSON objects of another kind, a JSON
  array — is exit 2 with "<path> is not a status-guard audit log: it looks like …";
* a genuine log with any one line replaced by arbitrary text, or cut anywhere inside a line (inside the
  first record: once the stump holds its first key and MAC), is exit 1 (never 2): the tamper alarm.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard.audit import open_audit
from status_guard.cli import cli

SLOW = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
REC = {"kind": "event", "event": {"type": "ice_hold", "person_ref": "cd" * 32, "citation": "2.129.060(a)"}}
text_line = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n\x85\u2028\u2029\x0b\x0c\x1c\x1d\x1e"),
                    min_size=1, max_size=60).filter(lambda s: s.strip())
scalar = st.one_of(st.integers(), st.text(max_size=12), st.booleans(), st.none())
other_object = st.dictionaries(st.sampled_from(["id", "name", "type", "time", "value", "amount", "seq", "case"]),
                               scalar, min_size=1, max_size=5).filter(
    lambda d: not {"seq", "prev_hash", "hash"} <= set(d))


def _verify(path: Path) -> Any:
    return CliRunner().invoke(cli, ["audit", "verify", "--audit", str(path)])


@SLOW
@given(shape=st.sampled_from(["text", "csv", "jsonl", "json"]), lines=st.lists(text_line, min_size=1, max_size=8),
       objects=st.lists(other_object, min_size=1, max_size=6))
def test_a_file_that_is_not_an_audit_log_is_bad_input_never_the_tamper_alarm(
        tmp_path_factory: Any, shape: str, lines: list[str], objects: list[dict[str, Any]]) -> None:
    path = tmp_path_factory.mktemp("notlog") / f"export.{shape}"
    if shape == "text":
        body = "\n".join(lines) + "\n"
    elif shape == "csv":
        body = "case,amount,date\n" + "".join(f"{i},{len(s)},2026-03-0{i % 9 + 1}\n" for i, s in enumerate(lines))
    elif shape == "jsonl":
        body = "".join(json.dumps(o) + "\n" for o in objects)
    else:
        body = json.dumps(objects, indent=2)
    path.write_text(body, encoding="utf-8")
    res = _verify(path)
    assert res.exit_code == 2, res.output
    assert f"{path} is not a status-guard audit log: it looks like" in res.output
    assert "INVALID" not in res.output and "TAMPER" not in res.output.upper()


def _genuine(path: Path, n: int) -> list[bytes]:
    with open_audit(f"jsonl:{path}", fsync="never") as log:
        for _ in range(n):
            log.append(REC)
    return path.read_bytes().splitlines(keepends=True)


@SLOW
@given(n=st.integers(1, 6), data=st.data(), junk=text_line, cut=st.booleans())
def test_a_genuine_log_with_a_damaged_line_stays_the_tamper_alarm(
        tmp_path_factory: Any, n: int, data: Any, junk: str, cut: bool) -> None:
    path = tmp_path_factory.mktemp("log") / "audit.jsonl"
    lines = _genuine(path, n)
    i = data.draw(st.integers(0, len(lines) - 1), label="line")
    if cut:  # cut off inside line i (the rest of the log gone)
        # a cut inside the very first record leaves only its start: recognisable once it holds the first key
        # and the writer's MAC ('{"auth":"<32 hex>"', 42 bytes); a shorter stump is indistinguishable from
        # any other text, and is reported as not an audit log
        at = data.draw(st.integers(1 if i else 42, len(lines[i]) - 2), label="at")
        body = b"".join(lines[:i]) + lines[i][:at]
    else:  # line i replaced by arbitrary text
        body = b"".join(lines[:i]) + junk.encode("utf-8") + b"\n" + b"".join(lines[i + 1:])
    path.write_bytes(body)
    res = _verify(path)
    assert res.exit_code == 1, res.output
    assert "INVALID" in res.output and "is not a status-guard audit log" not in res.output
