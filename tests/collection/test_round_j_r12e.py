"""Round j (review r12e F03, F05, F07, F08, F09, F11, F12, F13, F15, F16; w16d F15, F16).

Invariants, by class:

* A form that offers a city service (its fields, labels or hidden service field name the passport
  desk or a youth-jobs program; or a booking field beside the service's subject) may ask that
  service's own questions by field *name* (``number_of_passports``, ``passport_type``,
  ``work_permit``): 2.129.040(b) forbids asking a status, not running the City's services. A
  question about a passport or work authorization the person HOLDS is refused in any form.
* A body the app decodes (JSON encoded twice or more; base64 of such a string) is read; a string body
  shaped like an encoded document that cannot be read is refused with a 4xx (issue 12 §3).
* ``[name, value]`` pairs written ``pairs[0][]=name&pairs[0][]=value`` are entries like the JSON ones.
* An upload named as a work about a topic (a guide, an essay, a text on rights) is not a person's
  document; a scan named for a residence card (any language of the pack) is (040(b), 040(k)).
* A person's other message in the same sentence arrives when a status clause is removed (040(k)).
* Visa classes offered as options ask the visa; survey numbers beside each other are numbers.
"""

from __future__ import annotations

import base64
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard import Guard, collection
from status_guard.asgi.requests import parse_json, parse_urlencoded
from status_guard.collection import statements
from status_guard.collection.files import read_file_name
from status_guard.asgi.config import Limits

GUARD = Guard.default(audit="memory:")
FAST = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))


def _cats(doc, kind="json", scope="city", labels=None):
    r = collection.read(doc, kind, labels=labels)
    c = collection.check(GUARD, r, scope=scope)
    return {x.item.path: set(x.item.categories) for x in c.results}, c


def _blocked(doc, **kw) -> bool:
    _, c = _cats(doc, **kw)
    return c.decision.effect.name == "BLOCK"


# -- F03 / F11: a form that offers a service asks its own questions ------------------------------

PASSPORT_FIELDS = ["number_of_passports", "passport_type", "passport_book_or_card", "expedited_passport",
                   "minor_passport_applicants", "numberOfPassports", "PassportType"]
PASSPORT_CONTEXT = [{"appointment": "2026-12-10 10:00"}, {"service": "passport application"},
                    {"service": "Passport acceptance"}, {"title": "Passport appointment"},
                    {"booking": "10:00", "notes": ""}, {"form": "Apply for a passport"}]
HOLDING = ["how_many_passports_do_you_hold", "passport_number", "passport_country", "do_you_hold_another_passport",
           "country_of_your_passport", "passport_expiration_date", "passport_issuing_country"]


@FAST
@given(field=st.sampled_from(PASSPORT_FIELDS), ctx=st.sampled_from(PASSPORT_CONTEXT),
       value=st.sampled_from(["2", "renewal", "book", "card", "yes", "new"]))
def test_passport_desk_counts_what_it_takes_in_a_form_that_offers_it_040b(field, ctx, value):
    """2.129.040(b): the City's passport acceptance desk is a service (issue 12 item 8)."""
    assert not _blocked({field: value, "name": "Ana", **ctx})


@FAST
@given(field=st.sampled_from(HOLDING), ctx=st.sampled_from(PASSPORT_CONTEXT + [{}]))
def test_passports_a_person_holds_are_never_asked_whatever_the_form_offers_040b(field, ctx):
    """2.129.040(b): "how many passports do you hold", "passport country" ask status anywhere."""
    assert _blocked({field: "2", "name": "Ana", **ctx})


@pytest.mark.parametrize("field", PASSPORT_FIELDS[:3])
def test_passport_fields_without_a_passport_service_are_still_read_040b(field):
    """Without a service the form offers, the name alone is not enough (fail closed)."""
    assert _blocked({field: "2", "name": "Ana"})


YOUTH_CONTEXT = [{"program": "Summer Youth Employment"}, {"school": "CRLS"}, {"student": "Sam"},
                 {"program": "Youth jobs program"}, {"employer": "Cambridge Public Library", "student": "Sam"}]


@FAST
@given(field=st.sampled_from(["work_permit", "has_work_permit", "work_permit_request", "workPermit",
                              "work_permit_on_file"]), ctx=st.sampled_from(YOUTH_CONTEXT))
def test_a_youth_employment_permit_is_not_an_immigration_work_authorization_040b(field, ctx):
    """2.129.040(b): Massachusetts youth work permits (14-17, school-issued) are a city/school service."""
    assert not _blocked({field: "yes", "age": "15", **ctx})


@FAST
@given(field=st.sampled_from(["employment_authorization", "work_permit_number", "work_permit_expiration",
                              "ead_work_permit", "uscis_work_permit", "work_permit"]),
       ctx=st.sampled_from(YOUTH_CONTEXT[:1] + [{"program": "food pantry"}, {}]))
def test_immigration_work_authorization_is_still_asked_beside_youth_jobs_040b(field, ctx):
    if field == "work_permit" and ctx == YOUTH_CONTEXT[0]:
        return  # the youth permit itself (previous test)
    assert _blocked({field: "yes", **ctx})


# -- F07: encoded bodies -------------------------------------------------------------------------

@FAST
@given(layers=st.integers(1, 6), key=st.sampled_from(["citizenship", "immigration_status", "visa_type"]),
       b64=st.booleans())
def test_a_body_encoded_again_is_read_like_the_app_reads_it_040b(layers, key, b64):
    """Issue 12 §3: a body the app decodes is read. 2.129.040(b)."""
    doc = {key: "no", "name": "Ana"}
    s = json.dumps(doc)
    for _ in range(layers):
        s = json.dumps(s)
    body = s.encode()
    if b64:
        body = json.dumps({"p": base64.b64encode(s.encode()).decode()}).encode()
    parsed = parse_json(body, Limits())
    assert parsed.fields
    assert _blocked(parsed.doc)


@pytest.mark.parametrize("body", [b'"hello world"', b'"I would like a library card"', b'"{\\"color\\": \\"red\\"}"'])
def test_a_harmless_string_body_passes(body):
    parsed = parse_json(body, Limits())
    assert not parsed.fields or not _blocked(parsed.doc)


@pytest.mark.parametrize("body", [b'"{not json"', b'"\\"[1, 2"\\""'.replace(b'\\""', b'"')])
def test_an_unreadable_encoded_body_is_refused_not_passed(body):
    from status_guard.errors import UnparseableInputError

    with pytest.raises(UnparseableInputError):
        parse_json(body, Limits())


# -- F08: qs / jQuery pair lists -------------------------------------------------------------------

@FAST
@given(key=st.sampled_from(["pairs", "data", "entries", "fields"]),
       name=st.sampled_from(["citizenship", "immigration_status", "visa_type", "country_of_citizenship"]),
       pos=st.integers(0, 3), encoded=st.booleans())
def test_pairs_written_with_empty_brackets_are_entries_040b(key, name, pos, encoded):
    parts = []
    for i in range(4):
        n, v = (name, "no") if i == pos else (f"color{i}", "red")
        parts += [f"{key}[{i}][]={n}", f"{key}[{i}][]={v}"]
    body = "&".join(parts)
    if encoded:
        body = body.replace("[", "%5B").replace("]", "%5D")
    parsed = parse_urlencoded(body.encode(), Limits())
    assert _blocked(parsed.doc, kind="form")


def test_harmless_pairs_with_empty_brackets_pass():
    parsed = parse_urlencoded(b"pairs[0][]=color&pairs[0][]=red&pairs[1][]=name&pairs[1][]=Ana", Limits())
    assert not _blocked(parsed.doc, kind="form")


# -- F09 / F15: upload names ---------------------------------------------------------------------

HARMLESS = ["Know_Your_Rights_Immigrants.pdf", "US_Citizenship_Test_Study_Guide.pdf", "Immigration_History_Essay.docx",
            "移民权利手册.pdf", "direitos_dos_imigrantes.pdf", "refugee_art_show.jpg",
            "Passport_to_Cambridge_museum_pass.pdf", "quyền_của_người_nhập_cư.pdf", "dwa_imigran_yo.pdf",
            "Guía_derechos_inmigrantes.pdf", "Parent_Handbook_Immigration_Rights.pdf"]
DOCUMENTS = ["green_card.pdf", "kat rezidan.jpg", "بطاقة_الإقامة.jpg", "kaadhka_deganaanshaha.jpg", "PR_card_scan.png",
             "passport_scan.pdf", "i-551_front.jpg", "green_card_photo.jpg", "tarjeta_de_residencia.pdf",
             "passport_guide_scan.pdf", "kat_rezidan_back.png"]


@FAST
@given(name=st.sampled_from(HARMLESS), case=st.sampled_from([str, str.lower, str.upper]))
def test_a_work_about_a_topic_is_not_a_persons_document_040b(name, case):
    stem, dot, ext = name.rpartition(".")
    cats, _ = read_file_name(GUARD.classifier, case(stem) + dot + ext)
    assert not cats


@FAST
@given(name=st.sampled_from(DOCUMENTS), sep=st.sampled_from(["_", "-", " "]))
def test_an_identity_document_scan_is_named_for_the_status_it_proves_040b(name, sep):
    cats, _ = read_file_name(GUARD.classifier, name.replace("_", sep))
    assert cats


# -- F13 / F16: schools keep what is not a status ------------------------------------------------

NOTES = [("I am undocumented and my landlord won't fix the heat.", "heat"),
         ("Je suis sans papiers et mon propriétaire refuse de réparer le chauffage.", "chauffage"),
         ("Tôi không có giấy tờ và chủ nhà không sửa máy sưởi.", "máy sưởi"),
         ("Mwen pa gen papye e mèt kay la refize ranje chofaj la.", "chofaj"),
         ("Eu pedi asilo e o senhorio quer me despejar.", "despejar"),
         ("Tengo TPS y mi jefe no me paga las horas extras.", "horas extras"),
         ("I have a green card but my landlord says I can't complain.", "landlord")]


@pytest.mark.parametrize("note,rest", NOTES)
def test_the_rest_of_a_parents_sentence_arrives_040k(note, rest):
    """2.129.040(k): the words that disclose are removed; the rest arrives."""
    st_ = statements.statements(note)
    assert st_
    for s in st_:
        if s.kind == "disclosing":
            assert rest not in note[s.start:s.end]


@FAST
@given(status=st.sampled_from(["I am undocumented", "I have TPS", "I am a refugee", "I have no papers"]),
       conj=st.sampled_from(["and", "but", "so"]),
       other=st.sampled_from(["my landlord won't fix the heat", "the bus is always late",
                              "my son needs a bus pass"]))
def test_a_status_clause_never_takes_an_unrelated_clause_with_it_040k(status, conj, other):
    text = f"{status} {conj} {other}."
    for s in statements.statements(text):
        if s.kind == "disclosing":
            assert other not in text[s.start:s.end]
            assert status in text[s.start:s.end]


def test_status_words_joined_by_a_conjunction_are_all_removed_040k():
    text = "I am a refugee and undocumented."
    spans = [text[s.start:s.end] for s in statements.statements(text) if s.kind == "disclosing"]
    assert any("undocumented" in s and "refugee" in s for s in spans)


@pytest.mark.parametrize("note", ["房东威胁要向移民局举报我。", "বাড়িওয়ালা আমার অভিবাসন অবস্থা জানিয়ে দেওয়ার হুমকি দিয়েছে।"])
def test_a_complaint_naming_only_the_subject_is_kept_040k(note):
    cats, c = _cats({"parent_note": note}, scope="schools")
    assert "volunteered_status" not in cats["parent_note"]


@pytest.mark.parametrize("note", ["我是移民。", "我没有身份，房东威胁要向移民局举报我。"])
def test_a_disclosure_beside_the_subject_is_still_removed_040k(note):
    cats, _ = _cats({"parent_note": note}, scope="schools")
    assert "volunteered_status" in cats["parent_note"]


# -- F05 / F12: options and numbering --------------------------------------------------------------

@FAST
@given(opts=st.permutations(["H-1B", "F-1", "J-1", "B-2", "Other"]), n=st.integers(2, 5))
def test_visa_classes_offered_as_options_ask_the_visa_040b(opts, n):
    from status_guard.collection.choices import visa_class_options

    chosen = tuple(opts[:n])
    visas = [o for o in chosen if o != "Other"]
    got = visa_class_options(chosen)
    if len(visas) >= 2 and any(v in ("H-1B",) for v in visas) or len(visas) >= 2 and "B-2" in visas and "H-1B" in visas:
        assert got is not None


@pytest.mark.parametrize("opts", [("A-1", "B-2", "C-3"), ("F-1", "Formula E"), ("Room B-1", "Room B-2"),
                                  ("J-1", "J-2")])
def test_seats_and_rooms_are_not_visa_classes(opts):
    from status_guard.collection.choices import visa_class_options

    assert visa_class_options(opts) is None


@FAST
@given(n=st.integers(2, 900), shape=st.sampled_from(["flat", "data", "graphql"]))
def test_neighbouring_survey_numbers_are_question_numbers(n, shape):
    a, b = f"i{n}", f"i{n + 1}"
    from status_guard.collection.numbering import _a_document

    if _a_document("i", n) and _a_document("i", n + 1):
        return
    if shape == "flat":
        doc = {a: "2", b: "5"}
    elif shape == "data":
        doc = {"data": {a: "2", b: "5"}}
    else:
        doc = {"query": f"mutation {{ submit({a}: 3, {b}: 5) {{ ok }} }}"}
    assert not _blocked(doc)


@pytest.mark.parametrize("doc", [{"i797": "EAC1234567890"}, {"i765": "x", "i766": "y"}, {"n400": "x"}])
def test_a_documents_form_number_alone_is_read_040b(doc):
    assert _blocked(doc)


def test_salesforce_question_ids_in_a_run_are_numbers():
    doc = {"records": [{"Question__c": f"i{n}", "Answer__c": str(n)} for n in (93, 94, 95)]}
    assert not _blocked(doc)


@FAST
@given(opts=st.sampled_from([["DACA", "TPS", "Asylum", "Refugee"], ["U.S. citizen", "Permanent resident", "Other"],
                             ["H-1B", "F-1", "J-1", "B-2"]]), title=st.sampled_from(["", "Select one", "Which applies?"]))
def test_status_options_ask_whatever_the_title_even_none_040b(opts, title):
    """2.129.040(b): options that enumerate statuses ask status, titled or not (Google Forms)."""
    form = {"items": [{"title": title, "questionItem": {"question": {"questionId": "1a2b", "choiceQuestion": {
        "type": "RADIO", "options": [{"value": o} for o in opts]}}}}]}
    doc = {"form": form, "response": {"answers": {"1a2b": {"questionId": "1a2b",
                                                           "textAnswers": {"answers": [{"value": opts[1]}]}}}}}
    assert _blocked(doc)


def test_an_untitled_question_with_harmless_options_passes():
    form = {"items": [{"title": "", "questionItem": {"question": {"questionId": "1a", "choiceQuestion": {
        "type": "RADIO", "options": [{"value": "Red"}, {"value": "Blue"}]}}}}]}
    assert not _blocked({"form": form, "response": {"answers": {"1a": {"questionId": "1a", "textAnswers": {
        "answers": [{"value": "Red"}]}}}}})


def test_typeform_properties_choices_are_the_fields_options():
    from status_guard.asgi.script_forms import _options

    q = {"id": "abc", "ref": "q7", "title": "Which describes you?", "type": "multiple_choice",
         "properties": {"choices": [{"label": "U.S. citizen"}, {"label": "Permanent resident"}, {"label": "Other"}]}}
    assert _options(q) == ["U.S. citizen", "Permanent resident", "Other"]
