"""An empty or missing witness never turns a cut log green (issue 16, w16f F01).

An officer's witness folder is empty when the network share is not mounted (the mount point is an empty
directory) or after `mkdir -p` re-made it. A log cut back to an earlier end marker looks whole on its own; if
the tool then tells the officer "not a sign of tampering: run witness pull", the pull makes the cut log's
present length the trusted anchor, and the 2.129.060(d) reimbursement total the Clerk publishes is short.

Invariant: for any log written with signed tree heads and a witness, cut at any point, with the witness
folder empty, missing or re-made: `audit verify` is never VALID and never says "not a sign of tampering";
`audit witness pull` (without ``--first-copy``) refuses to seed the witness (exit 3, nothing stored) and tells
the officer to restore or mount the witness folder; verifying after that pull is still not VALID. An honest
log with its own witness stays VALID, and ``--first-copy`` (said out loud) is the one way to seed a new witness.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives import serialization
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard.audit import open_audit
from status_guard.cli import cli
from status_guard.compliance.verification import view_of

REC = {"kind": "event", "event": {"type": "federal_reimbursement", "case_ref": "CPD-1", "amount": "100.00",
                                  "citation": "2.129.060(d)", "disclosable": True}}
SK = Ed25519PrivateKey.generate()


def _setup(tmp: Path, sessions: list[int]) -> tuple[Path, Path, Path]:
    pub = tmp / "s.pub"
    pub.write_bytes(SK.public_key().public_bytes(serialization.Encoding.PEM,
                                                 serialization.PublicFormat.SubjectPublicKeyInfo))
    path, wdir = tmp / "audit.jsonl", tmp / "witness"
    wdir.mkdir()
    for n in sessions:
        with open_audit(f"jsonl:{path}", signing_key=SK, witness=f"dir:{wdir}", fsync="never") as log:
            for _ in range(n):
                log.append(REC)
    return path, pub, wdir


def _verify(path: Path, pub: Path, wdir: Path) -> object:
    return CliRunner().invoke(cli, ["audit", "verify", "--audit", f"jsonl:{path}", "--public-key", str(pub),
                                    "--witness", f"dir:{wdir}"])


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sessions=st.lists(st.integers(1, 4), min_size=2, max_size=4), data=st.data(),
       how=st.sampled_from(["empty_dir", "missing_dir", "empty_file", "no_file"]))
def test_an_empty_witness_never_launders_a_cut_log_into_the_060_figures(tmp_path_factory, sessions, data, how) -> None:
    tmp = tmp_path_factory.mktemp("w")
    path, pub, wdir = _setup(tmp, sessions)
    assert _verify(path, pub, wdir).exit_code == 0  # the honest log with its own witness is VALID
    lines = path.read_bytes().splitlines(keepends=True)
    keep = data.draw(st.integers(1, len(lines) - 1), label="lines kept")
    path.write_bytes(b"".join(lines[:keep]))  # an insider cuts the tail (any point, session ends included)
    shutil.rmtree(wdir)
    if how == "empty_dir":
        wdir.mkdir()
    elif how == "empty_file":
        wdir.mkdir()
        (wdir / "heads.jsonl").write_bytes(b"")
    elif how == "no_file":
        wdir.mkdir()
        (wdir / "other.txt").write_text("x")
    first = _verify(path, pub, wdir)
    assert first.exit_code != 0 and "Result: VALID" not in first.output
    assert "not a sign of tampering" not in first.output
    pulled = CliRunner().invoke(cli, ["audit", "witness", "pull", "--audit", f"jsonl:{path}", "--witness",
                                      f"dir:{wdir}"])
    assert pulled.exit_code == 3, pulled.output  # refused, not seeded from the (possibly cut) log
    assert "do NOT pull" in pulled.output and "not a sign of tampering" not in pulled.output
    heads = wdir / "heads.jsonl"
    assert not heads.exists() or not heads.read_bytes().strip()
    after = _verify(path, pub, wdir)
    assert after.exit_code != 0 and "Result: VALID" not in after.output
    assert "not a sign of tampering" not in after.output


def test_the_report_banner_for_an_empty_witness_asks_to_mount_it_not_to_pull(tmp_path: Path) -> None:
    """The report/dashboard view says the same: yellow, restore or mount, never 'not a sign of tampering'."""
    from status_guard.audit.sinks.jsonl import JsonlSink
    from status_guard.audit.verify import verify_items

    path, _pub, _wdir = _setup(tmp_path, [2, 1])
    rep = verify_items(JsonlSink(str(path)).raw_items(), public_key=SK.public_key(), witness_heads=[])
    view = view_of(rep)
    assert view.css == "warn" and not view.witnessed
    assert "mount" in view.detail and "not a sign of tampering" not in view.detail


def test_first_copy_seeds_a_new_witness_and_says_so(tmp_path: Path) -> None:
    """A witness set up after the log: the officer seeds it on purpose, and the tool says what that trusts."""
    path, pub, wdir = _setup(tmp_path, [2, 1])
    shutil.rmtree(wdir)
    r = CliRunner().invoke(cli, ["audit", "witness", "pull", "--audit", f"jsonl:{path}", "--witness", f"dir:{wdir}",
                                 "--first-copy"])
    assert r.exit_code == 0 and "FIRST COPY" in r.output and "trusts the log as it is now" in r.output, r.output
    assert _verify(path, pub, wdir).exit_code == 0
