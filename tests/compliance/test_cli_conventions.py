"""Every command speaks the same language (cli/options.py), so an officer who learns one knows them all.

Invariants:
* ``--format`` is the one output option; ``json`` is one JSON document, ``jsonl`` one object per line, ``csv``
  has a header and the same keys, ``table`` is for people — and the same rows in each (hypothesis);
* a mistyped choice or command is answered with "did you mean";
* errors name the flag the user typed, never a Python parameter;
* ``--out`` must agree with ``--format``; with no ``--format`` its extension chooses;
* a bare path is a JSONL audit spec;
* no colour codes when the output is not a terminal, or when NO_COLOR is set; no progress bar either;
* ``./dev --help`` exits 0.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard.cli import cli
from status_guard.cli.options import normalize_spec, render_rows

ROOT = Path(__file__).resolve().parents[2]
ANSI = "\x1b["


@pytest.fixture
def run(log_path, key_file):
    def go(*args: str, code: int | None = 0, env: dict[str, str] | None = None) -> str:
        res = CliRunner().invoke(cli, list(args), env={"STATUS_GUARD_AUDIT": str(log_path),
                                                       "STATUS_GUARD_PERSON_KEY_FILE": str(key_file), **(env or {})})
        if code is not None:
            assert res.exit_code == code, res.output
        # a machine format is stdout alone (the verification line goes to stderr)
        return res.stdout if any(a in ("json", "jsonl", "csv") for a in args) else res.output

    return go


@pytest.fixture
def events(run):
    run("events", "add", "detainer_request", "--person-id", "BK-1", "--in-custody",
        "--occurred-at", "2026-02-01 09:00 America/New_York")
    run("events", "add", "federal_reimbursement", "--case", "CPD-7", "--amount", "1,250.00",
        "--occurred-at", "2026-02-03 09:00 America/New_York")
    return run


@pytest.mark.parametrize("cmd", [("events", "list", "--from", "2026-01-01"),
                                 ("obligations", "--all", "--now", "2026-03-01T00:00:00Z"),
                                 ("events", "vocabulary")])
def test_one_format_option_with_the_same_rows_in_every_format(events, cmd):
    rows = json.loads(events(*cmd, "--format", "json"))
    assert isinstance(rows, list) and rows
    lines = [json.loads(x) for x in events(*cmd, "--format", "jsonl").splitlines()]
    assert lines == rows
    table = list(csv.DictReader(io.StringIO(events(*cmd, "--format", "csv"), newline="")))
    assert len(table) == len(rows) and list(table[0]) == [k for k in rows[0] if k in table[0]]
    assert events(*cmd, "--format", "table").splitlines()[0].split()[0] in {"seq", "status", "list"}


@settings(max_examples=50, deadline=None)
@given(st.lists(st.fixed_dictionaries({"a": st.integers(), "b": st.text(max_size=20), "c": st.booleans()}),
                max_size=8))
def test_json_jsonl_and_csv_carry_the_same_rows(rows):
    assert json.loads(render_rows(rows, "json", ["a", "b", "c"])) == rows
    assert [json.loads(x) for x in render_rows(rows, "jsonl", ["a", "b", "c"]).splitlines()] == rows
    back = list(csv.DictReader(io.StringIO(render_rows(rows, "csv", ["a", "b", "c"]), newline="")))
    assert [r["a"] for r in back] == [str(r["a"]) for r in rows]
    for r, b in zip(rows, back):
        assert b["b"] in (r["b"], "'" + r["b"])  # a formula-like cell is neutralised, never lost


@pytest.mark.parametrize("args,hint", [
    (("evnets",), 'did you mean "events"'),
    (("events", "ad"), 'did you mean "add"'),
    (("events", "add", "detainer_reqest"), 'did you mean "detainer_request"'),
    (("obligations", "--format", "jsn"), 'did you mean "json"'),
    (("report", "semiannual", "--from", "2026-01-01", "--to", "2026-06-30", "--format", "pfd"), 'did you mean "pdf"'),
    (("scan", ".", "--fail-on", "blok"), 'did you mean "block"'),
    (("sql", "check", "select 1", "--scope", "polise"), 'did you mean "police"'),
    (("audit", "verfy"), 'did you mean "verify"'),
])
def test_a_typo_is_answered_with_did_you_mean(run, args, hint):
    assert hint in run(*args, code=2)


@pytest.mark.parametrize("args,flag,param", [
    (("events", "add", "federal_reimbursement", "--amount", "10.00", "--occurred-at", "now"), "--case", "case_ref"),
    (("events", "add", "federal_reimbursement", "--case", "C1", "--amount", "ten", "--occurred-at", "now"), "--amount", "amount"),
    (("events", "add", "notification_request", "--person-id", "BK-1", "--occurred-at", "yesterday"), "--occurred-at",
     "occurred_at"),
    (("events", "add", "detainer_request", "--person-id", "BK-1", "--occurred-at", "now"), "--in-custody", "in_custody"),
    (("events", "add", "notice_delivered", "--occurred-at", "now"), "--obligation", "obligation_ref"),
    (("events", "add", "ice_cooperation", "--case", "INV-1", "--occurred-at", "now"), "--disclosable", "disclosable"),
])
def test_errors_name_the_flag_not_the_python_parameter(run, args, flag, param):
    import re

    out = run(*args, code=2)
    assert flag in out and not re.search(rf"(?<![-\w]){param}(?!\w)", out.replace(flag, "")), out


def test_out_must_agree_with_format_and_its_extension_chooses_otherwise(events, tmp_path):
    out = events("report", "semiannual", "--from", "2026-01-01", "--to", "2026-06-30", "--format", "html",
                 "--out", str(tmp_path / "r.pdf"), code=2)
    assert "does not match --format html" in out and "r.html" in out
    events("report", "semiannual", "--from", "2026-01-01", "--to", "2026-06-30", "--out", str(tmp_path / "r.pdf"))
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
    assert ".docx is not a format this command writes" in events("report", "semiannual", "--from", "2026-01-01", "--to", "2026-06-30",
                                              "--out", str(tmp_path / "r.docx"), code=2)


def test_a_bare_path_is_a_jsonl_audit_spec(events, log_path):
    assert normalize_spec(str(log_path)) == f"jsonl:{log_path}"
    assert normalize_spec("audit.sqlite3") == "sqlite:audit.sqlite3"
    assert normalize_spec("postgresql://u@h/db") == "postgresql://u@h/db"
    out = events("events", "list", "--from", "2026-01-01", "--audit", str(log_path), "--format", "json")
    assert len(json.loads(out)) == 2
    assert "VALID" in events("audit", "verify", "--audit", str(log_path), "--allow-open")


def test_a_missing_log_is_an_error_naming_the_flag(run, tmp_path):
    out = run("report", "semiannual", "--from", "2026-01-01", "--to", "2026-06-30", "--audit",
              str(tmp_path / "nope.jsonl"), code=2)
    assert "--audit" in out and "no audit log" in out


def test_no_colour_or_progress_when_output_is_not_a_terminal(events, log_path, tmp_path):
    import sys

    import status_guard

    # this checkout's code, run as a separate process whose output is a pipe (not the .venv's entry point,
    # which may belong to another checkout or not exist)
    src = str(Path(status_guard.__file__).resolve().parents[1])
    env = {"STATUS_GUARD_AUDIT": str(log_path), "PATH": "/usr/bin:/bin", "PYTHONPATH": src}
    for args in (["obligations", "--now", "2026-03-01T00:00:00Z"], ["events", "add", "detained_on_ice_hold",
                                                                    "--person-ref", "a" * 64, "--hold-basis",
                                                                    "ice_detainer"],
                 ["report", "semiannual", "--from", "2026-01-01", "--to", "2026-06-30", "--out",
                  str(tmp_path / "r.md")], ["audit", "query", "--effect", "block"], ["events", "list"]):
        res = subprocess.run([sys.executable, "-m", "status_guard.cli", *args], capture_output=True, text=True,
                             env=env, timeout=120)
        assert "Traceback" not in res.stderr, res.stderr
        assert ANSI not in res.stdout and ANSI not in res.stderr, args
        assert "\r" not in res.stderr  # no progress bar redrawn on a pipe


def test_colour_on_a_terminal_unless_no_color(monkeypatch):
    from status_guard.cli import options

    monkeypatch.setattr(options.sys.stdout, "isatty", lambda: True, raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert options.style("x", fg="red").startswith(ANSI)
    monkeypatch.setenv("NO_COLOR", "1")
    assert options.style("x", fg="red") == "x"


def test_dev_help_exits_zero():
    res = subprocess.run(["bash", str(ROOT / "dev"), "--help"], capture_output=True, text=True, timeout=30)
    assert res.returncode == 0 and "./dev demo" in res.stdout and "./dev test" in res.stdout
    assert subprocess.run(["bash", str(ROOT / "dev"), "frobnicate"], capture_output=True, timeout=30).returncode == 2


# -- errors name the option and speak in words (r16b F9) --------------------------------------------------
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(dept=st.sampled_from(["=HYPERLINK(1)", "+1", "@x", "-x", "a" * 81, "Dept\u202e", "12 Main St"]))
def test_a_bad_department_is_refused_naming_the_option(run, dept):
    out = run("events", "add", "detainer_request", "--person-id", "BK-1", "--in-custody", "--department", dept,
              "--occurred-at", "2026-03-02T11:00Z", code=2)
    assert "--department" in out and "event.department" not in out and "length" not in out


def test_errors_never_show_python_words_or_errno(run, tmp_path):
    out = run("events", "add", "ice_cooperation", "--case", "INV-1", "--occurred-at", "2026-03-02T11:00Z", code=2)
    assert "True" not in out and "False" not in out and "--disclosable" in out
    out = run("audit", "keygen", "--signing-key", str(tmp_path / "missing" / "s.pem"), code=2)
    assert "Errno" not in out and "--signing-key" in out and "folder does not exist" in out
    (tmp_path / "adir").mkdir()
    for cmd in (["audit", "verify"], ["events", "list"], ["obligations"]):
        out = run(*cmd, "--audit", str(tmp_path / "adir"), code=2)
        assert "Errno" not in out and "--audit" in out and "folder" in out


# -- r16c: the conventions everywhere, not command by command --------------------------------------------
def _all_commands() -> list[tuple[str, object]]:
    import click

    from status_guard.cli import COMMANDS, LazyGroup

    out = []

    def walk(path: str, cmd: object) -> None:
        out.append((path, cmd))
        if isinstance(cmd, click.Group):
            for name in cmd.list_commands(click.Context(cmd)):
                walk(f"{path} {name}", cmd.get_command(click.Context(cmd), name))

    for name in COMMANDS:
        cmd = LazyGroup._load(name)
        if cmd is not None:
            walk(name, cmd)
    return out


def test_every_choice_of_every_command_answers_a_typo_with_did_you_mean():
    import click

    from status_guard.cli.options import Choice

    plain = [f"{path} {p.opts[0]}" for path, cmd in _all_commands() for p in cmd.params
             if isinstance(p.type, click.Choice) and not isinstance(p.type, Choice)]
    assert not plain, plain


def _typo(word: str, i: int) -> str:
    i %= len(word)
    return word[:i] + word[i + 1:]  # one letter left out


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(flag_choice=st.sampled_from([("--effect", "block"), ("--effect", "redact"), ("--kind", "decision"),
                                    ("--kind", "heartbeat"), ("--kind", "checkpoint"), ("--format", "jsonl")]),
       at=st.integers(0, 20), listing=st.sampled_from([("audit", "query")]))
def test_a_mistyped_filter_of_audit_query_names_the_flag_and_the_closest_choice(run, flag_choice, at, listing):
    from hypothesis import assume

    flag, choice = flag_choice
    typo = _typo(choice, at)
    assume(typo not in ("json", "csv", "table", "event", "end", "start"))  # a typo that is another valid choice
    out = run(*listing, flag, typo, code=2)
    assert flag in out and f'"{choice}"' in out  # did you mean "block"?
    assert "Traceback" not in out


@pytest.mark.parametrize("flag", ["--since", "--until"])
def test_a_bad_time_names_its_flag(run, flag):
    out = run("audit", "query", flag, "last tuesday", code=2)
    assert flag in out and "ISO 8601" in out


@pytest.mark.parametrize("cmd", [("audit", "query"), ("audit", "tail"), ("events", "list", "--from", "2026-01-01"),
                                 ("obligations", "--all")])
def test_out_must_agree_with_format_and_its_extension_chooses_one(events, tmp_path, cmd):
    out = events(*cmd, "--out", str(tmp_path / "x.csv"), "--format=json", code=2)
    assert "--out x.csv does not match --format json" in out
    events(*cmd, "--out", str(tmp_path / "x.json"))
    assert isinstance(json.loads((tmp_path / "x.json").read_text()), list)  # json: one document
    events(*cmd, "--out", str(tmp_path / "x.jsonl"))
    lines = (tmp_path / "x.jsonl").read_text().splitlines()
    assert lines and all(isinstance(json.loads(x), dict) for x in lines)  # jsonl: one object per line
    assert ".xlsx is not a format this command writes" in events(*cmd, "--out", str(tmp_path / "x.xlsx"), code=2)
