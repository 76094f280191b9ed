"""Free-text detection is built and runs with no network and no model download."""

from __future__ import annotations

import socket

import pytest
from status_guard.text import RecognizerConfigError, TextDetector


def test_socket_guard_refuses_every_kind_of_connection(network_attempts):
    with pytest.raises(OSError, match="network access attempted"):
        socket.getaddrinfo("publicsuffix.org", 443)
    with pytest.raises(OSError, match="network access attempted"):
        socket.create_connection(("127.0.0.1", 9), timeout=0.1)
    s = socket.socket()
    try:
        with pytest.raises(OSError, match="network access attempted"):
            s.connect(("127.0.0.1", 9))
        with pytest.raises(OSError, match="network access attempted"):
            s.connect_ex(("127.0.0.1", 9))
    finally:
        s.close()
    assert len(network_attempts) == 4
    network_attempts.clear()  # the guard itself worked; do not fail this test at teardown


def test_detector_builds_and_detects_with_sockets_blocked(network_attempts):
    det = TextDetector.from_policy_data(None)
    det.warm()
    found = det.detect("Mother said they are undocumented and live at 5 Otis Street.")
    assert {f.category for f in found} == {"immigration_status", "home_address"}
    assert network_attempts == []


def test_no_nlp_model_is_loaded_by_default(detector):
    from presidio_analyzer.nlp_engine import NoOpNlpEngine

    assert isinstance(detector._analyzer.nlp_engine, NoOpNlpEngine)
    assert detector.ner_enabled is False


def test_slow_default_region_recognizers_are_never_registered(detector):
    names = {r.name for r in detector._analyzer.registry.recognizers}
    assert names.isdisjoint({"PhoneRecognizer", "UsLicenseRecognizer", "UsPassportRecognizer", "EmailRecognizer"})
    assert names >= {"a_number", "us_street_address", "immigration_status_terms", "release_date"}


def test_presidio_email_recognizer_uses_bundled_suffix_list_offline(network_attempts):
    from status_guard.text.offline import pin_tldextract

    pin_tldextract()
    from presidio_analyzer.predefined_recognizers import EmailRecognizer

    results = EmailRecognizer().analyze("write to clerk@cambridgema.gov today", ["EMAIL_ADDRESS"])
    assert [r.entity_type for r in results] == ["EMAIL_ADDRESS"]
    assert network_attempts == []


def test_enabling_ner_without_an_installed_model_is_refused_not_downloaded(network_attempts):
    cfg = {"ner": {"model": "xx_status_guard_not_installed", "entity_map": {"NRP": "national_origin"}}}
    with pytest.raises(RecognizerConfigError, match="never downloads"):
        TextDetector.from_policy_data(cfg, enable_ner=True)
    assert network_attempts == []


def test_ner_from_a_local_spacy_pipeline_maps_labels_to_categories(tmp_path, network_attempts):
    spacy = pytest.importorskip("spacy")
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "NRP", "pattern": "Guatemalan"}])
    nlp.to_disk(tmp_path / "tiny_ner")
    cfg = {"ner": {"enabled": True, "model": str(tmp_path / "tiny_ner"), "entity_map": {"NRP": "national_origin"},
                   "score": 0.7}}
    det = TextDetector.from_policy_data(cfg)  # enabled by the policy data alone
    assert det.ner_enabled
    text = "The witness is Guatemalan and spoke through an interpreter."
    found = [f for f in det.detect(text) if f.recognizer == "ner"]
    assert [(f.category, text[f.start:f.end]) for f in found] == [("national_origin", "Guatemalan")]
    assert network_attempts == []
