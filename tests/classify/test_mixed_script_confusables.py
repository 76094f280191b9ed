"""Mixed-script words (review r13e F15). Written for these tests.

Invariant (2.129.040(b)/(k), every protected category): replacing any letter of a label by its
look-alike from another script (a Latin ``o`` inside a Cyrillic word, a Cyrillic ``а`` inside a
Latin word — Unicode TR39's mixed-script confusables) changes nothing about how the label is
read: a protected label is never hidden, and a harmless one never becomes protected.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard import Guard
from status_guard.normalize import _HOMOGLYPHS, _script

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

PROTECTED = ["Гражданство", "Место рождения", "Иммигрaционный статус".replace("a", "а"), "Страна рождения",
             "Номер паспорта", "Вид на жительство", "Тип визы", "Citizenship", "Country of birth",
             "Immigration status", "Passport number", "Place of birth", "Visa type", "Lugar de nacimiento",
             "Estatus migratorio", "Nacionalidad"]
HARMLESS = ["Место встречи", "Гражданское состояние", "Номер телефона школы", "Тип обуви", "Статус заказа",
            "Meeting place", "Order status", "Bus route", "Lunch menu", "Shoe size", "Estatus del pedido"]

#: letter -> its look-alikes in other scripts
_CROSS: dict[str, list[str]] = {}
for _k, _v in _HOMOGLYPHS.items():
    if _script(_k) in ("cyrillic", "greek"):
        _CROSS.setdefault(_v, []).append(_k)
        _CROSS.setdefault(_k, []).append(_v)


@pytest.fixture(scope="module")
def g() -> Guard:
    return Guard.default(audit="memory:")


def _swap(data, label: str) -> str:
    spots = [i for i, c in enumerate(label) if c in _CROSS]
    i = data.draw(st.sampled_from(spots))
    return label[:i] + data.draw(st.sampled_from(_CROSS[label[i]])) + label[i + 1:]


@SETTINGS
@given(data=st.data())
def test_cross_script_lookalike_letter_never_hides_a_protected_label_040(g, data):
    label = data.draw(st.sampled_from(PROTECTED))
    want = g.classify("q4", label).categories
    assert want, label
    mixed = _swap(data, label)
    assert want <= g.classify("q4", mixed).categories, (label, mixed)


@SETTINGS
@given(data=st.data())
def test_cross_script_lookalike_letter_never_makes_a_harmless_label_protected(g, data):
    label = data.draw(st.sampled_from(HARMLESS))
    want = g.classify("q4", label).categories
    mixed = _swap(data, label)
    assert g.classify("q4", mixed).categories <= want, (label, mixed)


@pytest.mark.parametrize("label", ["Гражданствo", "Местo рождения", "Иммигрaционный статус", "Место рoждения"])
def test_review_r13e_f15_labels_are_read(g, label):
    assert g.classify("q4", label).categories
