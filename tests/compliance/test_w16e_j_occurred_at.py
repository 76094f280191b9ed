"""w16e F03 — 2.129.060 counts events by when they occurred, never by when they were typed.

Invariant: `events add` of any event type without `--occurred-at` records nothing and exits 2 with an error that
names the flag and gives an example; `--occurred-at now` is an explicit choice and is said on screen with the
time used; every command the tool prints for the officer to paste (the 040(g) notice hint) carries
`--occurred-at`.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard.cli import cli
from status_guard.compliance.events import RECORDABLE

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))

# any mix of the other options an officer might give (valid or not): none of them may stand in for the time
EXTRA = st.lists(st.sampled_from([
    ("--person-id", "BK-1"), ("--case", "C-9"), ("--amount", "1.00"), ("--in-custody",), ("--not-in-custody",),
    ("--disclosable",), ("--not-disclosable",), ("--hold-basis", "criminal_warrant"), ("--hold-basis", "ice_detainer"),
    ("--obligation", "obl0123456789abcdef"), ("--department", "Police Department"), ("--idempotency-key", "K-1"),
    ("--occurred-at", ""), ("--occurred-at", "  "),
]), max_size=5, unique=True)


def _invoke(tmp: Path, args: list[str]) -> tuple[int, str]:
    key = tmp / "p.key"
    if not key.exists():
        key.write_bytes(secrets.token_bytes(32))
    env = {"STATUS_GUARD_AUDIT": f"jsonl:{tmp / 'a.jsonl'}", "STATUS_GUARD_PERSON_KEY_FILE": str(key),
           "NO_COLOR": "1"}
    r = CliRunner().invoke(cli, args, env=env)
    return r.exit_code, r.output


@SETTINGS
@given(etype=st.sampled_from([t.value for t in RECORDABLE]), extra=EXTRA)
def test_an_event_is_never_dated_when_it_was_typed_060(tmp_path_factory, etype, extra):
    tmp = tmp_path_factory.mktemp("f03")
    code, out = _invoke(tmp, ["events", "add", etype, *[a for pair in extra for a in pair]])
    assert code == 2, out
    assert "--occurred-at is required" in out and "America/New_York" in out, out
    log = tmp / "a.jsonl"
    assert not log.exists() or etype not in log.read_text()  # nothing was recorded (not even a refused attempt)


def test_occurred_at_now_is_an_explicit_choice_said_on_screen_060(tmp_path):
    code, out = _invoke(tmp_path, ["events", "add", "federal_reimbursement", "--case", "C-9", "--amount", "1.00",
                                   "--occurred-at", "now"])
    assert code == 0, out
    assert "--occurred-at now: dated" in out and "--reason wrong_time --occurred-at" in out
    code, out = _invoke(tmp_path, ["events", "add", "federal_reimbursement", "--case", "C-8", "--amount", "1.00",
                                   "--occurred-at", "2026-03-02 10:00 EST"])
    assert code == 0 and "--occurred-at now" not in out, out


def test_the_printed_notice_command_asks_for_the_time_040g(tmp_path):
    """The hint the tool prints, pasted as printed, is refused until the time is filled in — never LATE by
    the months between the notice and its typing."""
    code, out = _invoke(tmp_path, ["events", "add", "detainer_request", "--person-id", "BK-1", "--in-custody",
                                   "--occurred-at", "2026-03-02 14:00 America/New_York"])
    assert code == 0, out
    hint = next(line.strip() for line in out.splitlines() if "notice_delivered --obligation" in line)
    assert '--occurred-at "WHEN IT WAS GIVEN"' in hint
    ref = hint.split("--obligation ")[1].split()[0]
    code, out = _invoke(tmp_path, ["events", "add", "notice_delivered", "--obligation", ref])
    assert code == 2 and "--occurred-at is required" in out and "LATE" not in out
    code, out = _invoke(tmp_path, ["events", "add", "notice_delivered", "--obligation", ref,
                                   "--occurred-at", "2026-03-02 20:00 America/New_York"])
    assert code == 0 and "on time" in out, out


def test_the_dashboard_notice_command_asks_for_the_time_040g():
    from importlib.resources import files

    page = (files("status_guard.compliance.dashboard") / "templates" / "obligations.html").read_text()
    cmd = next(line for line in page.splitlines() if "events add notice_delivered" in line)
    assert "--occurred-at" in cmd
