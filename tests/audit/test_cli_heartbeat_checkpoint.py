"""`status-guard audit heartbeat` and `audit checkpoint`: proof of quiet periods, and anchors
that catch a tail cut from a live log."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from status_guard.audit import open_audit
from status_guard.cli import cli


def _keys(tmp_path: Path) -> tuple[Path, Path]:
    sk, pk = tmp_path / "sign.pem", tmp_path / "sign.pub.pem"
    r = CliRunner().invoke(cli, ["audit", "keygen", "--signing-key", str(sk), "--public-key", str(pk)])
    assert r.exit_code == 0, r.output
    return sk, pk


def test_heartbeat_from_cron_is_recorded_and_chained(tmp_path: Path) -> None:
    spec = f"jsonl:{tmp_path / 'a.jsonl'}"
    for _ in range(2):
        r = CliRunner().invoke(cli, ["audit", "heartbeat", "--audit", spec])
        assert r.exit_code == 0, r.output
        assert "heartbeat recorded as seq" in r.output
    log = open_audit(spec)
    assert sum(1 for rec in log.records() if rec.get("kind") == "heartbeat") == 2
    assert log.verify().ok


def test_exported_anchor_catches_a_tail_cut_from_a_live_log(tmp_path: Path) -> None:
    sk, pk = _keys(tmp_path)
    path = tmp_path / "a.jsonl"
    spec = f"jsonl:{path}"
    log = open_audit(spec)
    for _ in range(3):
        log.heartbeat()
    anchor = tmp_path / "anchor.json"
    r = CliRunner().invoke(cli, ["audit", "checkpoint", "--audit", spec, "--signing-key", str(sk),
                                 "--anchor-out", str(anchor)])
    assert r.exit_code == 0, r.output
    ok = CliRunner().invoke(cli, ["audit", "verify", "--audit", spec, "--allow-open", "--public-key", str(pk),
                                  "--anchor", str(anchor)])
    assert ok.exit_code == 0, ok.output
    # an insider cuts the log back to before the checkpoint and leaves it looking "open"
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:3]))
    cut = CliRunner().invoke(cli, ["audit", "verify", "--audit", spec, "--allow-open", "--public-key", str(pk),
                                   "--anchor", str(anchor)])
    assert cut.exit_code == 1, cut.output
    assert "INVALID" in cut.output


def test_checkpoint_without_a_signing_key_is_a_clear_error(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("STATUS_GUARD_AUDIT_SIGNING_KEY_FILE", raising=False)
    r = CliRunner().invoke(cli, ["audit", "checkpoint", "--audit", f"jsonl:{tmp_path / 'a.jsonl'}"])
    assert r.exit_code == 2
    assert "signing key" in r.output
