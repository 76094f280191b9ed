"""Forms a page builds in script from a JSON definition — SurveyJS (``new Survey.Model({...})``,
``elements[{name, title, choices}]``), Form.io (``Formio.createForm(el, {components[{key, label}]})``)
and the like. There is no ``<input>`` in the HTML: the questions live in the definition. Each
question is read (name, title/label, choices), decided like any other control, removed from the
definition when forbidden (the script is rewritten with the definition minus that question), and
remembered for the paths the script submits to.

Definitions written as JSON (what the builders' export and embed snippets produce) and as
JavaScript object literals (unquoted keys, single quotes, trailing commas, comments — what people
type into ``new Survey.Model({...})``; read with ``chompjs``, bounded) are read, in every inline
``<script>`` whatever its type (``application/json``, ``text/x-survey`` … a data block is read by
the page's script). A definition computed by code cannot be read: when a script that holds
form-definition keys cannot be read and a string in it asks something protected, the script is
withheld from the page (fail closed, 2.129.040(b)) — ``unreadable_definitions``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

MAX_SCRIPT_CHARS = 512 * 1024
MAX_CANDIDATES = 24
MAX_OPENINGS = 4096
_START = re.compile(r"(?:[=(:,\[]|^)\s*(\{)")
_PATH_LITERAL = re.compile(r"""["'`](/[A-Za-z0-9_\-./~%]{1,200})["'`]""")
_ASSET = re.compile(r"\.(?:js|mjs|css|png|jpe?g|gif|svg|ico|woff2?|map)$", re.IGNORECASE)
_HINT = re.compile(rb"""(?:["'`]|\b)(?:elements|components|questions|pages|properties|fields|items)(?:["'`]|\b)\s*:""",
                   re.IGNORECASE)
#: a quoted string literal (for the fail-closed read of a script whose definition cannot be parsed)
_STRING = re.compile(r"""(["'`])((?:\\.|(?!\1)[^\\\n])*)\1""")
MAX_LITERAL_CHARS = 256 * 1024
_WORD = re.compile(r"[\w.\-\[\]:]{1,64}")
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
    ties: list[str] = field(default_factory=list)  # names/ids a script's literal is tied to (r12f F01)
    blocks: list[Any] = field(default_factory=list)  # text blocks before it that ask it (removed with it)
    aliases: tuple[str, ...] = ()  # the other names a submission answers it under


@dataclass
class ScriptBlock:
    node: Any  # the <script> element
    text: str
    spans: list[tuple[int, int, Any]] = field(default_factory=list)  # (start, end, parsed definition)
    targets: list[str] = field(default_factory=list)
    changed: bool = False
    withhold: bool = False  # an unreadable definition asked something protected: the script goes


WITHHELD_SCRIPT = ("/* status_guard: this form definition could not be read and asks a question the law forbids "
                   "here (Cambridge Municipal Code 2.129.040(b)); it was withheld. */")


def _text(v: Any) -> str | None:
    """A question's text: a string, or a localizable text object (SurveyJS ``{"default": …, "es": …}``)
    read as one text in every language (r12e F01) — as a submission's ``localized_text`` reads it."""
    from ..collection.view import localized_text

    if isinstance(v, str):
        return v if v.strip() else None
    if isinstance(v, dict):
        return localized_text(v)
    return None


def _options(q: dict[str, Any]) -> list[str]:
    out: list[str] = []
    props = q.get("properties") if isinstance(q.get("properties"), dict) else {}
    for k in ("choices", "values", "options", "rateValues", "items", "properties.choices"):
        # Typeform keeps a field's choices in ``properties.choices`` (r12e F05)
        v = props.get("choices") if k == "properties.choices" else q.get(k)
        if isinstance(v, dict):
            v = v.get("values")
        if isinstance(v, list):
            for o in v[:64]:
                if isinstance(o, str):
                    out.append(o)
                elif isinstance(o, dict):
                    t = _text(o.get("text")) or _text(o.get("label")) or _text(o.get("value"))
                    if t:
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
                elif isinstance(v, list) and k == "attributes":
                    open311_attributes(v, block, out)
                if isinstance(v, (dict, list)):
                    stack.append(v)
        elif isinstance(node, list):
            stack.extend(x for x in node if isinstance(x, (dict, list)))


#: keys of a question object that hold no text a person reads (machine values, logic, styling)
_MACHINE_KEYS = frozenset({*NAME_KEYS, "type", "inputType", "widget", "control", "value", "defaultValue", "default",
                           "validate", "validators", "validation", "conditional", "visibleIf", "enableIf",
                           "requiredIf", "logic", "calculateValue", "customConditional", "className", "css",
                           "customClass", "attributes", "style", "input", "tableView", "persistent", "dataSrc",
                           "url", "href", "src", "image", "imageLink", "mask", "inputMask", "format", "pattern",
                           "datatype", "code", "variable", "order", "required", "ref"})
_OPTION_KEYS = frozenset({"choices", "values", "options", "rateValues", "data", "enum", "enumNames"})
#: nested lists of other questions (read as questions of their own, not as this one's text)
_QUESTION_LISTS = frozenset({"elements", "components", "questions", "templateElements", "pages", "fields",
                             "inputs", "formFields", "form_fields", "controls", "questionnaire", "templateComponents"})
_READABLE = re.compile(r"[^\W\d_]{2,}[\s\S]*?(?:\s|[?？؟])")
_MARKUP_TAG = re.compile(r"<[^<>]{0,400}>")
MAX_TEXTS = 16


def _readable(v: str) -> str | None:
    """A string a person reads (words, not an identifier or a URL), markup read as its text."""
    t = " ".join(_MARKUP_TAG.sub(" ", v).split()) if "<" in v else " ".join(v.split())
    if not t or len(t) > 2000 or t.startswith(("http://", "https://", "/", "{", "data:")):
        return None
    return t if _READABLE.search(t + " ") else None


def readable_texts(item: dict[str, Any]) -> list[str]:
    """Every human-readable text property of a question object (r12f F10, F17): its title/label
    first, then any other text it carries — a Form.io ``tooltip``, a Typeform
    ``properties.description``, a SurveyJS matrix's ``rows[].text`` — nested objects included,
    never the questions nested under it or its choices (read as options)."""
    out = [x for t in TEXT_KEYS if (x := _text(item.get(t)))]
    stack: list[tuple[Any, int]] = [(v, 0) for k, v in item.items()
                                    if k not in _MACHINE_KEYS and k not in _OPTION_KEYS and k not in _QUESTION_LISTS
                                    and k not in TEXT_KEYS]
    seen = 0
    while stack and seen < 256 and len(out) < MAX_TEXTS:
        v, depth = stack.pop(0)
        seen += 1
        if isinstance(v, str):
            t = _readable(v)
            if t:
                out.append(t)
        elif isinstance(v, dict) and depth < 3:
            if any(isinstance(v.get(n), str) for n in NAME_KEYS) and "type" in v:
                continue  # a question of its own
            loc = _text(v) if any(k in v for k in ("default", "en")) else None
            if loc:
                out.append(loc)
                continue
            stack.extend((x, depth + 1) for k, x in v.items() if k not in _MACHINE_KEYS and k not in _OPTION_KEYS
                         and k not in _QUESTION_LISTS)
        elif isinstance(v, list) and depth < 3:
            stack.extend((x, depth + 1) for x in v[:64])
    return list(dict.fromkeys(out))


_BLOCK_TEXT = ("html", "description", "title", "text", "label", "content", "markdown", "statement")


def list_questions(items: list[Any], block: ScriptBlock, out: list[ScriptQuestion], loose: bool = False) -> None:
    """The questions of a list of question objects (``{name|key|id …, title|label …, type}``). A
    nameless text block (a SurveyJS ``html`` element, a Form.io ``content``, a Typeform
    ``statement``) is read as the question of the control after it (r12f F17)."""
    pending: list[str] = []
    pending_items: list[Any] = []
    for item in items:
        if isinstance(item, dict):
            name = next((item[n] for n in NAME_KEYS if isinstance(item.get(n), str) and item[n]), None)
            if not name or (item.get("type") in ("html", "expression", "content", "htmlelement", "statement", "image")
                            and not _options(item)):
                said = [t for k in _BLOCK_TEXT if isinstance(item.get(k), (str, dict)) and (t := _text(item[k]))]
                if said:
                    pending = [_readable(t) or t for t in said][-2:]
                    pending_items = [item]
                continue
            texts = [*pending, *readable_texts(item)]
            if name and (texts or _options(item)) and ("type" in item or loose):
                q = ScriptQuestion(name, " / ".join(dict.fromkeys(texts))[:2000], _options(item), item, items, block)
                q.blocks = pending_items
                out.append(q)
                pending, pending_items = [], []


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
        texts = [x for t in ("title", "description") if (x := _text(prop.get(t)))]
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


GOOGLE_ANSWER_PATHS = ("textAnswers.answers.value", "fileUploadAnswers.answers.fileId",
                       "fileUploadAnswers.answers.fileName")


def _google_items(items: list[Any], block: ScriptBlock, out: list[ScriptQuestion]) -> None:
    """Google Forms API ``items[]``: the question's id is ``questionItem.question.questionId``
    (what a response's ``answers`` are keyed by), its text the item's ``title``."""
    for it in items[:512]:
        if not isinstance(it, dict) or not isinstance(it.get("questionItem"), dict):
            continue
        q = it["questionItem"].get("question")
        if not isinstance(q, dict) or not isinstance(q.get("questionId"), str):
            continue
        texts = [x for t in ("title", "description") if (x := _text(it.get(t)))]
        choice = q.get("choiceQuestion")
        opts = [o.get("value") for o in (choice.get("options") or [])[:64]
                if isinstance(o, dict) and isinstance(o.get("value"), str)] if isinstance(choice, dict) else []
        sq = ScriptQuestion(q["questionId"], " / ".join(texts)[:2000], opts, it, items, block)
        # a response answers it at ``answers.<questionId>.textAnswers.answers[].value`` (r12f F17)
        sq.aliases = tuple(f"answers.{q['questionId']}.{kind}" for kind in GOOGLE_ANSWER_PATHS)
        out.append(sq)


def open311_attributes(attrs: list[Any], block: ScriptBlock, out: list[ScriptQuestion]) -> None:
    """Open311 GeoReport v2 service definition (``GET /services/{code}.json``): each
    ``attributes[]`` entry asks its ``description`` (its choices in ``values[].name``) and is
    answered as ``attribute[CODE]=…`` (r12f F02)."""
    for a in attrs[:512]:
        if not isinstance(a, dict) or not isinstance(a.get("code"), (str, int)) \
                or not ("datatype" in a or "variable" in a or "datatype_description" in a):
            continue
        texts = [x for t in ("description", "datatype_description") if (x := _text(a.get(t)))]
        opts = [str(v.get("name") or v.get("key")) for v in (a.get("values") or [])[:64]
                if isinstance(v, dict) and (v.get("name") or v.get("key"))] if isinstance(a.get("values"), list) else []
        if texts or opts:
            out.append(ScriptQuestion(f"attribute[{a['code']}]", " / ".join(texts)[:2000], opts, a, attrs, block))


def collect_questions(doc: Any, block: ScriptBlock, out: list[ScriptQuestion]) -> None:
    """Every question of a form definition (a parsed JSON document)."""
    _questions(doc, block, out)


def remove_from_definitions(questions: list[ScriptQuestion]) -> None:
    """Remove forbidden questions from the definitions that hold them (a list, or a JSON Schema's
    ``properties`` with its ``required`` entry). A question read from an unreadable definition
    (no ``definition``) withholds its whole script."""
    for q in questions:
        if q.definition is None:
            q.block.withhold = True
        elif isinstance(q.container, dict):
            if q.container.get(q.key) is q.definition:
                del q.container[q.key]
            req = q.schema.get("required") if isinstance(q.schema, dict) else None
            if isinstance(req, list) and q.key in req:
                req[:] = [r for r in req if r != q.key]
            if isinstance(q.ui, dict) and isinstance(q.ui.get(q.key), dict):
                del q.ui[q.key]
        elif any(x is q.definition for x in q.container):
            gone = [q.definition, *q.blocks]  # the text block that asked it goes with it
            q.container[:] = [x for x in q.container if not any(x is g for g in gone)]


_TOKEN = re.compile(r"""[{}\[\]()]|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|`(?:\\.|[^`\\])*`|//[^\n]*|/\*.*?\*/|["'`/]""",
                    re.DOTALL)
#: ``{`` opening an object literal (a key and a colon next), not a block of code
_OBJECT_OPEN = re.compile(r"""\{\s*(?:/\*.*?\*/\s*|//[^\n]*\n\s*)*(?:[A-Za-z_$][\w$]*|"[^"\n]{0,64}"|'[^'\n]{0,64}')\s*:""",
                          re.DOTALL)


_JSON_OPEN = re.compile(r'\{\s*["}]')


def literal_span(text: str, start: int) -> int | None:
    """The end of the JavaScript object literal opening at ``text[start] == "{"``: brackets matched
    outside strings, template literals and comments (a regex tokenizer, bounded to
    ``MAX_LITERAL_CHARS``; None when it does not close or a quote is left open)."""
    depth = 0
    limit = min(len(text), start + MAX_LITERAL_CHARS)
    for m in _TOKEN.finditer(text, start, limit):
        tok = m.group()
        if tok in "{[(" and len(tok) == 1:
            depth += 1
        elif tok in "}])" and len(tok) == 1:
            depth -= 1
            if depth == 0:
                return m.end()
            if depth < 0:
                return None
        elif len(tok) == 1 and tok in "\"'`":
            return None  # an unclosed string
    return None


def _js_object(text: str, start: int, budget: list[int]) -> tuple[Any, int] | None:
    """A JavaScript object literal at ``start`` (unquoted keys, single quotes, trailing commas,
    comments) read with chompjs when it holds form-definition keys: (document, end), or None.
    ``budget``: characters left to tokenize for this script (spent here)."""
    if budget[0] <= 0 or _OBJECT_OPEN.match(text, start) is None:
        return None
    end = literal_span(text, start)
    budget[0] -= (end or min(len(text), start + MAX_LITERAL_CHARS)) - start
    if end is None or not _HINT.search(text[start:end].encode("utf-8", "ignore")):
        return None
    try:
        import chompjs

        doc = chompjs.parse_js_object(text[start:end], loader_kwargs={"strict": False})
    except (ValueError, TypeError, RecursionError, ImportError):
        return None
    return doc, end


def literal_definitions(text: str, block: ScriptBlock, out: list[ScriptQuestion]) -> None:
    """The questions of every JSON or JavaScript object literal in script ``text`` (its spans go in
    ``block``). Bounded: at most ``MAX_CANDIDATES`` literals that hold form keys are parsed, at most
    ``MAX_OPENINGS`` ``{`` looked at, and about four times the script's length tokenized."""
    decoder = json.JSONDecoder()
    pos = 0
    tried = 0
    budget = [4 * len(text) + 4096]
    for _ in range(MAX_OPENINGS):
        if tried >= MAX_CANDIDATES:
            break
        m = _START.search(text, pos)
        if m is None:
            break
        start = m.start(1)
        try:
            if _JSON_OPEN.match(text, start) is None:  # not JSON (a failed decode costs a line count)
                raise ValueError(start)
            doc, end = decoder.raw_decode(text, start)
        except ValueError:
            got = _js_object(text, start, budget)
            if got is None:
                pos = start + 1
                continue
            doc, end = got
        except RecursionError:
            pos = start + 1
            continue
        tried += 1
        if isinstance(doc, dict):
            before = len(out)
            _questions(doc, block, out)
            if len(out) > before:
                block.spans.append((start, end, doc))
                pos = end
                continue
        pos = start + 1  # an object that defines nothing may hold one that does (``{a: f({...})}``)


def unreadable_definitions(text: str, block: ScriptBlock, read: list[ScriptQuestion],
                           asks: Any, names: frozenset[str] | None = None) -> list[ScriptQuestion]:
    """Fail closed on a script whose text cannot be read as a definition: every string literal in
    it (JavaScript escapes undone, ``+`` concatenations joined — ``script_text``) that asks something
    protected (``asks(text) -> bool``) and that no question read from it holds becomes a question of
    its own, whose removal withholds the whole script (2.129.040(b)). A script that holds no
    form-definition keys counts a literal that is a question (ends with a question mark) or that is
    tied to a control of the page (``names``: its names, ids and label keys) — a script that writes
    "Immigration legal help" into a heading is not withheld (r12f F01)."""
    from . import script_text
    from .questions import asks as is_question

    hinted = _HINT.search(text.encode("utf-8", "ignore")) is not None
    known = {q.label for q in read} | {o for q in read for o in q.options}
    known_text = " ".join(known)
    out: list[ScriptQuestion] = []
    last_name = ""

    def keep(lit: Any) -> bool:  # worth a classification: a definition's string, a question, a control's text
        return hinted or is_question(lit.value) or any(names is not None and t in names for t in lit.ties)

    named = hinted or (names is not None and not names.isdisjoint(_WORD.findall(text)))
    lits = script_text.asking_literals(text, asks, keep, tie_all=named)
    if not lits:
        return []
    for lit in lits:
        if lit.value in known_text:
            continue
        on_page = [t for t in lit.ties if names is not None and t in names]
        if not lit.ties:  # the control's name, written before its title (``q("q7", "Are you…?")``)
            for m in _STRING.finditer(text, max(0, lit.start - 200), lit.start):
                if re.fullmatch(r"[A-Za-z_][\w.-]{0,63}", m.group(2).strip()):
                    last_name = m.group(2).strip()
        ties = on_page or lit.ties or ([last_name] if last_name else [])
        key = ties[0] if ties else f"script-form-{len(out) + 1}"
        q = ScriptQuestion(key, lit.value[:2000], [], None, None, block)
        q.ties = ties
        out.append(q)
        if len(out) >= 16:
            break
    return out


def splice_definitions(block: ScriptBlock) -> str:
    """``block``'s text with every definition it holds written again (after removals)."""
    text = block.text
    if any(q_doc is None for _, _, q_doc in block.spans) and block.withhold:
        return WITHHELD_SCRIPT
    for start, end, doc in sorted(block.spans, key=lambda s: s[0], reverse=True):
        if doc is None:
            continue
        dumped = json.dumps(doc, ensure_ascii=False, indent=2).replace("</", "<\\/")
        text = text[:start] + dumped + text[end:]
    return text


def find_script_forms(tree: Any, page_path: str, asks: Any = None,
                      names: frozenset[str] | None = None) -> list[ScriptQuestion]:
    """The questions of every form definition in the page's inline scripts, of any type (a JSON
    data block is read by the page's script). ``asks``: when given, every inline script is read for
    string literals that ask something protected (``unreadable_definitions``; ``names``: the page's
    control names and ids a literal can be tied to)."""
    out: list[ScriptQuestion] = []
    for node in tree.css("script"):
        attrs = node.attributes
        if attrs.get("src"):
            continue
        text = node.text(deep=True) or ""
        if not text or len(text) > MAX_SCRIPT_CHARS:
            continue
        hinted = _HINT.search(text.encode("utf-8", "ignore")) is not None
        if not hinted and asks is None:
            continue
        block = ScriptBlock(node, text)
        before = len(out)
        if hinted:
            literal_definitions(text, block, out)
        if asks is not None:
            withheld = unreadable_definitions(text, block, out[before:], asks, names)
            out.extend(withheld)
            if withheld:
                block.spans.append((0, len(text), None))  # the whole script goes when one goes
        if block.spans:
            targets = [page_path, *([page_path.rstrip("/") + "/*"] if page_path.rstrip("/") else [])]
            for lit in _PATH_LITERAL.findall(text)[:16]:
                if not _ASSET.search(lit) and lit not in targets:
                    targets.append(lit.split("?")[0])
            block.targets = targets
    return out


def named_paths(tree: Any, page_path: str) -> list[str]:
    """The paths a page's scripts can post to: its own path, those under it (``/apply/*``) and the
    paths its inline scripts name (bounded) — never a whole route (r12e F06)."""
    out = [page_path, *([page_path.rstrip("/") + "/*"] if page_path.rstrip("/") else [])]
    for node in tree.css("script")[:64]:
        if node.attributes.get("src"):
            continue
        text = (node.text(deep=True) or "")[:MAX_SCRIPT_CHARS]
        for lit in _PATH_LITERAL.findall(text)[:16]:
            lit = lit.split("?")[0]
            if not _ASSET.search(lit) and lit not in out:
                out.append(lit)
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
