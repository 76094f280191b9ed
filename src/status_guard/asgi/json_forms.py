"""Forms served as JSON (r12c, issue 12 F11): a form builder's definition fetched by the page's
script (SurveyJS ``pages[].elements[]``, Form.io ``components[]``, Typeform ``fields[]``, Google
Forms ``items[].questionItem``, a JSON Schema form's ``properties``), and HTML markup carried in a
JSON string (``{"html": "<form>…"}`` for a script to insert).

Both reach the resident as questions though no HTML page holds them. Each definition's questions
are read like a script form's (``script_forms``), each markup string like a page
(``forms.rewrite_markup``); a forbidden question is removed from its definition / its markup, and
every labelled question is remembered in the form map for the paths the document names (and for
the path it was served at, and Form.io's ``…/submission``), so a later ``q7=no`` is refused. Not
route-wide: builders number questions ``q1 … qN`` in every form, so a route-wide entry refused
every other form's ``q7`` (r12e F06); the question is removed from the definition in every case.

A body that is not JSON is left to the response's other checks (for a requester the route does not
restrict it is the app's business); the JSON written back is UTF-8 (RFC 8259) unless the response
named another charset.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..model import MISSING, Decision, Effect, Item
from . import cost, script_forms
from .forms import MAX_LEARNED_LABEL, Learned, question_item, rewrite_markup

MAX_STRINGS = 256
MAX_NODES = 200_000
# cheap scans, in order (each case-sensitive where JSON is: a scan of a 1 MB body costs ~1 ms)
_HINT_KEYS = re.compile(rb'"(?:elements|components|questions|fields|properties|items|pages|attributes)"\s*:')
_HINT_MARKUP = re.compile(rb"(?:<|\\u003[cC]|&lt;)\s*/?\s*(?:input|select|textarea|button|noscript|template|iframe|form)\b",
                          re.IGNORECASE)
_HINT_ASKS = re.compile(rb'"(?:label|title|question|text|prompt)"\s*:\s*"[^"]{0,300}\?"')
_HINT_TYPES = re.compile(rb'"(?:type|inputType|control|widget)"\s*:\s*"(?:radio|radiogroup|checkbox|select|dropdown'
                         rb'|textarea|yes_no|multiple_choice|short_text|select_one|selectboxes)"')
_MARKUP = re.compile(r"<\s*(?:input|select|textarea|button|noscript|template|iframe)\b|\bsrcdoc\s*=", re.IGNORECASE)
_SUBMISSION_SUFFIXES = ("/submission", "/submissions")
_FILE_NAME = re.compile(r"\.(?:json|js|txt|ya?ml)$", re.IGNORECASE)

Classify = Callable[[str, str | None, Any], Item]
DecideItems = Callable[[Sequence[Item]], Decision]


@dataclass
class JsonForms:
    body: bytes | None  # the rewritten body (None: unchanged)
    decisions: list[Decision] = field(default_factory=list)
    changed: tuple[str, ...] = ()
    learned: dict[str, dict[str, Learned]] = field(default_factory=dict)


def might_hold_forms(body: bytes) -> bool:
    if _HINT_KEYS.search(body) or _HINT_TYPES.search(body):
        return True
    if (b"<" in body or b"\\u003" in body or b"&lt;" in body) and _HINT_MARKUP.search(body):
        return True
    return b"?" in body and _HINT_ASKS.search(body) is not None


def might_serve_forms(body: bytes, mt: str) -> bool:
    """A cheap scan of a JSON, script, text or untyped body: could it carry a form? (If not, it is
    sent as it came, without the worker-thread check.)"""
    from . import script_forms, unknown_type

    if might_hold_forms(body) or script_forms._HINT.search(body) is not None:
        return True
    if unknown_type.is_unknown(mt) and unknown_type.sniff_kind(body) == "html":
        return True
    return False  # markup was looked for above (``_HINT_MARKUP``)


def _strings(doc: Any) -> list[tuple[Any, Any, str]]:
    """(container, key, markup) for every string that holds form markup."""
    out: list[tuple[Any, Any, str]] = []
    stack: list[Any] = [doc]
    seen = 0
    while stack and seen < MAX_NODES and len(out) < MAX_STRINGS:
        node = stack.pop()
        seen += 1
        pairs = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for k, v in pairs:
            if isinstance(v, str):
                if "<" in v and _MARKUP.search(v):
                    out.append((node, k, v))
            elif isinstance(v, (dict, list)):
                stack.append(v)
    return out


_UI_TYPES = frozenset({"radio", "radiogroup", "checkbox", "checkboxes", "select", "dropdown", "textarea", "textfield",
                       "text_field", "yes_no", "yesno", "multiple_choice", "short_text", "long_text", "choice",
                       "boolean", "rating", "matrix", "tagbox", "selectboxes", "select_one", "select_multiple",
                       "input", "combobox", "listbox", "toggle", "switch", "comment", "paragraph", "email",
                       "phone_number", "date", "datetime", "number_input", "file", "signature"})
_LIST_KEYS = ("fields", "questions", "elements", "items", "inputs", "formFields", "form_fields", "controls",
              "components", "survey", "questionnaire")
_QUESTION_TEXT = ("label", "title", "question", "text", "prompt", "placeholder", "description")
_QUESTION_NAME = ("name", "key", "id", "ref", "fieldName", "field", "questionId", "valueName")


_FORM_LIST_KEYS = frozenset({"questions", "elements", "inputs", "formFields", "form_fields", "controls",
                             "questionnaire", "survey"})  # lists of questions by their very name


def _question_shaped(item: dict[str, Any], strict: bool = True) -> bool:
    """An item that puts a question to a person: a name and a text, and (``strict``: under a key
    that may also list data, ``fields``/``items``) an input control's type or a text that asks."""
    text = next((item[k] for k in _QUESTION_TEXT if isinstance(item.get(k), str) and item[k].strip()), None)
    if text is None or not any(isinstance(item.get(k), (str, int)) for k in _QUESTION_NAME):
        return False
    if not strict:
        return True
    typ = item.get("type") or item.get("inputType") or item.get("control") or item.get("widget")
    return (isinstance(typ, str) and typ.lower() in _UI_TYPES) or text.rstrip().endswith(("?", "？", "؟"))


def _signature(node: dict[str, Any]) -> bool:
    """A form builder's definition by its documented shape — not any JSON with a ``fields`` list
    (a data API's schema, a Salesforce describe, Socrata column metadata are not forms)."""
    def items(key: str) -> list[dict[str, Any]]:
        v = node.get(key)
        return [x for x in v[:64] if isinstance(x, dict)] if isinstance(v, list) else []

    if any(isinstance(p.get("elements"), list) for p in items("pages")):  # SurveyJS
        return True
    if any("type" in e and "name" in e for e in items("elements")) and ("pages" in node or "title" in node
                                                                       or "surveyId" in node or "showQuestionNumbers"
                                                                       in node or len(node) <= 3):
        return True
    if node.get("display") in ("form", "wizard", "pdf") or any(
            "key" in c and "type" in c and ("input" in c or "label" in c) for c in items("components")):  # Form.io
        return bool(items("components"))
    if any("title" in f and "type" in f and ("ref" in f or "id" in f) for f in items("fields")) \
            and ("title" in node or "_links" in node or "workspace" in node or "settings" in node):  # Typeform
        return True
    if any(isinstance(i.get("questionItem"), dict) for i in items("items")):  # Google Forms
        return True
    if any("code" in a and ("datatype" in a or "variable" in a) for a in items("attributes")):  # Open311 GeoReport v2
        return True
    if any(_question_shaped(i, strict=k not in _FORM_LIST_KEYS) for k in _LIST_KEYS for i in items(k)):
        return True
    if isinstance(node.get("schema"), dict) and isinstance(node.get("uiSchema"), dict):  # rjsf's pair
        return True
    return node.get("type") == "object" and isinstance(node.get("properties"), dict)  # JSON Schema forms


def _definitions(doc: Any) -> list[Any]:
    """The subtrees of ``doc`` that are form definitions (outermost; bounded walk)."""
    out: list[Any] = []
    stack: list[tuple[Any, int]] = [(doc, 0)]
    seen = 0
    while stack and seen < MAX_NODES and len(out) < 32:
        node, depth = stack.pop()
        seen += 1
        if isinstance(node, dict):
            if _signature(node):
                out.append(node)
                continue
            if depth < 6:
                stack.extend((v, depth + 1) for v in node.values() if isinstance(v, (dict, list)))
        elif isinstance(node, list) and depth < 6:
            stack.extend((v, depth + 1) for v in node[:256] if isinstance(v, (dict, list)))
    return out


def _targets(doc: Any, page_path: str) -> list[str]:
    targets = [page_path]
    base = page_path.rstrip("/")
    targets.extend(base + s for s in _SUBMISSION_SUFFIXES if base)
    if base:
        targets.append(base + "/*")  # the paths under the definition's own (``/intake`` -> ``/intake/send``)
        folder, _, leaf = base.rpartition("/")
        if _FILE_NAME.search(leaf) and folder:  # a definition file (``/intake/survey.json``): its page's folder
            targets.append(folder + "/*")
    cut = page_path.rfind("/services/")
    if cut >= 0:  # Open311 GeoReport v2: a service's definition is answered at ``…/requests.json`` (r12f F02)
        root = page_path[:cut]
        targets.extend(root + r for r in ("/requests.json", "/requests.xml", "/requests"))
    text = json.dumps(doc, ensure_ascii=False)[:512 * 1024]
    for lit in script_forms._PATH_LITERAL.findall(text)[:16]:
        lit = lit.split("?")[0]
        if not script_forms._ASSET.search(lit) and lit not in targets:
            targets.append(lit)
    return targets


def _decide_questions(questions: list[script_forms.ScriptQuestion], targets: list[str], out: JsonForms, *,
                      item: Classify, decide: DecideItems, route_prefix: str | None) -> list[script_forms.ScriptQuestion]:
    """Decide a definition's questions, learn each labelled one for its targets (and, when it asks
    something protected, for the whole route), and return the questions the decision removes."""
    items = [question_item(q.key, q.label or None, q.options, item) for q in questions]
    decision = decide(items)
    if decision.hits:
        out.decisions.append(decision)
    for q, it in zip(questions, items):
        if it.categories or q.label:
            lrn = Learned(frozenset(it.categories), (q.label or q.key)[:MAX_LEARNED_LABEL])
            for t in dict.fromkeys(targets):
                for key in (q.key, *q.aliases):
                    out.learned.setdefault(t, {})[key] = lrn
    forbidden = {f.path for f in decision.fields if f.effect in (Effect.BLOCK, Effect.STRIP, Effect.REDACT)}
    return [q for q in questions if q.key in forbidden]


def _rewrite_nested(markup: str, out: JsonForms, *, item: Classify, decide: DecideItems, mode: str,
                    notice: Callable[[Decision, str, str | None], str] | None,
                    page_path: str) -> tuple[str | None, tuple[str, ...]]:
    """Rewrite markup found inside a string as a page fragment; its decision and what it learned go to ``out``."""
    new, decision, changed, learned = rewrite_markup(markup, item=item, decide=decide, mode=mode, notice=notice,
                                                     page_path=page_path, fragment=True)
    if decision is not None and decision.hits:
        out.decisions.append(decision)
    for path, controls in learned.items():
        out.learned.setdefault(path, {}).update(controls)
    return new, changed


def rewrite_json_forms(body: bytes, charset: str | None, *, item: Classify, decide: DecideItems,
                       mode: str = "remove", notice: Callable[[Decision, str, str | None], str] | None = None,
                       page_path: str = "", route_prefix: str | None = None) -> JsonForms:
    """``route_prefix``: accepted for compatibility, not used — a definition's questions are
    remembered for the paths it can be posted to (where it was served, the paths it names, Form.io's
    ``…/submission``), never route-wide (r12e F06)."""
    if not might_hold_forms(body):
        return JsonForms(None)
    enc = charset or "utf-8"
    try:
        doc = json.loads(body.decode(enc))
    except (ValueError, LookupError, UnicodeDecodeError, RecursionError):
        return JsonForms(None)
    if not isinstance(doc, (dict, list)):
        return JsonForms(None)
    out = JsonForms(None)
    dirty = False
    # 1. form-builder definitions
    block = script_forms.ScriptBlock(None, "")
    questions: list[script_forms.ScriptQuestion] = []
    if isinstance(doc, list) and any(_question_shaped(i) for i in doc[:64] if isinstance(i, dict)):
        script_forms.list_questions(doc, block, questions, loose=True)  # the response is the list of questions
    for definition in _definitions(doc):
        script_forms.collect_questions(definition, block, questions)
    if questions:
        cost.charge_definition_questions(len(questions))  # bounded before they are read (r15b F04)
        block.targets = _targets(doc, page_path)
        gone = _decide_questions(questions, block.targets, out, item=item, decide=decide, route_prefix=route_prefix)
        if gone:
            script_forms.remove_from_definitions(gone)
            out.changed += tuple(q.key for q in gone)
            dirty = True
    # 2. markup inside strings
    for container, key, markup in _strings(doc):
        new, changed = _rewrite_nested(markup, out, item=item, decide=decide, mode=mode, notice=notice,
                                       page_path=page_path)
        if new is not None:
            container[key] = new
            out.changed += changed
            dirty = True
    if dirty:
        text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
        try:
            out.body = text.encode(enc)
        except (LookupError, UnicodeEncodeError):
            out.body = text.encode("utf-8")
    return out




def rewrite_script_forms(body: bytes, charset: str | None, *, item: Classify, decide: DecideItems,
                         mode: str = "remove", notice: Callable[[Decision, str, str | None], str] | None = None,
                         page_path: str = "", route_prefix: str | None = None) -> JsonForms:
    """A script file or a text body a page's script reads (``/static/survey.js`` holding
    ``new Survey.Model({...})``, a definition served as ``text/plain``): its JSON literals are read
    as form definitions and its string literals holding markup as fragments — the same as an
    inline script's (``script_forms``, ``nested_pages``)."""
    from . import nested_pages

    enc = charset or "utf-8"
    try:
        text = body.decode(enc)
    except (LookupError, UnicodeDecodeError):
        return JsonForms(None)
    if not (script_forms._HINT.search(body) or nested_pages._CONTROLS.search(text)):
        return JsonForms(None)
    stripped = text.lstrip()
    if stripped[:1] in ("{", "[") and might_hold_forms(body):  # the whole body is JSON
        return rewrite_json_forms(body, charset, item=item, decide=decide, mode=mode, notice=notice,
                                  page_path=page_path, route_prefix=route_prefix)
    out = JsonForms(None)
    block = script_forms.ScriptBlock(None, text)
    questions: list[script_forms.ScriptQuestion] = []
    script_forms.literal_definitions(text, block, questions)
    if questions:
        cost.charge_definition_questions(len(questions))  # bounded before they are read (r15b F04)
        targets = _targets({}, page_path) + [lit.split("?")[0] for lit in script_forms._PATH_LITERAL.findall(text)[:16]
                                             if not script_forms._ASSET.search(lit)]
        gone = _decide_questions(questions, targets, out, item=item, decide=decide, route_prefix=route_prefix)
        if gone:
            script_forms.remove_from_definitions(gone)
            text = script_forms.splice_definitions(block)
            out.changed += tuple(q.key for q in gone)
    edits = []
    for start, end, quote, markup in nested_pages.js_markup_literals(text):
        new, changed = _rewrite_nested(markup, out, item=item, decide=decide, mode=mode, notice=notice,
                                       page_path=page_path)
        if new is not None:
            edits.append((start, end, nested_pages._js_escape(new, quote)))
            out.changed += changed
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    if out.changed:
        try:
            out.body = text.encode(enc)
        except (LookupError, UnicodeEncodeError):
            out.body = text.encode("utf-8")
    return out


__all__ = ["JsonForms", "might_hold_forms", "rewrite_json_forms", "rewrite_script_forms"]
