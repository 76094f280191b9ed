"""Free text where it flows: submissions (040(b), 040(k)) and responses (040(e) span redaction)."""

from __future__ import annotations

import pytest

from status_guard.text import TextDetectionError, TextDetector, redact_spans
from status_guard.text.findings import Finding
from status_guard.text.integration import categories_for_values, redact_free_text, text_items

NOTE = ("Detainee will be released on 03/14/2026 to family at 48 Columbia Street, Apt 3, "
        "Cambridge, MA 02139. Hearing on 03/16/2026. Charged with shoplifting.")
FEDERAL_HIDDEN = {"home_address", "release_date", "hearing_information", "incarceration_status"}


def test_overlapping_findings_are_merged_before_replacement():
    text = "0123456789abcdef"
    found = [Finding("home_address", 2, 8, 0.9, "a"), Finding("release_date", 6, 10, 0.9, "b"),
             Finding("home_address", 12, 14, 0.9, "a")]
    assert redact_spans(text, found) == "01[REDACTED:home_address+release_date]ab[REDACTED:home_address]ef"
    assert redact_spans(text, found, "***") == "01***ab***ef"


def test_federal_officer_sees_the_note_without_address_release_or_hearing_dates(detector):
    doc = {"booking": {"id": 7, "narrative": NOTE, "officer": "Sgt. Ruiz"}}
    out = redact_free_text(detector, doc, FEDERAL_HIDDEN)
    text = out.document["booking"]["narrative"]
    assert "Columbia" not in text and "03/14/2026" not in text and "03/16/2026" not in text
    assert "Charged with shoplifting." in text  # the rest of the field stays visible
    # "Detainee" says the person is in custody (incarceration status, covered since issue 13)
    assert text.count("[REDACTED:") == 4 and "Detainee" not in text
    assert doc["booking"]["narrative"] == NOTE  # input untouched
    assert set(out.findings) == {"booking.narrative"}
    assert out.uncovered == frozenset()  # every category of the pack has a free-text recognizer  # caller must decide about these


def test_redaction_reaches_free_text_inside_lists(detector):
    doc = {"notes": [{"text": "Short."}, {"text": "Mother said the family is undocumented and afraid."}]}
    out = redact_free_text(detector, doc, {"immigration_status"})
    assert out.document["notes"][1]["text"] == "Mother said the family is [REDACTED:immigration_status] and afraid."
    assert list(out.findings) == ["notes[1].text"]


def test_text_that_cannot_be_checked_is_withheld_whole_or_raises():
    det = TextDetector.from_policy_data({"limits": {"max_chars": 40}})
    doc = {"narrative": NOTE}
    with pytest.raises(TextDetectionError, match="field narrative"):
        redact_free_text(det, doc, {"home_address"})
    out = redact_free_text(det, doc, {"home_address"}, on_error="withhold")
    assert out.withheld == ("narrative",) and "Columbia" not in out.document["narrative"]


def test_text_items_reports_findings_per_field_path(detector):
    fields = {"name": "Ana Lopez", "comments": {"intake": "Cliente es indocumentada y vive en 52 Webster Ave."}}
    found = text_items(detector, fields)
    assert list(found) == ["comments.intake"]
    assert {f.category for f in found["comments.intake"]} == {"immigration_status", "home_address"}


def test_categories_for_values_names_the_field_that_failed(detector):
    det = TextDetector.from_policy_data({"limits": {"max_chars": 30}})
    with pytest.raises(TextDetectionError, match="field notes"):
        categories_for_values(det, {"notes": NOTE})
    assert categories_for_values(detector, {"notes": "She has a green card.", "x": ""}) == {
        "notes": frozenset({"immigration_status"})}


@pytest.mark.parametrize(("scope", "effect", "citation"),
                         [("schools", "redact", "2.129.040(k)"), ("city", "flag", "2.129.040(b)")])
def test_notes_field_recording_a_persons_status_is_not_kept_in_schools_and_audited_in_city(scope, effect, citation):
    """A status written in a notes field the form did not ask about is not an inquiry (040(b)): in
    city scope it is accepted and audited; in schools scope (040(k): "shall not be kept") the
    disclosing words are removed before the app stores the note (issue 12)."""
    guard_mod = pytest.importorskip("status_guard.guard")
    guard = guard_mod.Guard.default()
    decision = guard.check_submission({"notes": "Mother said the family is undocumented and scared."}, scope=scope)
    assert str(decision.effect) == effect
    assert citation in decision.citations
    assert "volunteered_status" in decision.to_record()["categories"]
    clean = guard.check_submission({"notes": "Mother asked about the bus schedule for the fall."}, scope=scope)
    assert str(clean.effect) == "allow"
