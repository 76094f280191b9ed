"""The scanner in CI: a form a federal or state law requires passes with its legal basis declared where it is
asked; findings that already exist can be adopted; nothing new slips through.

Invariants:
* an inline ``status-guard: allow RULE -- LEGAL BASIS`` relaxes a finding exactly when it covers its line (the
  same line, or the next non-blank one; ``allow-file`` the whole file), names one of the finding's rules, that
  rule admits a declared legal basis, and the basis is given — the policy then decides the field again with that
  basis (2.129.040(b): allowed, audited, still reported with the basis);
* a suppression that names an unknown rule, a rule with no legal-basis exception (040(d)), or no basis, is a
  ``block`` finding; one that covers nothing is a ``flag`` finding (stale);
* with ``--baseline``, exactly the findings the baseline lists are adopted (reported, not failing), new ones
  fail, vanished ones are reported as fixed; an unparseable file is never adopted.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard.cli import cli
from status_guard.scan import scan_paths

I9 = """<!-- status-guard: allow-file no-status-inquiry -- 8 U.S.C. §1324a (Form I-9) -->
<form id="i9" method="post">
  <fieldset><legend>Citizenship or immigration status</legend>
    <label><input type="radio" name="status" value="citizen"> A citizen of the United States</label>
    <label><input type="radio" name="status" value="lpr"> A lawful permanent resident</label>
  </fieldset>
  <label for="anum">USCIS A-Number</label><input id="anum" name="alien_registration_number">
</form>
"""
BASIS = "8 U.S.C. §1324a (Form I-9)"


def _scan(tmp_path: Path, guard, files: dict[str, str], **kw):
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return scan_paths(guard, [str(tmp_path)], scope="city", **kw)


def test_a_form_i9_template_with_its_legal_basis_passes_ci(tmp_path):
    (tmp_path / "i9.html").write_text(I9)
    res = CliRunner().invoke(cli, ["scan", str(tmp_path), "--no-text"])
    assert res.exit_code == 0, res.output
    assert "FLAG form-field `status`" in res.output and f"declared legal basis `{BASIS}`" in res.output
    sarif = json.loads(CliRunner().invoke(cli, ["scan", str(tmp_path), "--no-text", "--format", "sarif"]).output)
    results = sarif["runs"][0]["results"]
    assert results and all(r["suppressions"][0]["kind"] == "inSource" for r in results)
    assert all(BASIS in r["suppressions"][0]["justification"] for r in results)


def test_the_same_template_without_the_basis_fails_ci(tmp_path):
    (tmp_path / "i9.html").write_text(I9.split("\n", 1)[1])
    assert CliRunner().invoke(cli, ["scan", str(tmp_path), "--no-text"]).exit_code == 1


@pytest.mark.parametrize("comment,why", [
    ("<!-- status-guard: allow no-status-inquiry -->", "gives no legal basis"),
    ("<!-- status-guard: allow no-status-inquery -- 8 U.S.C. §1324a -->", 'did you mean "no-status-inquiry"'),
    ("<!-- status-guard: allow no-hold-on-ice-detainer -- 8 U.S.C. §1357 -->", "admits no declared legal basis"),
    # w16e F12: a misspelled directive is named, never silently ignored
    ("<!-- status-guard: alow no-status-inquiry -- 8 U.S.C. §1324a -->", 'did you mean "allow"'),
    ("# status-guard: Allow_file no-status-inquiry -- 8 U.S.C. §1324a", 'did you mean "allow-file"'),
])
def test_a_suppression_that_cannot_mean_what_it_says_fails_the_scan(tmp_path, guard, comment, why):
    report = _scan(tmp_path, guard, {"f.html": f'{comment}\n<form><input name="citizenship_status"></form>\n'},
                   text=False)
    kinds = {(f.kind.value, f.effect.value) for f in report.findings}
    assert ("suppression", "block") in kinds and ("form-field", "block") in kinds
    assert any(why in f.explanation for f in report.findings if f.kind.value == "suppression")


def test_a_stale_suppression_is_reported(tmp_path, guard):
    report = _scan(tmp_path, guard, {"f.html": f"<!-- status-guard: allow no-status-inquiry -- {BASIS} -->\n"
                                               '<form><input name="first_name"></form>\n'}, text=False)
    (f,) = report.findings
    assert f.kind.value == "suppression" and f.effect.value == "flag" and "covers no finding" in f.explanation


def test_a_suppression_inside_a_string_is_not_a_suppression(tmp_path, guard):
    src = (f'label = "status-guard: allow no-status-inquiry -- {BASIS}"\n'
           "class F(FlaskForm):\n    citizenship = StringField(label)\n")
    report = _scan(tmp_path, guard, {"forms.py": src}, text=False)
    assert [f.effect.value for f in report.findings if f.kind.value == "form-field"] == ["block"]


FIELDS = ["citizenship_status", "immigration_status", "alien_registration_number", "passport_number"]
COMMENTS = {"html": "<!-- {} -->", "py": "# {}", "sql": "-- {}"}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(FIELDS), where=st.sampled_from(["same", "above", "blank_above", "far", "file"]),
       rule=st.sampled_from(["no-status-inquiry", "2.129.040(b)", "schools-no-status", "nonsense-rule"]),
       basis=st.sampled_from([BASIS, "", "x"]), lang=st.sampled_from(["html", "py"]))
def test_a_suppression_relaxes_exactly_the_findings_it_covers(tmp_path_factory, guard, field, where, rule, basis,
                                                              lang):
    d = tmp_path_factory.mktemp("sup")
    text = f"status-guard: {'allow-file' if where == 'file' else 'allow'} {rule}" + (f" -- {basis}" if basis else "")
    comment = COMMENTS[lang].format(text)
    if lang == "html":
        line = f'<form><input name="{field}"></form>'
        name = "f.html"
    else:
        line = f"    {field} = Column(String)"
        name = "m.py"
    body = {"same": [line + " " + comment], "above": [comment, line], "blank_above": [comment, "", line],
            "far": [comment, "x = 1" if lang == "py" else "<p>hello</p>", line], "file": [comment, line]}[where]
    if lang == "py":
        body = ["class M(Base):"] + [b if b.startswith("    ") or b == "" else "    " + b for b in body]
    (d / name).write_text("\n".join(body) + "\n", encoding="utf-8")
    report = scan_paths(guard, [str(d)], scope="city", text=False)
    main = [f for f in report.findings if f.kind.value in ("form-field", "model-field")]
    sup = [f for f in report.findings if f.kind.value == "suppression"]
    valid = rule in ("no-status-inquiry", "2.129.040(b)") and basis == BASIS
    covers = where in ("same", "above", "blank_above", "file")
    assert len(main) == 1
    if valid and covers:
        assert main[0].effect.value == "flag" and main[0].suppressed == BASIS and not sup
    else:
        assert main[0].effect.value == "block" and main[0].suppressed is None
        if not valid and rule != "schools-no-status":
            assert [s.effect.value for s in sup] == ["block"]
        elif rule == "schools-no-status" and basis == BASIS:
            assert [s.effect.value for s in sup] == ["flag"]  # a real rule, but not this finding's: stale


# -- baseline ---------------------------------------------------------------------------------------------
def test_existing_findings_can_be_adopted_and_only_new_ones_fail(tmp_path):
    app = tmp_path / "app"
    app.mkdir()
    (app / "enroll.html").write_text('<form><input name="citizenship_status"><input name="country_of_birth"></form>\n')
    baseline = tmp_path / "baseline.json"
    runner = CliRunner()
    assert runner.invoke(cli, ["scan", str(app), "--no-text"]).exit_code == 1
    wrote = runner.invoke(cli, ["scan", str(app), "--no-text", "--write-baseline", str(baseline)])
    assert wrote.exit_code == 0 and "adopted" in wrote.output
    adopted = runner.invoke(cli, ["scan", str(app), "--no-text", "--baseline", str(baseline)])
    assert adopted.exit_code == 0 and "(baselined)" in adopted.output and "adopted by the baseline" in adopted.output
    # a new question fails, even with the baseline
    (app / "enroll.html").write_text('<!-- moved down a line -->\n<form><input name="citizenship_status">'
                                     '<input name="country_of_birth"><input name="immigration_status"></form>\n')
    new = runner.invoke(cli, ["scan", str(app), "--no-text", "--baseline", str(baseline), "--format", "json"])
    assert new.exit_code == 1
    findings = json.loads(new.output)["findings"]
    assert {f["name"]: f["baselined"] for f in findings} == {"citizenship_status": True, "country_of_birth": True,
                                                             "immigration_status": False}
    sarif = json.loads(runner.invoke(cli, ["scan", str(app), "--no-text", "--baseline", str(baseline),
                                           "--format", "sarif"]).output)
    assert {r["properties"]["field"]: r["baselineState"] for r in sarif["runs"][0]["results"]} == \
        {"citizenship_status": "unchanged", "country_of_birth": "unchanged", "immigration_status": "new"}
    # a fixed one is reported so the baseline can be refreshed
    (app / "enroll.html").write_text('<form><input name="first_name"></form>\n')
    fixed = runner.invoke(cli, ["scan", str(app), "--no-text", "--baseline", str(baseline)])
    assert fixed.exit_code == 0 and "no longer found" in fixed.output


def test_an_unparseable_file_is_never_adopted(tmp_path):
    app = tmp_path / "app"
    app.mkdir()
    (app / "bad.py").write_text("def broken(:\n")
    baseline = tmp_path / "b.json"
    assert CliRunner().invoke(cli, ["scan", str(app), "--write-baseline", str(baseline)]).exit_code == 2
    assert json.loads(baseline.read_text())["findings"] == []
    assert CliRunner().invoke(cli, ["scan", str(app), "--baseline", str(baseline)]).exit_code == 2


def test_a_baseline_that_is_not_one_is_an_error_naming_the_flag(tmp_path):
    (tmp_path / "b.json").write_text('{"findings": "all of them"}')
    res = CliRunner().invoke(cli, ["scan", str(tmp_path), "--baseline", str(tmp_path / "b.json")])
    assert res.exit_code == 2 and "--baseline" in res.output


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(FIELDS + ["first_name", "phone"]), min_size=1, max_size=6),
       st.lists(st.sampled_from(FIELDS), max_size=3))
def test_the_baseline_adopts_exactly_what_it_lists(tmp_path_factory, guard, before, added):
    from dataclasses import replace

    from status_guard.scan import baseline as bl

    d = tmp_path_factory.mktemp("bl")
    form = lambda names: "<form>" + "".join(f'<input name="{n}">' for n in names) + "</form>\n"  # noqa: E731
    (d / "f.html").write_text(form(before))
    first = scan_paths(guard, [str(d)], text=False)
    entries = bl.load_text(bl.to_json(first.findings, first.policy))
    (d / "f.html").write_text(form(before + added))
    second = scan_paths(guard, [str(d)], text=False)
    findings, fixed = bl.apply(second.findings, entries)
    report = replace(second, findings=tuple(findings), baseline_fixed=tuple(fixed), baseline_used=True)
    from collections import Counter

    from status_guard.model import Effect

    adopted = Counter(f.name for f in report.findings if f.baselined)
    assert adopted == Counter(f.name for f in first.findings)
    rest = Counter(f.name for f in report.findings) - adopted
    assert rest == Counter(f.name for f in report.findings if not f.baselined)
    assert Counter(f.name for f in report.failing(Effect.BLOCK)) == \
        Counter(f.name for f in report.findings if not f.baselined and f.effect is Effect.BLOCK)
    assert fixed == []


def test_write_baseline_says_which_findings_it_could_not_adopt(tmp_path):
    """w16b F10: `--write-baseline` said "1 finding(s) adopted" and silently left out an invalid suppression's
    block finding, so the next `--baseline` run on unchanged code failed."""
    app = tmp_path / "app"
    app.mkdir()
    (app / "form.html").write_text('<form>\n<!-- status-guard: allow no-status-inquiy -- 8 U.S.C. 1324a -->\n'
                                   '<input name="citizenship_status">\n<input name="country_of_birth"></form>\n')
    baseline = tmp_path / "b.json"
    res = CliRunner().invoke(cli, ["scan", str(app), "--no-text", "--write-baseline", str(baseline)])
    adopted = len(json.loads(baseline.read_text())["findings"])
    later = CliRunner().invoke(cli, ["scan", str(app), "--no-text", "--baseline", str(baseline)])
    assert later.exit_code == 1 and adopted >= 1  # the invalid suppression cannot be adopted ...
    # ... and the write said so, naming the file and line, instead of only "N finding(s) adopted"
    assert "1 finding(s) cannot be adopted" in res.output and "form.html:2" in res.output


@pytest.mark.parametrize("comment", ["<!-- status-guard: reviewed 2026-03 by the clerk -->",
                                     "# status-guard: see docs/compliance.md"])
def test_other_status_guard_comments_are_not_misspelled_suppressions_lookalike(tmp_path, guard, comment):
    """Look-alike (w16e F12): a comment that merely mentions status-guard is not a suppression problem."""
    report = _scan(tmp_path, guard, {"f.html": f'{comment}\n<form><input name="first_name"></form>\n'}, text=False)
    assert not [f for f in report.findings if f.kind.value == "suppression"]
