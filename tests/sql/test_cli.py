"""`status-guard sql check|revoke`."""

from __future__ import annotations

import json

from click.testing import CliRunner

from status_guard.cli.sql import sql

from .conftest import SCHEMA


def test_sql_check_refuses_federal_read_and_prints_no_literal(tmp_path):
    p = tmp_path / "schema.json"
    p.write_text(json.dumps(SCHEMA))
    r = CliRunner().invoke(sql, ["check", "SELECT * FROM students WHERE name = 'SECRET'", "--scope", "police",
                                 "--requester", "federal", "--schema", str(p), "--json"])
    assert r.exit_code == 1
    out = json.loads(r.output)
    assert out["effect"] == "block" and "2.129.040(e)" in out["citations"]
    assert "SECRET" not in r.output
    ok = CliRunner().invoke(sql, ["check", "SELECT name FROM students", "--scope", "police", "--schema", str(p)])
    assert ok.exit_code == 0 and ok.output.startswith("ALLOW")


def test_sql_check_unanalysable_exits_2():
    r = CliRunner().invoke(sql, ["check", "EXECUTE leak('SECRET')"])
    assert r.exit_code == 2 and "SECRET" not in r.output


def test_sql_revoke_prints_column_privileges(tmp_path):
    p = tmp_path / "schema.json"
    p.write_text(json.dumps(SCHEMA))
    r = CliRunner().invoke(sql, ["revoke", "--schema", str(p), "--scope", "schools", "--role", "clerk"])
    assert r.exit_code == 0
    assert 'REVOKE SELECT, INSERT, UPDATE ON TABLE "students" FROM "clerk";' in r.output
    grant = [l for l in r.output.splitlines() if l.startswith('GRANT SELECT') and '"students"' in l][0]
    assert '"citizenship"' not in grant and '"country_of_birth"' not in grant and '"name"' in grant
