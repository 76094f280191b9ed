"""Forms a page builds in script from a JSON definition — SurveyJS (``new Survey.Model({...})``,
``elements[{name, title, choices}]``), Form.io (``Formio.createForm(el, {components[{key, label}]})``)
and the like. There is no ``<input>`` in the HTML: the questions live in the definition. Each
question is read (name, title/label, choices), decided like any other control, removed from the
definition when forbidden (the script is rewritten with the definition minus that question), and
remembered for the paths the script submits to.

Only definitions written as JSON (what the builders' export and embed snippets produce) are read;
a definition computed by code is not (docs/middleware.md says so).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

MAX_SCRIPT_CHARS = 512 * 1024
MAX_CANDIDATES = 24
_START = re.compile(r"(?:[=(:,\[]|^)\s*(\{)")
_PATH_LITERAL = re.compile(r"""["'`](/[A-Za-z0-9_\-./~%]{1,200})["'`]""")
_ASSET = re.compile(r"\.(?:js|mjs|css|png|jpe?g|gif|svg|ico|woff2?|map)$", re.IGNORECASE)
_HINT = re.compile(rb'"(?:elements|components|questions|pages|properties|fields|items)"\s*:', re.IGNORECASE)
NAME_KEYS = ("name", "key", "id", "valueName", "ref", "fieldName", "questionId", "field")
TEXT_KEYS = ("title", "label", "text", "question", "placeholder", "description", "prompt")
CONTAINERS = frozenset({"elements", "components", "questions", "fields", "templateElements", "columns", "rows",
                        "inputs", "formFields", "form_fields", "controls", "questionnaire"})


def might_have_script_forms(body: bytes) -> bool:
    return b"<script" in body.lower() and _HINT.search(body) is not None


@dataclass
class ScriptQuestion:
    key: str
    label: str
    options: list[str]
    definition: Any  # the question object (removed from ``container`` when forbidden)
    container: Any  # the list holding it, or a JSON Schema's ``properties``
    block: ScriptBlock
    schema: Any = None  # the JSON Schema object whose ``properties`` hold it
    ui: Any = None  # its uiSchema (the question's ``ui:title`` goes with it)


@dataclass
class ScriptBlock:
    node: Any  # the <script> element
    text: str
    spans: list[tuple[int, int, Any]] = field(default_factory=list)  # (start, end, parsed definition)
    targets: list[str] = field(default_factory=list)
    changed: bool = False


def _options(q: dict[str, Any]) -> list[str]:
    out: list[str] = []
    for k in ("choices", "values", "options", "rateValues", "items"):
        v = q.get(k)
        if isinstance(v, dict):
            v = v.get("values")
        if isinstance(v, list):
            for o in v[:64]:
                if isinstance(o, str):
                    out.append(o)
                elif isinstance(o, dict):
                    t = o.get("text") or o.get("label") or o.get("value")
                    if isinstance(t, str):
                        out.append(t)
    data = q.get("data")
    if isinstance(data, dict) and isinstance(data.get("values"), list):
        out.extend(str(o.get("label") or o.get("value")) for o in data["values"][:64] if isinstance(o, dict))
    return out


def _questions(doc: Any, block: ScriptBlock, out: list[ScriptQuestion]) -> None:
    stack: list[Any] = [doc]
    seen = 0
    while stack and seen < 20_000:
        node = stack.pop()
        seen += 1
        if isinstance(node, dict):
            _schema_properties(node, block, out)
            sub = node.get("schema")
            if isinstance(sub, dict) and isinstance(node.get("uiSchema"), dict) and "uiSchema" not in sub:
                _schema_properties(sub, block, out, ui=node["uiSchema"])  # react-jsonschema-form's pair
                node = {k: v for k, v in node.items() if k != "schema"}
            for k, v in node.items():
                if isinstance(v, list) and k in CONTAINERS:
                    list_questions(v, block, out, loose=k in ("elements", "components"))
                elif isinstance(v, list) and k == "items":
                    _google_items(v, block, out)
                if isinstance(v, (dict, list)):
                    stack.append(v)
        elif isinstance(node, list):
            stack.extend(x for x in node if isinstance(x, (dict, list)))


def list_questions(items: list[Any], block: ScriptBlock, out: list[ScriptQuestion], loose: bool = False) -> None:
    """The questions of a list of question objects (``{name|key|id …, title|label …, type}``)."""
    for item in items:
        if isinstance(item, dict):
            name = next((item[n] for n in NAME_KEYS if isinstance(item.get(n), str) and item[n]), None)
            texts = [item[t] for t in TEXT_KEYS if isinstance(item.get(t), str) and item[t].strip()]
            if name and (texts or _options(item)) and ("type" in item or loose):
                out.append(ScriptQuestion(name, " / ".join(dict.fromkeys(texts))[:2000], _options(item), item, items,
                                          block))


def _schema_properties(node: dict[str, Any], block: ScriptBlock, out: list[ScriptQuestion],
                       ui: dict[str, Any] | None = None) -> None:
    """A JSON Schema form (react-jsonschema-form, JSON Forms, Formly): ``properties`` keyed by the
    field's name, its question in ``title``/``description``, its choices in ``enum``/``oneOf``;
    a ``ui:title``/``ui:placeholder``/``ui:help`` in a sibling ``uiSchema`` is read with it."""
    props = node.get("properties")
    if not isinstance(props, dict) or node.get("type") != "object" \
            or not any(isinstance(p, dict) and ("type" in p or "title" in p) for p in props.values()):
        return
    ui = ui if ui is not None else node.get("uiSchema") if isinstance(node.get("uiSchema"), dict) else {}
    for name, prop in list(props.items())[:512]:
        if not isinstance(name, str) or not isinstance(prop, dict):
            continue
        texts = [prop[t] for t in ("title", "description") if isinstance(prop.get(t), str) and prop[t].strip()]
        u = ui.get(name) if isinstance(ui.get(name), dict) else {}
        texts += [u[t] for t in ("ui:title", "ui:placeholder", "ui:help", "ui:description")
                  if isinstance(u.get(t), str) and u[t].strip()]
        opts = [str(o) for o in (prop.get("enum") or [])[:64] if isinstance(o, (str, int))] \
            if isinstance(prop.get("enum"), list) else []
        for key in ("enumNames",):
            if isinstance(prop.get(key), list):
                opts += [o for o in prop[key][:64] if isinstance(o, str)]
        for key in ("oneOf", "anyOf"):
            if isinstance(prop.get(key), list):
                opts += [o.get("title") for o in prop[key][:64] if isinstance(o, dict) and isinstance(o.get("title"), str)]
        items = prop.get("items")
        if isinstance(items, dict) and isinstance(items.get("enum"), list):
            opts += [str(o) for o in items["enum"][:64] if isinstance(o, (str, int))]
        if texts or opts or name:
            q = ScriptQuestion(name, " / ".join(dict.fromkeys(texts))[:2000], opts, prop, props, block)
            q.schema = node
            q.ui = ui
            out.append(q)


def _google_items(items: list[Any], block: ScriptBlock, out: list[ScriptQuestion]) -> None:
    """Google Forms API ``items[]``: the question's id is ``questionItem.question.questionId``
    (what a response's ``answers`` are keyed by), its text the item's ``title``."""
    for it in items[:512]:
        if not isinstance(it, dict) or not isinstance(it.get("questionItem"), dict):
            continue
        q = it["questionItem"].get("question")
        if not isinstance(q, dict) or not isinstance(q.get("questionId"), str):
            continue
        texts = [it[t] for t in ("title", "description") if isinstance(it.get(t), str) and it[t].strip()]
        choice = q.get("choiceQuestion")
        opts = [o.get("value") for o in (choice.get("options") or [])[:64]
                if isinstance(o, dict) and isinstance(o.get("value"), str)] if isinstance(choice, dict) else []
        out.append(ScriptQuestion(q["questionId"], " / ".join(texts)[:2000], opts, it, items, block))


def collect_questions(doc: Any, block: ScriptBlock, out: list[ScriptQuestion]) -> None:
    """Every question of a form definition (a parsed JSON document)."""
    _questions(doc, block, out)


def remove_from_definitions(questions: list[ScriptQuestion]) -> None:
    """Remove forbidden questions from the definitions that hold them (a list, or a JSON Schema's
    ``properties`` with its ``required`` entry)."""
    for q in questions:
        if isinstance(q.container, dict):
            if q.container.get(q.key) is q.definition:
                del q.container[q.key]
            req = q.schema.get("required") if isinstance(q.schema, dict) else None
            if isinstance(req, list) and q.key in req:
                req[:] = [r for r in req if r != q.key]
            if isinstance(q.ui, dict) and isinstance(q.ui.get(q.key), dict):
                del q.ui[q.key]
        elif any(x is q.definition for x in q.container):
            q.container[:] = [x for x in q.container if x is not q.definition]


def literal_definitions(text: str, block: ScriptBlock, out: list[ScriptQuestion]) -> None:
    """The questions of every JSON object literal in script ``text`` (its spans go in ``block``)."""
    decoder = json.JSONDecoder()
    pos = 0
    tried = 0
    while tried < MAX_CANDIDATES:
        m = _START.search(text, pos)
        if m is None:
            break
        start = m.start(1)
        tried += 1
        try:
            doc, end = decoder.raw_decode(text, start)
        except ValueError:
            pos = start + 1
            continue
        if isinstance(doc, dict):
            before = len(out)
            _questions(doc, block, out)
            if len(out) > before:
                block.spans.append((start, end, doc))
        pos = end


def splice_definitions(block: ScriptBlock) -> str:
    """``block``'s text with every definition it holds written again (after removals)."""
    text = block.text
    for start, end, doc in sorted(block.spans, key=lambda s: s[0], reverse=True):
        dumped = json.dumps(doc, ensure_ascii=False, indent=2).replace("</", "<\\/")
        text = text[:start] + dumped + text[end:]
    return text


def find_script_forms(tree: Any, page_path: str) -> list[ScriptQuestion]:
    out: list[ScriptQuestion] = []
    for node in tree.css("script"):
        attrs = node.attributes
        if attrs.get("src"):
            continue
        typ = (attrs.get("type") or "").lower()
        if typ and typ not in ("text/javascript", "module", "application/json", "application/javascript"):
            continue
        text = node.text(deep=True) or ""
        if not text or len(text) > MAX_SCRIPT_CHARS or not _HINT.search(text.encode("utf-8", "ignore")):
            continue
        block = ScriptBlock(node, text)
        literal_definitions(text, block, out)
        if block.spans:
            targets = [page_path]
            for lit in _PATH_LITERAL.findall(text)[:16]:
                if not _ASSET.search(lit) and lit not in targets:
                    targets.append(lit.split("?")[0])
            block.targets = targets
    return out


def remove(questions: list[ScriptQuestion]) -> None:
    """Remove forbidden questions from their definitions and rewrite their scripts."""
    from selectolax.lexbor import LexborHTMLParser

    blocks: dict[int, ScriptBlock] = {}
    remove_from_definitions(questions)
    for q in questions:
        q.block.changed = True
        blocks[id(q.block)] = q.block
    for block in blocks.values():
        text = splice_definitions(block)
        attrs = "".join(f' {k}="{v}"' for k, v in block.node.attributes.items() if v is not None and '"' not in v)
        new = LexborHTMLParser(f"<script{attrs}>{text}</script>").css_first("script")
        if new is not None:
            block.node.replace_with(new)
