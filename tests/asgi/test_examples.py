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
        code = demo.main(["--audit", str(tmp_path / "demo-audit.jsonl"), "--out", str(tmp_path / "out")])
    finally:
        sys.path.remove(str(EXAMPLES))
    out = capsys.readouterr().out
    assert code == 0
    assert "!!" not in out
    assert "48 Example Ave" in out  # the local detective's full record...
    assert out.count("48 Example Ave") == 1  # ...and nowhere else
    assert "refused with HTTP 403" in out and "HTTP 200 — allowed" in out
    assert "hash chain verified" in out
    # 9. the SQL inspector on the police database
    assert "`SELECT * FROM bookings`: refused before it reached the database (2.129.040(e))" in out
    assert "hold whose only basis is an ICE detainer: refused before it reached the database (2.129.040(d))" in out
    assert "rows in holds afterwards: 0" in out
    # 10. the compliance officer's commands
    assert "opened 2.129.040(g) obligation" in out and "closed obligation" in out
    assert "no open 2.129.040(g) obligations" in out
    assert "Result: VALID" in out
    line = next(ln for ln in out.splitlines() if "ICE detainer request received" in ln)
    assert line.split()[-1] == "1"
    (report,) = (tmp_path / "out").glob("report-*-H*.html")
    assert report.stat().st_size > 10_000
