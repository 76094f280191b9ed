"""Item 5 — uploaded file names (2.129.040(b), 040(k)).

Invariant: an uploaded file named for an immigration or citizenship document (``green_card.pdf``,
``i-551_scan.jpg``, ``Pasaporte Ana.pdf``, ``N-400 receipt.pdf``, ``EAD front.png``) is read as that
document — refused in city and schools scope, whatever the upload field is called — while ordinary
file names (a lease, a Visa card statement, a highway photo) pass. Every file name a part carries is
read (``filename`` and ``filename*``).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard import collection

from .conftest import make_app

pytestmark = pytest.mark.anyio

STATUS_FILES = ["green_card.pdf", "Green Card (front).jpg", "i-551_scan.jpg", "I551.png", "EAD card.pdf",
                "i766-front.jpeg", "I-94 record.pdf", "i94.pdf", "my_passport.pdf", "Pasaporte Ana.pdf",
                "N-400 receipt.pdf", "naturalization_certificate.pdf", "I-797C notice.pdf", "visa stamp.jpg",
                "work_permit.png", "DACA approval.pdf", "carte verte.pdf", "tarjeta verde.jpg", "绿卡.jpg",
                "DS-2019.pdf"]
PLAIN_FILES = ["lease.pdf", "utility_bill_march.pdf", "Visa_statement_May_2026.pdf", "I-90 ramp noise.jpg",
               "photo.jpg", "resume.pdf", "birthday party.png", "citizenship class certificate of attendance.pdf"]


@pytest.mark.parametrize("filename", STATUS_FILES)
async def test_a_file_named_for_a_status_document_is_refused_040b(guard, client_for, filename) -> None:
    async with client_for(make_app(guard)) as c:
        r = await c.post("/housing/apply", data={"name": "Ana"},
                         files={"supporting_document": (filename, b"%PDF-1.4", "application/pdf")})
    assert r.status_code == 422, (filename, r.text)
    assert "supporting_document" in r.text and "2.129.040(b)" in r.text
    assert filename not in r.text  # the refusal names the field, never echoes the file name


async def test_school_upload_of_a_green_card_is_refused_040k(guard, client_for) -> None:
    async with client_for(make_app(guard)) as c:
        r = await c.post("/schools/enroll/docs", files={"proof_of_residency": ("green_card.pdf", b"x", "application/pdf")})
    assert r.status_code == 422 and "2.129.040(k)" in r.text


@pytest.mark.parametrize("filename", PLAIN_FILES)
async def test_an_ordinary_file_name_passes_untouched(guard, client_for, filename) -> None:
    async with client_for(make_app(guard)) as c:
        r = await c.post("/housing/apply", files={"attachment": (filename, b"%PDF-1.4", "application/pdf")})
    assert r.status_code == 200, (filename, r.text)
    assert r.json()["files"] == [filename]


async def test_filename_star_is_read_too_040b(guard, client_for) -> None:
    body = (b'--B0\r\nContent-Disposition: form-data; name="doc"; filename="scan.pdf"; '
            b"filename*=UTF-8''green%20card.pdf\r\nContent-Type: application/pdf\r\n\r\n%PDF\r\n--B0--\r\n")
    async with client_for(make_app(guard)) as c:
        r = await c.post("/housing/apply", content=body, headers={"content-type": "multipart/form-data; boundary=B0"})
    assert r.status_code == 422


async def test_strip_route_drops_the_file_part_and_keeps_the_rest_040b(guard, client_for) -> None:
    async with client_for(make_app(guard)) as c:
        r = await c.post("/strip/apply", data={"name": "Ana"},
                         files={"doc": ("green_card.pdf", b"%PDF", "application/pdf"),
                                "lease": ("lease.pdf", b"%PDF", "application/pdf")})
    assert r.status_code == 200
    assert r.json()["names"] == ["name", "lease"] and r.json()["files"] == ["lease.pdf"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=st.sampled_from(["green card", "greencard", "I-551", "i551", "EAD", "I-766", "I-94", "passport", "pasaporte",
                            "N-550", "naturalization certificate", "work permit", "I-797", "visa"]),
       sep=st.sampled_from(["_", "-", " ", "", "."]), prefix=st.sampled_from(["", "ana_", "scan ", "2026-05-01 "]),
       suffix=st.sampled_from(["", "_front", " (1)", "-copy", "_scan"]), ext=st.sampled_from([".pdf", ".jpg", ".PNG", ".heic", ""]),
       field=st.sampled_from(["file", "upload", "attachment", "documents[]", "q7", "supporting_document"]))
def test_any_generated_status_document_file_name_is_read_as_that_document_040b(guard, doc, sep, prefix, suffix, ext,
                                                                             field) -> None:
    name = prefix + doc.replace(" ", sep if sep != "." else "_") + suffix + ext
    reading = collection.read({}, "form", files={field: [name]})
    d = collection.check(guard, reading, scope="city", requester="public").decision
    assert str(d.effect) == "block", name
