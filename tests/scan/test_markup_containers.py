"""Invariant (2.129.040(b), scanner): a status question is found wherever the markup puts it — in an
HTML ``<template>``, a Vue single-file component, a Svelte component, a JSX/TSX component, a script
template, a Jinja/Django/ERB template with tags between attributes, HTML in a JavaScript string, or a
UI-library component bound by ``v-model``. And a harmless question in the same containers is not."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from status_guard.scan import scan_paths

STATUS_QUESTIONS = ["Immigration status", "Estatus migratorio", "Are you a U.S. citizen?", "Citizenship status",
                    "Visa type", "Country of citizenship"]
HARMLESS = ["Favourite colour", "Street address line 2", "Preferred contact time"]


def _native(label: str, name: str) -> str:
    return f'<label for="q1">{label}</label><input id="q1" name="{name}" type="text">'


def _jinja_between(label: str, name: str) -> str:
    return (f'<label for="q1">{label}</label>'
            f'<input id="q1" {{% if errors and a > b %}}aria-invalid="true"{{% endif %}} name="{name}">')


def _erb_between(label: str, name: str) -> str:
    return f'<label for="q1">{label}</label><input id="q1" <%= "disabled" if locked > 0 %> name="{name}">'


def _vue_component(label: str, name: str) -> str:
    return f'<v-text-field label="{label}" v-model="form.{name}"></v-text-field>'


def _vue_native(label: str, name: str) -> str:
    return f'<label for="q1">{label}</label><input id="q1" v-model="form.{name}" @input="e => touched = e">'


CONTROLS = [_native, _jinja_between, _erb_between, _vue_component, _vue_native]


def _file(container: str, control: str) -> tuple[str, str]:
    form = f"<form>{control}</form>"
    if container == "html-template":
        return "intake.html", f"<html><body><template id=t>{form}</template></body></html>"
    if container == "vue-sfc":
        return "Intake.vue", f"<template>\n  <div>{form}</div>\n</template>\n<script>export default {{}}</script>\n"
    if container == "svelte":
        return "Intake.svelte", f"<script>let form = {{}};</script>\n{{#if open}}{form}{{/if}}\n"
    if container == "x-template":
        return "page.html", f'<script type="text/x-template" id="intake">{form}</script>'
    if container == "nested-template":
        return "page.html", f"<template><template v-if=ok>{form}</template></template>"
    if container == "js-string":
        return "intake.js", f"const html = '{form.replace(chr(39), chr(34))}';\nel.innerHTML = html;\n"
    if container == "js-template-literal":
        return "intake.ts", f"export const tpl = `\n{form}\n`;\n"
    if container == "jsx":
        return "Intake.jsx", (f"export function Intake() {{\n  return (\n    <form onSubmit={{e => save(e)}}>"
                              f"{control.replace('for=', 'htmlFor=')}</form>\n  );\n}}\n")
    return "intake.html", form


CONTAINERS = ["plain", "html-template", "vue-sfc", "svelte", "x-template", "nested-template", "js-string",
              "js-template-literal", "jsx"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(container=st.sampled_from(CONTAINERS), control=st.sampled_from(CONTROLS),
       label=st.sampled_from(STATUS_QUESTIONS), name=st.sampled_from(["q7", "field_b", "answer"]))
def test_status_question_is_found_in_every_markup_container(scan_guard, tmp_path_factory, container, control,
                                                            label, name):
    d = tmp_path_factory.mktemp("c")
    fname, body = _file(container, control(label, name))
    (d / fname).write_text(body)
    report = scan_paths(scan_guard, [d], scope="city")
    found = [f for f in report.findings if f.kind.value == "form-field"]
    assert found, f"{container}/{control.__name__}: {label!r} not found in\n{body}"
    assert all(f.line >= 1 for f in found)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(container=st.sampled_from(CONTAINERS), control=st.sampled_from(CONTROLS), label=st.sampled_from(HARMLESS))
def test_harmless_question_in_any_container_is_not_flagged(scan_guard, tmp_path_factory, container, control, label):
    d = tmp_path_factory.mktemp("h")
    fname, body = _file(container, control(label, "q7"))
    (d / fname).write_text(body)
    report = scan_paths(scan_guard, [d], scope="city")
    assert not report.findings, [(f.name, f.kind.value) for f in report.findings]


def test_vue_sfc_from_the_review_is_found(scan_guard, tmp_path):
    (tmp_path / "Intake.vue").write_text(
        '<template><form><label for="v">Immigration status</label><input id="v" name="imm"></form></template>')
    [f] = scan_paths(scan_guard, [tmp_path], scope="city").findings
    assert f.name == "imm" and f.line == 1 and f.column > 1
