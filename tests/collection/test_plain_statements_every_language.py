"""r12c (issue 12 items 7-8; r12b F21/F22 left: "the declarative-sentence rule is English only") —
information on a page is not a question, in every language of the pack.

Invariants (2.129.040(b)):

* a declarative sentence that addresses nobody and asks nothing ("Undocumented residents can get
  a CommunityID card.", "无证居民可以办理身份证。") placed before a harmless question is not read
  as the question: the answer is accepted, in every lexicon language;
* the same sentence before a status question does not hide it: refused;
* a sentence that *requires* the status ("The applicant must state their immigration status.") is
  still refused, in every language — it holds a request word of its language;
* a rights sentence of every language ("you have the right to remain silent") informs.

Every lexicon language must have declarative data and rights phrases in
``collection/vocabulary.yaml`` (a test holds it); the sentences used are kept only when the
classifier itself reads a status in them, and every language must keep at least one.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard import Effect, Guard
from status_guard.collection.lookalikes import vocab

GUARD = Guard.default(audit="memory:")
LANGS = sorted(GUARD.classifier.lexicon.languages)

INFO = {
    "en": ["Undocumented residents can get a CommunityID card.", "Immigrant families are welcome at the library."],
    "es": ["Los residentes indocumentados pueden obtener una tarjeta de identificación.",
           "Las familias inmigrantes pueden recibir ayuda legal gratuita."],
    "pt": ["Residentes indocumentados podem obter um cartão de identidade.",
           "Famílias imigrantes são bem-vindas na biblioteca."],
    "ht": ["Rezidan ki pa gen papye ka jwenn yon kat idantite.", "Fanmi imigran yo byenvini nan bibliyotèk la."],
    "fr": ["Les résidents sans papiers peuvent obtenir une carte d'identité.",
           "Les familles immigrées sont les bienvenues à la bibliothèque."],
    "kea": ["Rezidentis sen dokumentu pode tene un karton di identidadi.",
            "Famílias imigranti é bem-vindu na biblioteka."],
    "vi": ["Cư dân không có giấy tờ có thể nhận thẻ căn cước.", "Các gia đình nhập cư được chào đón tại thư viện."],
    "ar": ["العائلات المهاجرة مرحب بها في المكتبة.", "يمكن للمهاجرين الحصول على مساعدة قانونية مجانية."],
    "ru": ["Жители без документов могут получить удостоверение личности.",
           "Семьи иммигрантов могут посещать библиотеку."],
    "so": ["Xaaladda socdaalka ma saameyso adeegyada maktabadda."],
    "am": ["የስደተኛ ቤተሰቦች በቤተ መጻሕፍት እንኳን ደህና መጡ።"],
    "bn": ["অভিবাসী পরিবারগুলিকে লাইব্রেরিতে স্বাগত জানানো হয়।"],
    "ko": ["서류 미비 주민도 신분증을 받을 수 있습니다.", "이민자 가족은 도서관에서 환영받습니다."],
    "zh": ["无证居民可以办理身份证。", "移民家庭在图书馆受到欢迎。"],
    "zh-Hant": ["無證居民可以辦理身分證。", "移民家庭在圖書館受到歡迎。"],
}
REQUIRES = {
    "en": "Applicants must state their immigration status.",
    "es": "El solicitante debe indicar su estatus migratorio.",
    "pt": "O requerente deve informar o seu status de imigração.",
    "ht": "Aplikan an dwe endike estati imigrasyon li.",
    "fr": "Le demandeur doit indiquer son statut d'immigration.",
    "kea": "Rekerenti debe indika se statutu di imigrason.",
    "vi": "Người nộp đơn phải ghi tình trạng di trú.",
    "ar": "يجب على مقدم الطلب ذكر وضع الهجرة.",
    "ru": "Заявитель должен указать свой иммиграционный статус.",
    "so": "Codsaduhu waa inuu sheegaa xaaladda socdaalka.",
    "am": "አመልካቹ የኢሚግሬሽን ሁኔታውን መግለጽ አለበት።",
    "bn": "আবেদনকারীকে অবশ্যই অভিবাসন অবস্থা উল্লেখ করতে হবে।",
    "ko": "신청자는 이민 신분을 반드시 기재해야 합니다.",
    "zh": "申请人必须填写移民身份。",
    "zh-Hant": "申請人必須填寫移民身分。",
}
HARMLESS = ["How many people are coming?", "¿Cuántas personas vienen?", "Your phone number:", "人数？"]
ASKED = ["Are you a U.S. citizen?", "What is your immigration status?", "¿Cuál es su estatus migratorio?",
         "Do you have a green card?"]


def _reads_status(text: str) -> bool:
    return bool(GUARD.classifier.classify("", text).categories)


def _effect(label: str, value: str, name: str = "q7") -> Effect:
    body = {"fields": [{"name": name, "label": label, "value": value}]}
    return GUARD.check_submission(body, scope="city", requester="public").effect


def test_every_lexicon_language_has_statement_data_and_sentences_the_classifier_reads() -> None:
    v = vocab()
    for lang in LANGS:
        assert lang in v.languages["declarative"], f"{lang}: no declarative verbs/requests in vocabulary.yaml"
        assert lang in v.languages["rights"], f"{lang}: no rights phrases in vocabulary.yaml"
        assert [s for s in INFO.get(lang, []) if _reads_status(s)], f"{lang}: no informing sentence to test"
        assert _reads_status(REQUIRES[lang]), f"{lang}: the classifier reads no status in {REQUIRES[lang]!r}"


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(LANGS), st.data(), st.sampled_from(HARMLESS), st.sampled_from(["2", "Main branch"]))
def test_information_before_a_harmless_question_is_not_the_question_in_every_language_040b(
        lang, data, question, answer) -> None:
    info = data.draw(st.sampled_from([s for s in INFO[lang] if _reads_status(s)]))
    assert _effect(f"{info} {question}", answer) is not Effect.BLOCK, (lang, info)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(LANGS), st.data(), st.sampled_from(ASKED))
def test_information_does_not_hide_a_status_question_after_it_040b(lang, data, asked) -> None:
    info = data.draw(st.sampled_from([s for s in INFO[lang] if _reads_status(s)]))
    assert _effect(f"{info} {asked}", "no") is Effect.BLOCK, (lang, asked)


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(LANGS), st.sampled_from(["", "Name: "]), st.sampled_from(["no", "yes", "2"]))
def test_a_sentence_that_requires_the_status_is_refused_in_every_language_040b(lang, before, answer) -> None:
    assert _effect(f"{before}{REQUIRES[lang]}", answer) is Effect.BLOCK, lang
