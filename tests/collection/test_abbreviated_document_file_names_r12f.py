"""r12f F05: an uploaded file named for an immigration document in the short forms file names use
(``perm_resident_card.pdf``, ``cit_cert.pdf``, ``thẻ thường trú.jpg``) is that document:
2.129.040(b) (in schools 040(k)). Look-alikes (``permission_card``, ``citation_cert``) are not."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from status_guard.collection.subjects import document_in_file_name

SEP = st.sampled_from(["_", "-", ".", " ", ""])
CASE = st.sampled_from([str.lower, str.upper, str.title])
EXT = st.sampled_from([".pdf", ".jpg", ".png", ".heic", ""])


@settings(max_examples=200, deadline=None)
@given(a=st.sampled_from(["perm", "permanent"]), b=st.sampled_from(["res", "resident", "residence"]),
       c=st.sampled_from(["card", "crd"]), s1=SEP, s2=SEP, case=CASE, ext=EXT,
       pre=st.sampled_from(["", "scan_", "my-", "2026_"]), post=st.sampled_from(["", "_front", "-back", "_2"]))
def test_abbreviated_permanent_resident_card_file_is_refused_2_129_040_b(a, b, c, s1, s2, case, ext, pre, post):
    name = pre + case(f"{a}{s1}{b}{s2}{c}") + post + ext
    assert "immigration_status" in document_in_file_name(name)[0], name


@settings(max_examples=120, deadline=None)
@given(a=st.sampled_from(["cit", "citz", "citizenship", "naturalization", "naturalisation"]),
       b=st.sampled_from(["cert", "certificate", "certif"]), s=SEP, case=CASE, ext=EXT)
def test_abbreviated_citizenship_certificate_file_is_refused_2_129_040_b(a, b, s, case, ext):
    name = case(f"{a}{s}{b}") + ext
    assert "citizenship_status" in document_in_file_name(name)[0], name


@pytest.mark.parametrize("name", ["thẻ thường trú.jpg", "the_thuong_tru.png", "永久居民卡.jpg"])
def test_resident_card_in_residents_languages(name):
    assert "immigration_status" in document_in_file_name(name)[0]


@pytest.mark.parametrize("name", ["permission_card.pdf", "perm_residential_card.pdf", "citation_cert.pdf",
                                  "explicit_cert.pdf", "solicit_certificate.pdf", "recital_cert.pdf",
                                  "natural_certified.pdf", "the_thuong_truong.pdf", "permit_card.pdf"])
def test_lookalike_file_names_pass(name):
    assert not document_in_file_name(name)[0]
