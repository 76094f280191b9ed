"""Issue 13, round c: free text in every language of the notes, by category, and the lead's two
labelling decisions.

* **Every category, every language**: a note made of statements that each disclose a category —
  in custody, released on bail, no papers, works at a named place, key-value lines — discloses all
  of them, in whatever order and with whatever separators the writer used (a property test
  composes notes from per-language statements and random names).
* **A threat to report someone to immigration is no statement of anyone's status** (lead): "my
  landlord threatened to call ICE" discloses nothing, in any language.
* **A record of an ICE detainer is detention_basis, not immigration_status** (lead): the note names
  why the person is held, not their status.
* **A US citizenship is not a national origin**, in any language.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard import Guard

SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

#: per language, statements that each disclose one category (written for this test, not taken
#: from any blind set); {n} is a name, {s} a street
STATEMENTS: dict[str, dict[str, list[str]]] = {
    "so": {
        "incarceration_status": ["{n} wali wuxuu ku jiraa xabsiga Middleton", "Waxaa lagu haystaa xabsiga Nashua Street"],
        "release_date": ["{n} shalay ayaa la sii daayay isagoo bixiyay damiin $500"],
        "immigration_status": ["{n} mana haysto sharci", "{n} warqado ma haysto"],
        "work_address": ["{n} wuxuu ka shaqeeyaa foornada ee {s}"],
        "detention_basis": ["eedeynta: tuugo"],
    },
    "ar": {
        "incarceration_status": ["{n} لا يزال في السجن", "قبض عليه يوم السبت"],
        "release_date": ["أطلق سراحه بكفالة 500 دولار"],
        "immigration_status": ["{n} ليس لديه أوراق", "تقدمت بطلب لجوء"],
        "home_address": ["يسكن في 19 شارع هاردينغ"],
        "detention_basis": ["التهمة: سرقة"],
    },
    "fr": {
        "incarceration_status": ["{n} est toujours incarcéré à Middleton", "Observations à l'écrou : aucune"],
        "release_date": ["{n} a été libéré sous caution de 500 $"],
        "immigration_status": ["{n} n'a pas de papiers"],
        "work_address": ["{n} travaille de nuit dans une boulangerie sur {s}"],
        "detention_basis": ["{n} est poursuivi pour vol"],
    },
    "ko": {
        "incarceration_status": ["{n}은 아직 구치소에 있음", "입감 기록 확인"],
        "release_date": ["{n}은 보석금을 내고 풀려남"],
        "immigration_status": ["{n}은 서류가 없음"],
        "work_address": ["{n}은 빵집에서 야간 근무를 함"],
    },
    "ru": {
        "incarceration_status": ["{n} находится в тюрьме на Nashua Street", "{n} содержится под стражей"],
        "release_date": ["{n} вышел под залог"],
        "immigration_status": ["у {n} нет легального статуса", "{n} подала прошение о предоставлении убежища"],
        "work_address": ["{n} работает по ночам в пекарне на {s}"],
    },
    "vi": {
        "incarceration_status": ["{n} vẫn bị giam ở nhà tù Middleton"],
        "release_date": ["{n} được tại ngoại với tiền bảo lãnh 500 đô"],
        "immigration_status": ["{n} không có giấy tờ"],
        "detention_basis": ["tội danh: trộm cắp"],
    },
    "ht": {
        "incarceration_status": ["{n} toujou nan prizon"],
        "release_date": ["yo lage {n} sou kosyon"],
        "immigration_status": ["{n} pa gen papye"],
        "work_address": ["{n} travay lannwit nan yon boulanjri sou {s}"],
    },
    "en": {
        "incarceration_status": ["{n} has been held at the jail since Friday", "{n} is currently at Nashua Street Jail"],
        "release_date": ["{n} was released on $500 bail"],
        "immigration_status": ["{n} has no papers", "{n}'s brother has a hearing at the immigration court"],
        "work_address": ["{n} works nights at the bakery on {s}"],
        "detention_basis": ["{n} was booked on a charge of larceny"],
    },
    "es": {
        "incarceration_status": ["{n} sigue detenido en la estación"],
        "release_date": ["{n} salió bajo fianza"],
        "immigration_status": ["{n} no tiene papeles"],
        "detention_basis": ["{n} fue arrestado anoche por violar una orden de restricción"],
    },
    "zh": {
        "incarceration_status": ["{n}仍被关押在警局"],
        "release_date": ["{n}交了保释金被释放了"],
        "immigration_status": ["{n}没有合法身份"],
        "detention_basis": ["{n}因醉酒驾驶被捕"],
    },
}
NAMES = ["Ahmed", "Xaliimo", "Marie", "Minji", "Anna", "Lan", "Jean", "Rosa", "Wei", "Maria"]
STREETS = ["Prospect St", "Mass Ave", "Pleasant St", "Broadway"]
SEPARATORS = [". ", "; ", ".\n", " — "]


@SETTINGS
@given(data=st.data(), lang=st.sampled_from(sorted(STATEMENTS)))
def test_every_category_is_found_in_every_language_whatever_the_order(guard: Guard, data: st.DataObject, lang: str) -> None:
    cats = data.draw(st.lists(st.sampled_from(sorted(STATEMENTS[lang])), min_size=1, max_size=3, unique=True), label="categories")
    parts = []
    for c in cats:
        tpl = data.draw(st.sampled_from(STATEMENTS[lang][c]), label=c)
        parts.append(tpl.format(n=data.draw(st.sampled_from(NAMES)), s=data.draw(st.sampled_from(STREETS))))
    sep = data.draw(st.sampled_from(SEPARATORS))
    text = sep.join(parts) + "."
    found = {f.category for f in guard.detect_text(text)}
    assert set(cats) <= found, (text, sorted(found))


THREATS = {
    "en": ["My {who} threatened to call ICE on me", "Her {who} said he would report her to immigration",
           "The {who} keeps threatening to have us deported"],
    "es": ["El {who} amenazó con llamar a ICE", "Mi {who} dijo que me iba a denunciar a inmigración"],
    "pt": ["O {who} ameaçou denunciá-la à imigração"],
    "ht": ["{who} a menase rele imigrasyon sou li"],
    "fr": ["Le {who} a menacé d'appeler l'ICE"],
    "zh": ["{who}威胁要打电话给移民局举报他"],
    "vi": ["{who} dọa sẽ gọi ICE"],
    "ru": ["{who} угрожал сообщить в миграционную службу"],
    "ko": ["{who}이 이민국에 신고하겠다고 협박했다"],
}
WHO = {"en": ["landlord", "boss", "neighbor", "ex-husband"], "es": ["dueño", "patrón", "vecino"], "pt": ["patrão", "vizinho"],
       "ht": ["Mèt kay la", "Patwon an"], "fr": ["propriétaire", "patron"], "zh": ["房东", "老板"], "vi": ["Chủ nhà", "Ông chủ"],
       "ru": ["Хозяин", "Начальник"], "ko": ["집주인", "사장"]}


@SETTINGS
@given(data=st.data(), lang=st.sampled_from(sorted(THREATS)))
def test_a_threat_to_report_someone_to_immigration_is_no_status(guard: Guard, data: st.DataObject, lang: str) -> None:
    text = data.draw(st.sampled_from(THREATS[lang])).format(who=data.draw(st.sampled_from(WHO[lang]))) + "."
    found = {f.category for f in guard.detect_text(text)}
    assert "immigration_status" not in found, (text, sorted(found))


@pytest.mark.parametrize("text", [
    "ICE lodged a detainer (I-247A) on the arrestee this morning; he remains in the holding cell.",
    "I-247A received for the prisoner, booking #24-01187.",
    "Held on an ICE administrative warrant (I-200).",
    "ICE le puso un detainer; sigue en la cárcel de Middleton.",
    "移民局已发出拘留请求（detainer），他仍关在Middleton。",
])
def test_a_detainer_note_names_the_basis_not_a_status(guard: Guard, text: str) -> None:
    found = {f.category for f in guard.detect_text(text)}
    assert "detention_basis" in found and "immigration_status" not in found, (text, sorted(found))


@pytest.mark.parametrize("text", [
    "He is an American citizen.", "El señor dijo que es ciudadano estadounidense desde 2015.",
    "Ela disse que se naturalizou cidadã americana em 2019.", "Li di li se sitwayen ameriken depi 2016.",
    "她说自己2018年已经入籍成为美国公民。", "Chị ấy nói đã nhập quốc tịch Mỹ năm 2017.", "Citizenship: American",
])
def test_a_us_citizenship_is_no_national_origin(guard: Guard, text: str) -> None:
    found = {f.category for f in guard.detect_text(text)}
    assert "citizenship_status" in found and "national_origin" not in found, (text, sorted(found))


def test_recognizer_data_has_no_duplicate_keys() -> None:
    """A repeated language key in a YAML mapping silently replaces the first list (three did):
    the data file must say each key once."""
    from importlib import resources

    import yaml

    class Strict(yaml.SafeLoader):
        pass

    def construct(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
        keys = [loader.construct_object(k, deep=deep) for k, _ in node.value]
        dup = {k for k in keys if keys.count(k) > 1}
        assert not dup, f"duplicate keys {sorted(map(str, dup))} at line {node.start_mark.line + 1}"
        return loader.construct_mapping(node, deep=deep)

    Strict.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct)
    raw = resources.files("status_guard.text").joinpath("default_recognizers.yaml").read_text(encoding="utf-8")
    yaml.load(raw, Loader=Strict)  # noqa: S506 - a SafeLoader subclass
