"""Free text through the Guard: submissions, responses (span level) and detect_text."""

from __future__ import annotations

import pytest

from status_guard import Effect, Guard


@pytest.fixture(scope="module")
def g() -> Guard:
    return Guard.default(audit="memory:")


def test_school_note_recording_a_parents_status_is_not_kept(g: Guard) -> None:
    """040(k): status that becomes known "shall not be kept": the disclosing words are removed
    (effect redact) before the school system stores the note; the note itself is not refused."""
    d = g.check_submission({"teacher_note": "Mother said the family is undocumented and worried."},
                           scope="schools", requester="local")
    assert d.effect is Effect.REDACT
    assert "2.129.040(k)" in d.citations
    assert d.paths_with(Effect.REDACT) == ("teacher_note",)


def test_ordinary_school_note_passes(g: Guard) -> None:
    d = g.check_submission({"teacher_note": "Maria read two chapter books this week and loves art class."},
                           scope="schools", requester="local")
    assert d.effect is Effect.ALLOW


def test_public_record_narrative_reaches_federal_officer_without_the_address(g: Guard) -> None:
    doc = {"incident": {"narrative": "Officers responded to 45 Prospect Street, Cambridge, MA 02139 for a noise complaint.",
                        "home_address": "45 Prospect Street"}}
    r = g.redact(doc, scope="police", requester="federal", public_record_fields=["incident.narrative"])
    narrative = r.document["incident"]["narrative"]
    assert "Prospect" not in narrative and "02139" not in narrative
    assert "noise complaint" in narrative  # the rest of the public record stays visible
    assert r.document["incident"]["home_address"] == "[REDACTED]"
    assert "incident.narrative" in r.redacted
    assert "2.129.040(e)" in r.decision.citations


def test_local_officer_sees_the_narrative_whole(g: Guard) -> None:
    doc = {"narrative": "Officers responded to 45 Prospect Street, Cambridge, MA 02139 for a noise complaint."}
    r = g.redact(doc, scope="police", requester="local")
    assert r.document == doc


def test_detect_text_returns_spans_without_excerpts(g: Guard) -> None:
    text = "Subject gave A-number A123456789 and said his hearing is on March 3, 2027."
    found = g.detect_text(text, scope="police")
    cats = {f.category for f in found}
    assert "alien_registration_number" in cats
    for f in found:
        assert 0 <= f.start < f.end <= len(text)
        assert "A123456789" not in repr(f)


def test_withheld_categories_follow_the_policy(g: Guard) -> None:
    assert "home_address" in g.withheld_categories("police", "federal")
    assert "citizenship_status" not in g.withheld_categories("police", "federal")
    assert g.withheld_categories("police", "local") == frozenset()
