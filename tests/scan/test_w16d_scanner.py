"""w16d: the scanner city teams live with (issue 16 item 10).

* 2.129.040(b): a ``<label>`` right before its control (no ``for``, not wrapping it) is that control's label —
  docs/scan.md's own Form I-9 example (w16d F04) — in every shape a template writes it (siblings, table cells,
  punctuation between); look-alikes: a label followed by another label's control, or by two controls, labels none;
* a declared legal basis that does not lift a finding (2.129.040(k) in schools scope) is never printed or
  counted as "allowed" (F21);
* a baseline that is not UTF-8 is an error naming ``--baseline``, exit 2 (F06).
"""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard.cli import cli
from status_guard.scan.html import extract_html

QUESTIONS = ["Citizenship or immigration status", "Immigration status", "Are you a U.S. citizen?",
             "Estatus migratorio"]
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))


def _label_of(html: str, name: str) -> str | None:
    cands, _ = extract_html(html)
    return next(c.label for c in cands if c.name == name)


@SETTINGS
@given(q=st.sampled_from(QUESTIONS), gap=st.sampled_from(["", " ", "\n  ", ": ", " * "]),
       tag=st.sampled_from(["select", "input", "textarea"]), wrap=st.sampled_from(["form", "div", "p"]))
def test_a_label_right_before_its_control_labels_it_040b(q, gap, tag, wrap):
    """2.129.040(b): the label the person reads before the control is the question that control asks."""
    control = {"select": '<select name="status"><option>A</option></select>', "input": '<input name="status">',
               "textarea": '<textarea name="status"></textarea>'}[tag]
    html = f"<form><{wrap}><label>{q}</label>{gap}{control}</{wrap}></form>"
    assert _label_of(html, "status") == q


def test_a_label_in_its_own_table_cell_labels_the_control_in_the_next_040b():
    html = ('<form><table><tr><td><label>Immigration status</label></td><td><select name="status">'
            "<option>x</option></select></td></tr></table></form>")
    assert _label_of(html, "status") == "Immigration status"


def test_look_alikes_a_label_with_for_or_two_controls_after_it_label_nothing_else():
    # a label with for= labels its own target only
    html = '<form><label for="a">Immigration status</label><input id="a" name="a"><input name="zip"></form>'
    assert _label_of(html, "zip") is None
    # a label followed by a box with two controls labels neither by proximity
    html = '<form><label>Address</label><div><input name="street"><input name="city"></div></form>'
    assert _label_of(html, "street") is None and _label_of(html, "city") is None
    # text between the label and the control breaks the association
    html = '<form><label>Immigration status</label> Please tell us about your pet <input name="pet"></form>'
    assert _label_of(html, "pet") is None


def test_the_i9_example_of_docs_scan_md_is_found_and_its_suppression_is_not_stale(tmp_path):
    body = ('<label>Citizenship or immigration status</label> <select name="status">'
            "<option>A citizen of the United States</option>"
            "<option>A noncitizen national of the United States</option></select>\n")
    (tmp_path / "i9.html").write_text(f"<form>\n{body}</form>\n")
    out = json.loads(CliRunner().invoke(cli, ["scan", str(tmp_path), "--scope", "city", "--format", "json"]).output)
    assert [f["name"] for f in out["findings"] if f["kind"] == "form-field"] == ["status"]
    (tmp_path / "i9.html").write_text(
        "<form>\n<!-- status-guard: allow no-status-inquiry -- 8 U.S.C. §1324a (Form I-9) -->\n" + body + "</form>\n")
    res = CliRunner().invoke(cli, ["scan", str(tmp_path), "--scope", "city"])
    assert res.exit_code == 0, res.output
    assert "stale" not in res.output and "allowed: declared legal basis" in res.output


def test_a_basis_that_does_not_lift_040k_is_not_called_allowed(tmp_path):
    """2.129.040(k): in schools scope the I-9 basis lifts nothing; the finding blocks and says so."""
    (tmp_path / "s.html").write_text(
        "<form>\n<!-- status-guard: allow no-status-inquiry -- 8 U.S.C. §1324a -->\n"
        '<label for="a">Student\'s citizenship</label><input id="a" name="cit">\n</form>\n')
    res = CliRunner().invoke(cli, ["scan", str(tmp_path), "--scope", "schools"])
    assert res.exit_code == 1
    assert "allowed: declared legal basis" not in res.output and "allowed by a declared legal basis" not in res.output
    assert "Not allowed: the declared legal basis" in res.output and "2.129.040(k)" in res.output
    assert "stale" not in res.output


@SETTINGS
@given(data=st.binary(min_size=1, max_size=40).filter(lambda b: _not_utf8(b)))
def test_a_baseline_that_is_not_text_is_an_error_naming_baseline(tmp_path_factory, data):
    d = tmp_path_factory.mktemp("b")
    (d / "app").mkdir()
    (d / "app" / "a.html").write_text('<form><label for="x">Immigration status</label><input id="x" name="s"></form>')
    (d / "bl.json").write_bytes(data)
    res = CliRunner().invoke(cli, ["scan", str(d / "app"), "--baseline", str(d / "bl.json")])
    assert res.exit_code == 2 and "--baseline" in res.output and "Traceback" not in res.output


def _not_utf8(b: bytes) -> bool:
    try:
        b.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False
