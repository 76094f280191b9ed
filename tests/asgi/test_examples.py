"""The README demo: the three example apps driven in-process; the audit chain verifies."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_demo_runs_refuses_redacts_and_verifies_its_audit_log(tmp_path, capsys):
    sys.path.insert(0, str(EXAMPLES))
    try:
        spec = importlib.util.spec_from_file_location("status_guard_demo", EXAMPLES / "demo.py")
        demo = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(demo)
        code = demo.main(["--audit", str(tmp_path / "demo-audit.jsonl")])
    finally:
        sys.path.remove(str(EXAMPLES))
    out = capsys.readouterr().out
    assert code == 0
    assert "!!" not in out
    assert "48 Example Ave" in out  # the local detective's full record...
    assert out.count("48 Example Ave") == 1  # ...and nowhere else
    assert "refused with HTTP 403" in out and "HTTP 200 — allowed" in out
    assert "hash chain verified" in out
