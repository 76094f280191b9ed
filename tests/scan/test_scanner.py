"""The static scanner: what it catches before deployment, and what it must leave alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from status_guard.errors import LimitExceededError, PolicyError
from status_guard.model import Effect
from status_guard.scan import Kind, Limits, scan_paths

from .conftest import FIXTURES, by_name


def test_scanner_catches_enrollment_form_asking_parent_citizenship(city_report):
    [f] = by_name(city_report, "parent1_q7", "form-field")
    assert f.effect is Effect.BLOCK
    assert f.action == "collect" and f.scope == "schools"
    assert "citizenship_status" in f.categories
    assert "2.129.040(b)" in f.citations
    assert f.file.endswith("templates/schools/enroll.html") and f.line == 9
    assert any("label" in r for r in f.reasons)


def test_scanner_reads_spanish_label_estatus_migratorio(city_report):
    [f] = by_name(city_report, "familia_q3")
    assert f.effect is Effect.BLOCK and f.categories == ("immigration_status",)
    assert f.label == "Estatus migratorio"  # the translated literal survives the template tag


def test_scanner_ignores_district_residency_and_migrant_education_program_field(city_report):
    names = {f.name for f in city_report.findings}
    assert "district_residency" not in names
    assert "migrant_education_program" not in names
    assert "student_name" not in names  # personal information is inventoried, not refused, at collection


def test_scanner_catches_migration_adding_immigration_status_in_police(city_report):
    [f] = by_name(city_report, "immigration_status", "ddl-column")
    assert f.effect is Effect.BLOCK and f.action == "store" and f.scope == "police"
    assert f.file.endswith("0007_add_status.py") and f.line == 13


def test_scanner_blocks_hold_on_ice_detainer_but_not_criminal_warrant(city_report):
    holds = by_name(city_report, "hold_basis", "value-literal")
    assert {(Path(f.file).name, f.line) for f in holds} == {("0008_holds.sql", 9), ("0007_add_status.py", 14)}
    for f in holds:
        assert f.effect is Effect.BLOCK
        assert f.citations == ("2.129.040(d)",)
        assert f.rules == ("no-hold-on-ice-detainer",)


def test_scanner_flags_response_exposing_address_and_release_date_to_federal_requesters(city_report):
    for name in ("home_address", "release_date"):
        [f] = by_name(city_report, name, "api-property")
        assert f.action == "disclose" and f.effect is Effect.REDACT
        assert set(f.requesters) == {"federal", "federal_immigration", "unknown"}
        assert "local" not in f.requesters
        assert f.citations == ("2.129.040(e)",)
    # a booking number tells that the person is booked (incarceration status, issue 13 police
    # conventions): the scanner now reports it too, withheld from federal requesters like the rest
    [b] = by_name(city_report, "booking_number", "api-property")
    assert "incarceration_status" in b.categories and b.effect is Effect.REDACT
    assert not by_name(city_report, "person_id")


def test_scanner_catches_sqlalchemy_citizenship_column(city_report):
    [f] = by_name(city_report, "citizenship", "model-field")
    assert f.scope == "city" and f.effect is Effect.BLOCK and f.line == 10


def test_scanner_blocks_country_of_birth_in_schools_without_ell_purpose(scan_guard, city_report):
    [f] = by_name(city_report, "country_of_birth")
    assert f.effect is Effect.BLOCK and f.citations == ("2.129.040(k)",)
    assert "ell_services" in f.fix
    ell = scan_paths(scan_guard, [FIXTURES / "city_app" / "models" / "student.py"], scope="schools",
                     purpose="ell_services")
    assert not ell.findings
    # a student number is personal information (issue 13 conventions): observed, not refused
    assert [o.name for o in ell.observations if "place_of_birth" in o.categories] == ["country_of_birth"]


def test_clean_repo_has_no_findings(scan_guard):
    report = scan_paths(scan_guard, [FIXTURES / "clean_app"], scope="schools")
    assert report.findings == () and report.errors == ()
    assert report.files_scanned == 2


def test_unparseable_file_is_a_blocking_finding_never_skipped(scan_guard):
    report = scan_paths(scan_guard, [FIXTURES / "broken_app"], scope="city")
    [f] = report.findings
    assert f.kind is Kind.UNPARSEABLE and f.effect is Effect.BLOCK
    assert f.rule_id == "status-guard/unparseable"
    assert [e.file for e in report.errors] == [f.file]


def test_oversized_file_is_reported_not_skipped(scan_guard):
    report = scan_paths(scan_guard, [FIXTURES / "clean_app"], scope="city", limits=Limits(max_file_bytes=64))
    assert {f.kind for f in report.findings} == {Kind.UNPARSEABLE}
    assert all("over the limit" in e.problem for e in report.errors)


def test_too_many_files_is_refused(scan_guard):
    with pytest.raises(LimitExceededError):
        scan_paths(scan_guard, [FIXTURES / "city_app"], scope="city", limits=Limits(max_files=2))


def test_unknown_scope_or_purpose_is_refused(scan_guard):
    with pytest.raises(PolicyError):
        scan_paths(scan_guard, [FIXTURES / "clean_app"], scope="sheriff")
    with pytest.raises(PolicyError):
        scan_paths(scan_guard, [FIXTURES / "clean_app"], scope="city", scope_map={"**": "sheriff"})
    with pytest.raises(PolicyError):
        scan_paths(scan_guard, [FIXTURES / "clean_app"], scope="city", purpose="curiosity")


def test_dependency_and_vcs_directories_are_skipped(scan_guard, tmp_path):
    for d in ("node_modules/pkg", ".git", ".venv/lib", "__pycache__"):
        (tmp_path / d).mkdir(parents=True)
        (tmp_path / d / "m.py").write_text("class P(Base):\n    citizenship = Column(String)\n")
    (tmp_path / "photo.png").write_bytes(b"\x89PNG\x00\x00citizenship")
    report = scan_paths(scan_guard, [tmp_path], scope="city")
    assert report.files_scanned == 0 and not report.findings


def test_select_offering_ice_detainer_as_hold_basis_is_blocked_in_police(scan_guard, tmp_path):
    (tmp_path / "hold.html").write_text(
        '<form><label for=hb>Basis</label><select id=hb name="hold_basis">'
        '<option value="ice_detainer">ICE detainer</option></select></form>')
    (tmp_path / "ok.html").write_text(
        '<form><select name="hold_basis"><option value="criminal_warrant">Warrant</option></select></form>')
    report = scan_paths(scan_guard, [tmp_path], scope="police")
    [f] = report.findings
    assert f.file.endswith("hold.html") and f.effect is Effect.BLOCK and f.citations == ("2.129.040(d)",)


def test_openapi_request_body_property_is_collection(scan_guard, tmp_path):
    (tmp_path / "api.json").write_text(
        '{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {"/students": {"post": {'
        '"requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {'
        '"guardianName": {"type": "string"}, "statusMigratorio": {"type": "string", "title": "Estatus migratorio"}'
        '}}}}}, "responses": {"201": {"description": "ok"}}}}}}')
    report = scan_paths(scan_guard, [tmp_path], scope="schools")
    [f] = report.findings
    assert f.name == "statusMigratorio" and f.action == "collect" and f.effect is Effect.BLOCK
    assert f.line == 1


def test_python_forms_and_pydantic_models(scan_guard, tmp_path):
    (tmp_path / "forms.py").write_text(
        "from wtforms import SelectField, StringField\n"
        "class Intake(FlaskForm):\n"
        "    q4 = SelectField(_('Situação migratória'), choices=[('a', 'A')])\n"
        "    topic = StringField('Topic')\n"
        "class Body(BaseModel):\n"
        "    alien_number: str\n"
        "    ward: int\n")
    report = scan_paths(scan_guard, [tmp_path], scope="city")
    got = {(f.name, f.kind.value, f.action) for f in report.findings}
    assert ("q4", "form-field", "collect") in got
    assert ("alien_number", "model-field", "store") in got
    assert not any(f.name in {"topic", "ward"} for f in report.findings)


def test_output_never_echoes_values_from_scanned_files(scan_guard, tmp_path):
    from status_guard.scan.report import render_json, render_sarif, render_text

    (tmp_path / "m.sql").write_text("INSERT INTO holds (hold_basis) VALUES ('I-247A');\n")
    (tmp_path / "f.html").write_text(
        '<form><label for=c>Status</label><select id=c name=c><option>Naturalized citizen</option></select></form>')
    report = scan_paths(scan_guard, [tmp_path], scope="police")
    assert {f.name for f in report.findings} == {"hold_basis", "c"}
    for out in (render_text(report), render_json(report), render_sarif(report, scan_guard.policy)):
        assert "I-247A" not in out and "Naturalized citizen" not in out


def test_template_prose_asking_status_is_flagged_for_review(tmp_path):
    pytest.importorskip("presidio_analyzer")
    from status_guard import Guard

    guard = Guard.default(audit="memory:", text_detection="on")
    (tmp_path / "q.html").write_text(
        "<form id=f>\n<p>Is the child a U.S. citizen?</p>\n"
        "<input type=radio name=q1 value=y> <input type=radio name=q1 value=n>\n</form>")
    report = scan_paths(guard, [tmp_path], scope="schools")
    [f] = report.findings
    assert f.kind is Kind.TEMPLATE_TEXT and f.effect is Effect.FLAG and f.line == 2
    assert "citizenship_status" in f.categories
