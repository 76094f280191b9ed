"""`status-guard scan` / `inventory`: exit codes for CI, SARIF structure, the data map."""

from __future__ import annotations

import csv
import io
import json
import sqlite3

from click.testing import CliRunner

from status_guard.cli import cli

from .conftest import FIXTURES

CITY = str(FIXTURES / "city_app")
MAPS = ["--map", "templates/schools/**=schools", "--map", "models/student.py=schools",
        "--map", "migrations/**=police", "--map", "api/**=police"]


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_scan_fails_ci_on_blocking_findings_and_passes_clean_repo():
    assert run("scan", CITY, *MAPS).exit_code == 1
    assert run("scan", CITY, *MAPS, "--fail-on", "never").exit_code == 0
    clean = run("scan", str(FIXTURES / "clean_app"), "--scope", "schools")
    assert clean.exit_code == 0 and "no findings" in clean.output


def test_federal_redaction_findings_fail_only_when_asked():
    api = str(FIXTURES / "city_app" / "api")
    assert run("scan", api, "--scope", "police").exit_code == 0  # redact < block
    assert run("scan", api, "--scope", "police", "--fail-on", "flag").exit_code == 1
    assert run("scan", api, "--scope", "city").exit_code == 0


def test_unparseable_file_exits_2_whatever_fail_on_says():
    r = run("scan", str(FIXTURES / "broken_app"), "--fail-on", "never")
    assert r.exit_code == 2 and "unparseable" in r.output


def test_usage_errors_exit_2():
    assert run("scan", CITY, "--scope", "sheriff").exit_code == 2
    assert run("scan", CITY, "--map", "no-equals-sign").exit_code == 2
    assert run("scan", CITY, "--max-files", "1").exit_code == 2
    assert run("scan", str(FIXTURES / "does-not-exist")).exit_code == 2


def test_sarif_is_structurally_valid(tmp_path):
    out = tmp_path / "scan.sarif"
    r = run("scan", CITY, *MAPS, "--format", "sarif", "--out", str(out))
    assert r.exit_code == 1
    doc = json.loads(out.read_text())
    assert doc["version"] == "2.1.0" and "sarif" in doc["$schema"]
    driver = doc["runs"][0]["tool"]["driver"]
    assert driver["name"] == "status-guard"
    ids = [rule["id"] for rule in driver["rules"]]
    assert len(ids) == len(set(ids))
    results = doc["runs"][0]["results"]
    assert len(results) == 10  # booking_number is incarceration status (issue 13 police conventions)
    for res in results:
        assert res["ruleId"] == ids[res["ruleIndex"]]
        assert res["level"] in {"error", "warning", "note"}
        assert res["message"]["text"]
        loc = res["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uri"].startswith("tests/") or loc["artifactLocation"]["uri"].startswith("/")
        assert loc["region"]["startLine"] >= 1 and loc["region"]["startColumn"] >= 1
    assert {"no-hold-on-ice-detainer", "federal-default-deny"} <= set(ids)


def test_json_report_lists_findings_with_citations_and_fix():
    r = run("scan", CITY, *MAPS, "--format", "json")
    doc = json.loads(r.output)
    assert doc["files_scanned"] == 6 and doc["errors"] == []
    f = next(x for x in doc["findings"] if x["name"] == "parent1_q7")
    assert f["effect"] == "block" and f["kind"] == "form-field" and f["citations"][0] == "2.129.040(b)"
    assert f["fix"]


def test_inventory_maps_where_each_category_is_collected_stored_and_disclosed():
    r = run("inventory", CITY, *MAPS, "--format", "json")
    assert r.exit_code == 0
    cats = json.loads(r.output)["categories"]
    assert {"personal_information", "home_address", "detention_basis", "place_of_birth"} <= set(cats)
    assert list(cats["home_address"]["uses"]) == ["disclosed"]
    assert set(cats["citizenship_status"]["uses"]) == {"collected", "stored"}
    rows = list(csv.DictReader(io.StringIO(run("inventory", CITY, *MAPS, "--format", "csv").output)))
    assert any(r["name"] == "student_name" and r["category"] == "personal_information" for r in rows)
    assert any(r["name"] == "hold_basis" and r["kind"] == "ddl-column" and r["effect"] == "allow" for r in rows)


def test_inventory_reflects_a_live_sqlite_database(tmp_path):
    db = tmp_path / "app.db"
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE residents (id INTEGER, home_address TEXT, citizenship TEXT, ward INTEGER)")
    con.execute("INSERT INTO residents VALUES (1, '12 Main St', 'yes', 3)")
    con.commit()
    con.close()
    r = run("inventory", str(FIXTURES / "clean_app"), "--dsn", str(db), "--format", "csv")
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(io.StringIO(r.output)))
    assert {(x["name"], x["category"]) for x in rows} == {("home_address", "home_address"),
                                                          ("citizenship", "citizenship_status")}
    assert "12 Main St" not in r.output
