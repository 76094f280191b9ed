"""The scanner and the SQL inspector share the classifier (issue 13, "Must show"): the
abbreviations, standards vocabularies, languages and context reach them without any change to
their code. One test each, through their public APIs. Plus the pack data itself: lexicon files
are validated with errors that name the file, the line and the key; the pack's hash covers them.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from status_guard import Guard
from status_guard.errors import PolicyValidationError
from status_guard.policy import load_policy

ROOT = Path(__file__).resolve().parents[2]


def test_scanner_finds_police_export_columns_by_their_abbreviations(tmp_path: Path, guard: Guard) -> None:
    """A migration of a jail system, written the way RMS/JMS exports name columns: the scanner
    reports each protected column, classified through the shared classifier."""
    from status_guard.scan import scan_paths

    (tmp_path / "migrations").mkdir()
    (tmp_path / "migrations" / "0001_booking.sql").write_text(
        "CREATE TABLE booking (\n"
        "  BKG_NO varchar(20),\n"
        "  NEXT_CRT_DT date,\n"
        "  PROJ_REL_DATE date,\n"
        "  EMP_ADDR varchar(200),\n"
        "  ALIEN_REG_NBR varchar(12),\n"
        "  IMMSTAT varchar(10),\n"
        "  US_CIT char(1),\n"
        "  ICE_HOLD_FLG char(1),\n"
        "  SHOE_SIZE int\n"
        ");\n", encoding="utf-8")
    report = scan_paths(guard, [tmp_path], scope="police")
    seen = {o.name.upper(): set(o.categories) for o in report.observations}
    assert "hearing_information" in seen["NEXT_CRT_DT"]
    assert "release_date" in seen["PROJ_REL_DATE"]
    assert "work_address" in seen["EMP_ADDR"]
    assert "alien_registration_number" in seen["ALIEN_REG_NBR"]
    # glued abbreviations (round c), and a detainer record is its basis, not a status (lead's decision)
    assert "immigration_status" in seen["IMMSTAT"]
    assert "citizenship_status" in seen["US_CIT"]
    assert seen["ICE_HOLD_FLG"] == {"detention_basis"}
    assert "SHOE_SIZE" not in seen


def test_sql_inspector_withholds_abbreviated_custody_columns_from_a_federal_officer(guard: Guard) -> None:
    """040(e): a query run for a federal officer reads nothing protected about a person in custody,
    whatever the system calls the column."""
    pytest.importorskip("sqlglot")
    # created unquoted, PostgreSQL stores these export columns folded to lower case (the SQL below
    # names them unquoted in capitals, which folds the same way)
    schema = {"bkg": {"bkg_no": "text", "next_crt_dt": "date", "bkg_rls_dt": "date", "citz": "text"}}
    d = guard.check_sql("SELECT NEXT_CRT_DT, BKG_RLS_DT FROM bkg", dialect="postgres", scope="police",
                        requester="federal", schema=schema)
    assert d.blocked and "2.129.040(e)" in d.citations
    assert {"hearing_information", "release_date"} <= set(d.categories)
    # citizenship itself may be exchanged (8 U.S.C. §1373): the same classifier says CITZ is citizenship
    ok = guard.check_sql("SELECT CITZ FROM bkg", dialect="postgres", scope="police", requester="federal",
                         schema=schema)
    assert not ok.blocked


# ---------------------------------------------------------------- the pack's lexicon data
def test_the_packaged_pack_and_the_repository_pack_are_the_same_files() -> None:
    from importlib import resources

    packaged = Path(str(resources.files("status_guard").joinpath("data/cambridge-2.129")))
    repo = ROOT / "policies" / "cambridge-2.129"
    for f in repo.rglob("*.yaml"):
        twin = packaged / f.relative_to(repo)
        assert twin.read_bytes() == f.read_bytes(), f


def _copy_pack(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "policies" / "cambridge-2.129.yaml", tmp_path / "cambridge-2.129.yaml")
    shutil.copytree(ROOT / "policies" / "cambridge-2.129", tmp_path / "cambridge-2.129")
    return tmp_path / "cambridge-2.129.yaml"


def test_a_lexicon_error_names_the_file_the_line_and_the_key(tmp_path: Path) -> None:
    pack = _copy_pack(tmp_path)
    vi = tmp_path / "cambridge-2.129" / "languages" / "vi.yaml"
    vi.write_text(vi.read_text(encoding="utf-8").replace("categories:\n", "categories:\n  shoe_size:\n    terms: [giày]\n", 1),
                  encoding="utf-8")
    with pytest.raises(PolicyValidationError) as exc:
        load_policy(pack)
    assert "unknown category `shoe_size`" in str(exc.value)
    ab = tmp_path / "cambridge-2.129" / "lexicon" / "abbreviations.yaml"
    ab.write_text(ab.read_text(encoding="utf-8").replace("  - {abbr: dt, expand: date,", "  - {abbr: dt, expand: [date],", 1),
                  encoding="utf-8")
    with pytest.raises(PolicyValidationError) as exc:
        load_policy(pack)
    msg = str(exc.value)
    assert "abbreviations.yaml" in msg and "entries[0].expand" in msg


def test_a_lexicon_file_outside_the_pack_folder_is_refused(tmp_path: Path) -> None:
    pack = _copy_pack(tmp_path)
    pack.write_text(pack.read_text(encoding="utf-8").replace("  - cambridge-2.129/countries.yaml",
                                                             "  - ../../etc/passwd.yaml"), encoding="utf-8")
    with pytest.raises(PolicyValidationError, match="inside the pack's folder"):
        load_policy(pack)


def test_the_pack_hash_covers_every_lexicon_file(tmp_path: Path) -> None:
    pack = _copy_pack(tmp_path)
    before = load_policy(pack).hash
    ko = tmp_path / "cambridge-2.129" / "languages" / "ko.yaml"
    text = ko.read_text(encoding="utf-8")
    assert "이민 신분, " in text
    ko.write_text(text.replace("이민 신분, ", "이민 신분, 이민 상황, ", 1), encoding="utf-8")
    after = load_policy(pack)
    assert after.hash != before
    assert "immigration_status" in Guard(after, audit="memory:").classify_field("q", "이민 상황")
