"""Form-builder shapes: where the question a person answered is a *value* of the submission, not
its field name. The question text becomes the label of the answer, exactly like a ``<label>``.

Shapes read (from the builders' documented webhook / API payloads):

* **pairs** — an object with a question key and an answer key:
  ``{"question": "Are you a US citizen?", "answer": "no"}``, JotForm API answers
  (``{"text": "...", "answer": ...}``), SurveyJS ``getPlainData()`` (``{"title", "value"}``),
  Formstack / Elfsight / Salesforce-style key–value lists (``{"name"|"label"|"key"|"field", "value"}``);
* **definitions + answers** — question definitions with an id and a text (Typeform
  ``definition.fields[{id, ref, title}]``, Wufoo ``FieldStructure``, JotForm ``questions``, Google
  Forms ``items[{title, questionItem.question.questionId}]``, Form.io ``components[{key, label}]``,
  Socrata ``columns[{fieldName, name}]``) and answers that refer to them by id (Typeform
  ``answers[{field: {id}}]``, Google ``answers{questionId}``, Wufoo ``Fields[{ID, Value}]``, Form.io
  ``data{key: ...}``, JotForm ``q3_name`` keys);
* **patches** — JSON Patch / SCIM operations, whose ``path`` names the field
  (``{"op": "replace", "path": "/citizenship", "value": "no"}``);
* **pretty strings** — JotForm's ``pretty`` summary ``"Question?:Answer, ..."``.

The pass annotates the view in place: answers get the question as their label and, to strip them,
the whole pair; question texts are marked so they are not read as answers.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from .view import Leaf, Loc, VDict, VList, walk

MAX_LABEL = 500


_SF_SUFFIX = re.compile(r"__(?:c|r|pc|x|mdt|e|b)$", re.IGNORECASE)


@lru_cache(maxsize=16384)
def _k(key: str) -> str:
    """A key as the builders' shapes name it: case, separators and Salesforce custom-object
    suffixes (``Question__c``) folded."""
    return re.sub(r"[\s_\-.]", "", _SF_SUFFIX.sub("", key)).lower()


QUESTION_KEYS = ("question", "questiontext", "questiontitle", "prompt", "label", "fieldlabel", "title", "text",
                 "displayname", "caption", "header", "heading", "name", "fieldname", "field", "key", "attribute",
                 "property", "param", "parameter", "q", "ques", "questionlabel", "item", "itemtitle")
#: keys that hold what the person answered (and nothing else)
STRONG_ANSWER_KEYS = frozenset({"answer", "answers", "response", "responses", "textanswers", "fieldvalue",
                                "answertext", "prettyformat", "displayvalue", "reply", "answervalue",
                                "submittedvalue", "fileuploadanswers", "userresponse", "result"})
#: keys that hold an answer in a pair, but also default values and options in a definition
ANSWER_KEYS = STRONG_ANSWER_KEYS | {"value", "values", "choice", "selected", "selection", "selections", "val", "v",
                                    "a", "ans"}
#: keys that hold an answer in other builders (MS Forms ``content``, a chatbot's ``input``): the
#: question beside them must be question-shaped (``question_shaped``)
WEAK_ANSWER_KEYS = frozenset({"input", "content", "data", "selected", "entry", "fieldvalue", "answered", "output"})
WEAK_QUESTION_KEYS = ("description", "desc", "k", "fieldtitle", "code", "questionname", "labeltext", "heading", "path",
                      "fielddescription")
_NUMBERED = re.compile(r"\d+$")
_FIRST_PERSON = frozenset({"i", "me", "my", "we", "our", "us", "mine", "im", "yo", "mi", "nosotros", "eu", "meu",
                           "minha", "mwen", "nou"})
#: keys that identify a question (definitions, and answers that refer to one)
ID_KEYS = ("questionid", "fieldid", "id", "ref", "qid", "key", "fieldname", "name", "cfname", "uuid", "itemid",
           "componentkey", "apiname", "columnname", "code")
REF_KEYS = frozenset({"questionid", "fieldid", "field", "qid", "ref", "id", "key", "fieldname", "fieldref",
                      "questionref", "itemid", "column", "columnname"})
DEF_TEXT_KEYS = ("title", "label", "question", "questiontext", "text", "prompt", "displayname", "caption", "heading",
                 "description")
#: definition-only keys (a question being described, not answered)
DEF_HINT_KEYS = frozenset({"type", "fieldtype", "required", "options", "choices", "properties", "validations",
                           "questionitem", "datatype", "datatypename", "rendertypename", "inputtype", "widget",
                           "allowmultipleselections", "validate"})
DEF_CONTAINERS = frozenset({"fields", "questions", "items", "components", "elements", "definition", "definitions",
                            "columns", "schema", "pages", "formfields", "questionlist", "fieldstructure", "survey",
                            "attributes", "orderedhumanfields", "itemresponses", "headings"})
META_KEYS = frozenset({"id", "ref", "type", "order", "qid", "questionid", "fieldid", "required", "index", "position",
                       "uuid", "sublabels", "cfname", "hidden", "readonly", "score", "grade", "correct", "createdat",
                       "updatedat", "itemid", "field", "datatype", "fieldtype", "format"})
PATCH_OPS = frozenset({"add", "replace", "test", "copy", "move", "remove"})
_JOTFORM_KEY = re.compile(r"^q(\d+)_(.+)$")
_PRETTY_KEYS = frozenset({"pretty", "prettyformat", "prettyanswers"})
_PRETTY_LABEL = re.compile(r"(?:^|, |\n)([^:,\n]{1,200}?):")


def _str_leaf(node: Any) -> Leaf | None:
    return node if isinstance(node, Leaf) and isinstance(node.value, str) and node.value.strip() else None


def _text_leaf(node: Any) -> Leaf | None:
    """A string leaf that can be a question's text: not a question number in a survey run."""
    lf = _str_leaf(node)
    return None if lf is None or lf.numbered else lf


def _nonempty(leaves: list[Leaf]) -> bool:
    for lf in leaves:
        v = lf.value
        if v is None or v == "" or v == [] or v == {}:
            continue
        return True
    return False


def _label(leaf: Leaf, text: str, source: str, drops: tuple[Loc, ...] | None) -> None:
    text = " ".join(text.split())[:MAX_LABEL]
    if not text:
        return
    leaf.label = f"{leaf.label} / {text}" if leaf.label and text not in leaf.label else (leaf.label or text)
    leaf.label_source = leaf.label_source or source
    if drops is not None and leaf.drops is None:
        leaf.drops = drops


def _drops_of(node: Any) -> tuple[Loc, ...]:
    loc = getattr(node, "loc", None)
    if loc is not None:
        return (loc,)
    return tuple(lf.loc for lf in walk(node))


class _Defs(dict):  # type: ignore[type-arg]
    """Question id -> question text; ``choices``: question id -> the options it offers."""

    def __init__(self) -> None:
        super().__init__()
        self.choices: dict[str, tuple[str, ...]] = {}


# -- the options a question offers -------------------------------------------------------------------
# A question whose options are statuses asks status, whatever its title ("Which describes you?" with
# "U.S. citizen / Permanent resident / Undocumented"). Documented shapes: Google Forms
# ``questionItem.question.choiceQuestion.options[{value}]``, SurveyJS ``choices`` (strings or
# ``{value, text}``, text localizable), Form.io ``values[{label, value}]`` / ``data.values``, JotForm
# ``options: "A|B|C"``, Typeform ``choices[{label}]`` / ``properties.choices``, MS Forms ``choices``.
_CHOICE_KEYS = frozenset({"choices", "options", "answeroptions", "choicelist", "optionlist", "allowedvalues",
                          "enum", "items"})
_CHOICE_TEXT_KEYS = ("text", "label", "title", "displayvalue", "caption", "name", "value")
_CHOICE_PATH = frozenset({"questionitem", "question", "choicequestion", "properties", "data", "attributes",
                          "settings", "validations", "validation", "config"})
MAX_CHOICES = 64


def _choice_list(v: Any, key: str) -> tuple[list[str], list[Leaf]]:
    texts: list[str] = []
    leaves: list[Leaf] = []
    if isinstance(v, Leaf):
        if key == "options" and isinstance(v.value, str) and "|" in v.value:  # JotForm ``"A|B|C"``
            texts = [t.strip() for t in v.value.split("|") if t.strip()][:MAX_CHOICES]
            leaves = [v]
        elif isinstance(v.value, list) and all(isinstance(x, str) for x in v.value):
            texts = [x.strip() for x in v.value if x.strip()][:MAX_CHOICES]
            leaves = [v]
        return texts, leaves
    if not isinstance(v, VList):
        return texts, leaves
    for x in v[:MAX_CHOICES]:
        if isinstance(x, Leaf) and isinstance(x.value, str):
            texts.append(x.value.strip())
            leaves.append(x)
        elif isinstance(x, VDict):
            by = {_k(k): k for k in x}
            got = [lf for ck in _CHOICE_TEXT_KEYS if ck in by and (lf := _str_leaf(x[by[ck]])) is not None]
            if not got:
                return [], []  # not a list of options (a list of records)
            texts.append(" / ".join(dict.fromkeys(lf.value.strip() for lf in got)))  # one option, its texts
            leaves.extend(got)
    return [t for t in texts if t], leaves


def _choices_of(node: VDict, depth: int = 0) -> tuple[list[str], list[Leaf]]:
    """The options a question definition offers (its own, or one level of the builder's nesting
    down: Google's ``questionItem.question.choiceQuestion``), with the leaves that hold them."""
    texts: list[str] = []
    leaves: list[Leaf] = []
    for k, v in node.items():
        kk = _k(k)
        if kk in _CHOICE_KEYS or kk == "values" and isinstance(v, VList) and v and all(isinstance(x, VDict) for x in v):
            t, lv = _choice_list(v, kk)
            texts.extend(t)
            leaves.extend(lv)
        elif isinstance(v, VDict) and depth < 4 and (kk in _CHOICE_PATH or kk.endswith("question")):
            t, lv = _choices_of(v, depth + 1)
            texts.extend(t)
            leaves.extend(lv)
    return texts[:MAX_CHOICES], leaves


def annotate(view: Any) -> int:
    """Label answers with their questions. Returns the number of answers labelled."""
    # pass 1: definitions (id -> question text)
    defs = _Defs()
    nodes: list[tuple[VDict, str | None]] = []  # (node, key of the list that holds it)
    lists: list[VList] = []
    stack: list[tuple[Any, str | None]] = [(view, None)]
    while stack:
        node, list_key = stack.pop()
        if isinstance(node, VDict):
            nodes.append((node, list_key))
            for k, v in node.items():
                if isinstance(v, VList):
                    stack.append((v, k))
                elif isinstance(v, VDict):
                    # definitions keyed by id: ``questions: {"r0c1": {"title": ...}}`` (MS Forms)
                    stack.append((v, None))
                    if _k(k) in DEF_CONTAINERS:
                        for ck, cv in v.items():
                            if isinstance(cv, VDict):
                                texts = [lf.value.strip() for dk in cv if _k(dk) in DEF_TEXT_KEYS
                                         and (lf := _text_leaf(cv[dk])) is not None]
                                if texts:
                                    defs.setdefault(ck, " / ".join(dict.fromkeys(texts))[:MAX_LABEL])
        elif isinstance(node, VList):
            lists.append(node)
            for v in node:
                if isinstance(v, (VDict, VList)):
                    stack.append((v, list_key))
    for node, list_key in nodes:
        _collect_definition(node, list_key, defs)
    # pass 2: answers
    labelled = 0
    for node, _parent_key in nodes:
        labelled += (_typed_named(node) or _pair(node, defs) or _patch(node) or _parallel(node) or _question_mark(node)
                     or _reference(node, defs) or _aligned(node) or _same_id(node) or _shape_pair(node))
        labelled += _keyed_children(node, defs)
        _typeform_answer_ids(node)
        labelled += _label_map(node)
        labelled += _pretty(node)
    labelled += _positional_rows(nodes)
    for lst in lists:
        labelled += _entry_list(lst)
    for node, _ in nodes:
        if node and all(isinstance(v, VDict) and set(v) in ({"0", "1"}, {""}) for v in node.values()):
            # form-encoded ``data[0][0]=name&data[0][1]=value`` / ``pairs[0][]=name&pairs[0][]=value``
            labelled += _entry_list(node)
    return labelled


def _scalar_text(v: Any) -> str | None:
    if isinstance(v, Leaf) and isinstance(v.value, (str, int)) and not isinstance(v.value, bool):
        s = str(v.value).strip()
        return s or None
    return None


def _collect_definition(node: VDict, parent_key: str | None, defs: _Defs) -> None:
    by = {_k(k): k for k in node}
    text_leaves = [lf for k in DEF_TEXT_KEYS if k in by and (lf := _text_leaf(node[by[k]])) is not None]
    if not text_leaves and "name" in by and (lf := _text_leaf(node[by["name"]])) is not None:
        text_leaves = [lf]
    untitled = False
    if not text_leaves:
        # an untitled question (Google Forms ``"title": ""``) still offers its options (r12e F05):
        # its id is remembered with no text, so its answers carry the options
        untitled = any(k in by and isinstance(node[by[k]], Leaf) and isinstance(node[by[k]].value, str)
                       and not node[by[k]].value.strip() for k in DEF_TEXT_KEYS)
        if not untitled or not _choices_of(node)[0]:
            return
    in_container = parent_key is not None and _k(parent_key) in DEF_CONTAINERS
    hinted = bool(set(by) & DEF_HINT_KEYS)
    paired = any(_answer_key(k) for k in by)
    if not (in_container or hinted or paired):
        return
    text = "" if untitled else " / ".join(dict.fromkeys(lf.value.strip() for lf in text_leaves))[:MAX_LABEL]
    ids = [t for k in ID_KEYS if k in by and (t := _scalar_text(node[by[k]])) is not None]
    # Google Forms: items[{title, questionItem: {question: {questionId}}}]
    for sub in node.values():
        if isinstance(sub, VDict):
            for sub2 in (sub, *[x for x in sub.values() if isinstance(x, VDict)]):
                for k, v in sub2.items():
                    if _k(k) == "questionid" and (t := _scalar_text(v)) is not None:
                        ids.append(t)
    for i in ids:
        if i != text:
            defs.setdefault(i, text)
    if not (in_container or hinted):
        return
    choices, option_leaves = _choices_of(node)
    if choices:
        offered = tuple(dict.fromkeys(choices))
        for i in ids:
            defs.choices.setdefault(i, offered)
        for lf in text_leaves:
            lf.choices = lf.choices or offered
        for lf in option_leaves:  # what the form offers, not what the person said
            if lf.role == "answer":
                lf.role = "question"
    if in_container and hinted and not _nonempty([lf for k in STRONG_ANSWER_KEYS if k in by
                                                  for lf in walk(node[by[k]])]):
        # a question definition (a form being built, or sent along with its answers): it asks
        drops = _drops_of(node)
        for lf in text_leaves:
            if lf.role == "answer":
                lf.role = "definition"
                lf.drops = drops


def _answer_key(k: str) -> bool:
    """``answer``, ``answer1`` (MS Forms / Power Automate number the answers), ``input`` ..."""
    return k in ANSWER_KEYS or k in WEAK_ANSWER_KEYS or _NUMBERED.sub("", k) in ANSWER_KEYS


def question_shaped(text: str) -> bool:
    """A text that reads as a question or a field's name: it ends with ?/:, or it is short and
    nobody speaks in it (not "I am undocumented and need help")."""
    t = text.strip()
    if not t:
        return False
    if t.endswith(("?", ":", "？", "؟", "：")):
        return True
    words = re.findall(r"\w+", t.lower())
    if set(words) & _FIRST_PERSON or _speaks_of_self(t):
        return False  # a person's own words ("Je suis sans papiers", "N ka ten papel"), in any language
    if 0 < len(words) <= 8:
        return True
    # a longer text that speaks to the person is a question, with or without its mark (Vietnamese
    # "Bạn có phải là công dân Hoa Kỳ không", a yes/no question that ends in a particle)
    return len(words) <= MAX_ADDRESSED_WORDS and _addresses_the_person(t)


MAX_ADDRESSED_WORDS = 20


@lru_cache(maxsize=8192)
def _addresses_the_person(text: str) -> bool:
    from ..normalize import tokens
    from .lookalikes import _occurrences, vocab

    from .statements import first_person_words

    words = tuple(tokens(text))
    mine = first_person_words()  # "mon", "nha", "我的" speak of oneself in their languages (fr "mon
    # statut", kea "nha patron"; and kea "nha" is inside Vietnamese "chủ nhà"): not the reader addressed
    return any(p.words[0] not in _FIRST_PERSON and " ".join(p.words) not in mine and p.words[0] not in mine
               for _, _, p in _occurrences(vocab().addressed, words))


def _speaks_of_self(text: str) -> bool:
    from .statements import speaks_of_self

    return speaks_of_self(text)


_NESTED_Q = frozenset({"item", "question", "field", "headings", "heading", "prompt", "title", "label"})


def _nested_question(node: VDict, by: dict[str, str], answer_keys: list[str]) -> list[Leaf]:
    """The question one level down: Apps Script ``{"item": {"title": Q}, "response": ...}``,
    SurveyMonkey ``{"headings": [{"heading": Q}], "answers": [...]}``."""
    out: list[Leaf] = []
    for k, orig in by.items():
        if k not in _NESTED_Q or orig in answer_keys:
            continue
        v = node[orig]
        subs = [v] if isinstance(v, VDict) else [x for x in v if isinstance(x, VDict)] if isinstance(v, VList) else []
        for sub in subs[:4]:
            for sk, sv in sub.items():
                if _k(sk) in DEF_TEXT_KEYS and (lf := _text_leaf(sv)) is not None and question_shaped(lf.value):
                    out.append(lf)
                    break
    return out


def _pair(node: VDict, defs: dict[str, str]) -> int:
    by = {_k(k): k for k in node}
    answer_keys = [by[k] for k in by if _answer_key(k)]
    if not answer_keys:
        return 0
    qkeys = tuple(k for k in QUESTION_KEYS + WEAK_QUESTION_KEYS if k in by and by[k] not in answer_keys)
    nested = _nested_question(node, by, answer_keys)
    q_leaves = nested or [lf for k in qkeys if (lf := _text_leaf(node[by[k]])) is not None
                and (k in QUESTION_KEYS and _k(by[k]) in ANSWER_KEYS | STRONG_ANSWER_KEYS or question_shaped(lf.value)
                     or k in QUESTION_KEYS and not any(_k(a) in WEAK_ANSWER_KEYS or _k(a) not in ANSWER_KEYS
                                                       for a in answer_keys))]
    if not q_leaves:
        return 0
    answers = [lf for k in answer_keys for lf in walk(node[k])]
    if not _nonempty(answers):
        return 0
    text = " / ".join(dict.fromkeys(lf.value.strip() for lf in q_leaves))
    # a question key holding an id that a definition names: use the definition's text too
    for lf in q_leaves:
        if lf.value.strip() in defs:
            text = f"{text} / {defs[lf.value.strip()]}"
    offered = tuple(dict.fromkeys(_choices_of(node)[0]))  # JotForm ``{"text", "options", "answer"}``
    drops = _drops_of(node)
    for lf in q_leaves:
        lf.role = "question"
        if lf.drops is None:
            lf.drops = drops
    for lf in answers:
        _label(lf, text, "a form-builder question", drops)
        lf.choices = lf.choices or offered
    return len(answers)


def _question_mark(node: VDict) -> int:
    """A small object whose generic-keyed string ends with "?" (``{"q": "Are you a US citizen?",
    "x": "no"}``): that string is the question of the object's other values."""
    from .subjects import subject_of

    leaves = [(k, v) for k, v in node.items() if isinstance(v, Leaf)]
    if not 2 <= len(leaves) <= 4 or len(leaves) != len(node):
        return 0
    qs = [(k, v) for k, v in leaves if isinstance(v.value, str) and v.value.strip().endswith(("?", "？", "؟"))
          and len(v.value) >= 6 and subject_of(k, "") == "generic" and v.role == "answer"]
    if len(qs) != 1:
        return 0
    qk, q = qs[0]
    answers = [v for k, v in leaves if k != qk and v.role == "answer"]
    if not _nonempty(answers):
        return 0
    drops = _drops_of(node)
    q.role = "question"
    q.drops = q.drops or drops
    for lf in answers:
        _label(lf, q.value.strip(), "a question in the submission", drops)
    return len(answers)


def _parallel(node: VDict) -> int:
    """Parallel lists: ``field=grade&field=parent_citizenship&value=3&value=...`` — the i-th name
    labels the i-th value."""
    by = {_k(k): k for k in node}
    qk = next((by[k] for k in QUESTION_KEYS if k in by), None)
    ak = next((by[k] for k in by if k in ANSWER_KEYS and by[k] != qk), None)
    if qk is None or ak is None:
        return 0
    q, a = node[qk], node[ak]
    if not (isinstance(q, Leaf) and isinstance(a, Leaf) and isinstance(q.value, list) and isinstance(a.value, list)):
        return 0
    if len(q.value) != len(a.value) or not q.value or not all(isinstance(x, str) for x in q.value):
        return 0
    q.role = "question"
    a.role = "skip"
    parts = []
    for i, (qt, av) in enumerate(zip(q.value, a.value)):
        drops = (a.loc + (i,), q.loc + (i,))
        lf = Leaf(av, a.loc + (i,), f"{a.path}[{i}]", a.key_path, origin=a.origin, label=str(qt)[:MAX_LABEL],
                  label_source="a name sent alongside it", drops=drops, editable=a.editable)
        parts.append(lf)
    seg = VList(parts)
    seg.loc = None
    seg.path = a.path
    node[f"{ak}\x00parallel"] = seg
    return len(parts)


def _patch(node: VDict) -> int:
    by = {_k(k): k for k in node}
    op = node.get(by.get("op", "")) if "op" in by else None
    path = node.get(by["path"]) if "path" in by else None
    if not (isinstance(op, Leaf) and isinstance(op.value, str) and op.value.lower() in PATCH_OPS):
        return 0
    if not (isinstance(path, Leaf) and isinstance(path.value, str)):
        return 0
    text = path.value.replace("~1", "/").replace("~0", "~").strip("/").replace("/", " ")
    if isinstance(node.get(by.get("from", "")), Leaf):
        text += " " + str(node[by["from"]].value).replace("/", " ")
    path.role = "question"
    op.role = "question"
    drops = _drops_of(node)
    answers = [lf for k in by if k not in ("op", "path", "from") for lf in walk(node[by[k]])]
    if not answers:  # remove / a patch with no value: the path itself is what is touched
        path.role = "definition"
        path.drops = drops
        return 1
    for lf in answers:
        _label(lf, text, "a JSON Patch path", drops)
    return len(answers)


def _reference(node: VDict, defs: dict[str, str]) -> int:
    if not defs:
        return 0
    refs: list[str] = []
    for k, v in node.items():
        kk = _k(k)
        if kk in REF_KEYS:
            if (lf := _str_leaf(v)) is not None:
                refs.append(lf.value.strip())
            elif isinstance(v, Leaf) and isinstance(v.value, int):
                refs.append(str(v.value))
            elif isinstance(v, VDict):  # Typeform: "field": {"id": ..., "ref": ...}
                for k2, v2 in v.items():
                    if _k(k2) in REF_KEYS and (lf2 := _str_leaf(v2)) is not None:
                        refs.append(lf2.value.strip())
    texts = [defs[r] for r in refs if r in defs]
    if not texts:
        return 0
    typed = next((lf.value for k, v in node.items() if _k(k) == "type" and (lf := _str_leaf(v)) is not None), None)
    if not (isinstance(typed, str) and typed in node) and \
            any(_k(k) in DEF_TEXT_KEYS and _str_leaf(v) is not None for k, v in node.items()):
        return 0  # the node has its own question text: it is the definition, not an answer to it
    # (Typeform: ``{"type": "text", "text": "no", "field": {...}}`` — ``type`` names the answer's key)
    text = " / ".join(dict.fromkeys(texts))
    offered = tuple(c for r in refs for c in defs.choices.get(r, ()))
    drops = _drops_of(node)
    answers = [lf for k, v in node.items() if _k(k) not in META_KEYS and _k(k) not in REF_KEYS
               and not isinstance(v, VList) for lf in walk(v)]
    for lf in answers:
        _label(lf, text, "a form-builder question", drops)
        lf.choices = lf.choices or offered
    return len(answers)


_NAME_KEYS = ("key", "name", "fieldname", "variable", "varname")


def _typed_named(node: VDict) -> int:
    """A value named by its own key and typed by ``type``: Typeform ``variables`` / ``hidden``
    ``{"key": "citizenship", "type": "text", "text": "no"}`` (r12f F11) — the key is the value's field
    name (read like a flat key), the ``type`` names the slot holding the value."""
    typed = next((lf.value for k, v in node.items() if _k(k) == "type" and (lf := _str_leaf(v)) is not None), None)
    if not isinstance(typed, str) or typed not in node:
        return 0
    name = next((lf.value.strip() for k, v in node.items() if _k(k) in _NAME_KEYS
                 and (lf := _str_leaf(v)) is not None and _ENTRY_NAME.match(lf.value.strip())), None)
    if not name:
        return 0
    drops = _drops_of(node)
    n = 0
    for lf in walk(node[typed]):
        if lf.role != "answer":
            continue
        lf.key_path = f"{lf.key_path}.{name}" if lf.key_path else name
        lf.drops = lf.drops or drops
        n += 1
    return n


def _typeform_answer_ids(node: VDict) -> None:
    """Typeform responses: ``{"type": "text", "text": "no", "field": {"id": "f7", "ref": …}}`` —
    the answer is read under its field's id too, so a question the served definition asked under
    that id is known though the response carries no definition (r12f F17)."""
    typed = next((lf.value for k, v in node.items() if _k(k) == "type" and (lf := _str_leaf(v)) is not None), None)
    field = node.get("field")
    if not isinstance(typed, str) or typed not in node or not isinstance(field, VDict):
        return
    ref = next((lf.value.strip() for k in ("id", "ref") if (lf := _str_leaf(field.get(k))) is not None
                and 0 < len(lf.value.strip()) <= 64), None)
    if ref is None:
        return
    for lf in walk(node[typed]):
        if lf.role == "answer" and lf.key_path and not lf.key_path.endswith("." + ref):
            if lf.read_name is None:
                lf.read_name = lf.key_path  # the id is for the page's map, not read as a name
            lf.key_path = f"{lf.key_path}.{ref}"


def _keyed_children(node: VDict, defs: dict[str, str]) -> int:
    """``answers: {"<questionId>": {...}}``, Form.io ``data: {"<key>": ...}``."""
    if not defs:
        return 0
    n = 0
    for k, v in node.items():
        text = defs.get(k)
        if text is None and "/" in k:  # ODK/Kobo: ``group_a/q7``
            text = defs.get(k.rsplit("/", 1)[1])
        if text is None and k.endswith("]") and "[" in k:  # Open311: ``attribute[cit]``
            text = defs.get(k[k.rfind("[") + 1:-1])
        if text is None:
            m = _JOTFORM_KEY.match(k)
            if m is not None:
                text = defs.get(m.group(1)) or defs.get(m.group(2))
        if text is None or isinstance(v, Leaf) and v.role != "answer":
            continue
        drops = _drops_of(v) if not isinstance(v, Leaf) else None
        offered = defs.choices.get(k, ())
        for lf in walk(v):
            if lf.role == "answer":
                _label(lf, text, "a form-builder question", drops)
                lf.choices = lf.choices or offered
                n += 1
    return n


def _pretty(node: VDict) -> int:
    """JotForm ``pretty``: ``"Full Name:Jane Doe, Are you a US citizen?:No"`` — read each
    ``question:answer`` segment as a labelled answer (the whole string is stripped if one is)."""
    n = 0
    for k, v in list(node.items()):
        if _k(k) not in _PRETTY_KEYS or not isinstance(v, Leaf) or not isinstance(v.value, str):
            continue
        text = v.value
        labels = list(_PRETTY_LABEL.finditer(text))[:200]
        if not labels:
            continue
        v.role = "skip"
        parts: list[Leaf] = []
        for i, m in enumerate(labels):
            q = m.group(1)
            nxt = labels[i + 1].start() if i + 1 < len(labels) else len(text)
            a_start, a_end = m.end(), nxt
            while a_start < a_end and text[a_start] == " ":
                a_start += 1
            seg_start = m.start(1) if i == 0 else m.start()  # a later segment takes its ", " with it
            seg_end = nxt
            if i == 0 and i + 1 < len(labels):  # the first one takes the separator after it
                seg_end = labels[1].start(1)
            # the same answers sit elsewhere in the body under opaque keys: cutting or rewriting the
            # summary is done on its text (``within``), the opaque copy is read on its own
            lf = Leaf(text[a_start:a_end], v.loc, f"{v.path}[{i}]", v.key_path, origin="embedded",
                      label=q.strip()[:MAX_LABEL], label_source="a question:answer summary",
                      within=(v.loc, text, a_start, a_end, seg_start, seg_end))
            parts.append(lf)
        seg_list = VList(parts)
        seg_list.loc = None
        seg_list.path = v.path
        node[f"{k}\x00segments"] = seg_list
        n += len(parts)
    return n


_PLURAL = {"questions": "question", "answers": "answer", "fields": "field", "values": "value", "labels": "label",
           "headers": "header", "headings": "heading", "names": "name", "keys": "key", "responses": "response",
           "titles": "title", "columns": "column", "prompts": "prompt", "texts": "text", "rows": "row",
           "data": "data", "vals": "val", "items": "item"}
_ALIGNED_Q = frozenset({"question", "field", "label", "header", "heading", "name", "key", "title", "column", "prompt",
                        "text", "item", "k", "fieldname", "questiontext"})
_ALIGNED_A = frozenset({"answer", "value", "response", "row", "data", "val", "v", "input", "result", "reply"})


def _unwrap(node: Any) -> Any:
    """``field[]`` arrives as ``{"field": {"": [...]}}``."""
    if isinstance(node, VDict) and len(node) == 1 and "" in node:
        return node[""]
    return node


def _fold_plural(k: str) -> str:
    kk = _k(k)
    return _PLURAL.get(kk, kk)


def _aligned(node: VDict) -> int:
    """Parallel containers: ``questions: [Q, ...]`` beside ``answers: ["no", ...]``, ``questions[7]``
    beside ``answers[7]``, ``headers: [..Q]`` beside ``rows: [[.., "no"]]`` — the question at a
    position labels the answer at the same position."""
    qs = [(k, _unwrap(v)) for k, v in node.items() if _fold_plural(k) in _ALIGNED_Q]
    ans = [(k, _unwrap(v)) for k, v in node.items() if _fold_plural(k) in _ALIGNED_A]
    n = 0
    for qk, q in qs:
        for ak, a in ans:
            if ak == qk:
                continue
            n += _align(q, a, node, ak)
    return n


def _texts(q: Any) -> dict[Any, Leaf] | None:
    if isinstance(q, VList):
        out = {i: lf for i, x in enumerate(q) if (lf := _str_leaf(x)) is not None}
        return out if len(out) == len(q) else None
    if isinstance(q, VDict):
        out = {k: lf for k, x in q.items() if (lf := _str_leaf(x)) is not None}
        return out if out and len(out) == len(q) else None
    return None


def _split(node: VDict, q: Leaf, a: Leaf, tag: str) -> int:
    """The i-th text of ``q`` labels the i-th value of ``a`` (both lists held in one leaf each)."""
    if not (isinstance(a.value, list) and len(a.value) == len(q.value)) or a.role != "answer":
        return 0
    a.role = "skip"
    q.role = "question"
    parts = []
    for i, (qt, av) in enumerate(zip(q.value, a.value)):
        drops = (a.loc + (i,), q.loc + (i,)) if a.loc is not None and q.loc is not None else None
        parts.append(Leaf(av, a.loc + (i,), f"{a.path}[{i}]", a.key_path, origin=a.origin,
                          label=str(qt)[:MAX_LABEL], label_source="a question at the same position", drops=drops,
                          editable=a.editable))
    seg = VList(parts)
    seg.loc = None
    seg.path = a.path
    node[f"{tag}\x00aligned{len(node)}"] = seg
    return len(parts)


def _align_leaf(node: VDict, q: Leaf, a: Any, tag: str) -> int:
    if isinstance(q.value, str) and isinstance(a, Leaf) and not isinstance(a.value, list) and q.role == "answer" \
            and a.role == "answer" and not q.numbered and question_shaped(q.value):  # ``field[]=Q&value[]=no``, one of each
        q.role = "question"
        drops = (a.loc, q.loc) if a.loc is not None and q.loc is not None else None
        q.drops = q.drops or drops
        _label(a, q.value, "a question at the same position", drops)
        return 1
    if not (isinstance(q.value, list) and q.value and all(isinstance(x, str) for x in q.value)):
        return 0
    if isinstance(a, Leaf):
        return _split(node, q, a, tag)
    if isinstance(a, VList) and a and all(isinstance(r, Leaf) for r in a):  # header row + data rows
        if not all(isinstance(r.value, list) and len(r.value) == len(q.value) for r in a):
            return 0
        return sum(_split(node, q, r, tag) for r in a)
    return 0


def _align(q: Any, a: Any, node: VDict | None = None, tag: str = "") -> int:
    if isinstance(q, Leaf):
        return _align_leaf(node, q, a, tag) if node is not None else 0
    texts = _texts(q)
    if not texts:
        return 0
    n = 0
    if isinstance(a, VList) and isinstance(q, VList) and a and all(isinstance(r, VList) for r in a):
        # header row + data rows
        for row in a:
            if len(row) != len(q):
                return n
        for row in a:
            for i, cell in enumerate(row):
                if i in texts:
                    for lf in walk(cell):
                        _label(lf, texts[i].value, "a header of its column", None)
                        n += 1
        for t in texts.values():
            t.role = "question"
        return n
    if isinstance(a, VList) and isinstance(q, VList):
        if len(a) != len(q):
            return 0
        pairs = [(texts[i], a[i]) for i in range(len(a)) if i in texts]
    elif isinstance(a, VDict) and isinstance(q, VDict):
        pairs = [(texts[k], a[k]) for k in a if k in texts]
    else:
        return 0
    for t, av in pairs:
        drops = tuple({*_drops_of(av), *((t.loc,) if t.loc is not None else ())})
        got = 0
        for lf in walk(av):
            _label(lf, t.value, "a question at the same position", drops)
            got += 1
        if got:
            t.role = "question"
            if t.drops is None:
                t.drops = drops
        n += got
    return n


_ID_WORDS = frozenset({"q", "question", "questions", "label", "labels", "title", "prompt", "caption", "text",
                       "answer", "answers", "ans", "response", "value", "val", "a", "field", "input"})
_Q_WORDS = frozenset({"question", "questions", "label", "labels", "title", "prompt", "caption", "text"})


def _same_id(node: VDict) -> int:
    """Siblings that share an id: ``label_7`` + ``q7``, ``q7_question`` + ``q7_answer``."""
    from ..normalize import tokens

    by_id: dict[tuple[str, ...], list[tuple[bool, Leaf]]] = {}
    for k, v in node.items():
        if not isinstance(v, Leaf) or v.role != "answer":
            continue
        toks = tokens(k)
        rest = tuple(t for t in toks if t not in _ID_WORDS)
        if not rest or not any(t.isdigit() for t in rest) and len(toks) == len(rest):
            continue
        by_id.setdefault(rest, []).append((any(t in _Q_WORDS for t in toks), v))
    n = 0
    for members in by_id.values():
        qs = [lf for is_q, lf in members if is_q and isinstance(lf.value, str) and not lf.numbered
              and question_shaped(lf.value)]
        ans = [lf for is_q, lf in members if not is_q]
        if len(qs) != 1 or not ans:
            continue
        q = qs[0]
        drops = (q.loc, *(a.loc for a in ans))
        q.role = "question"
        q.drops = q.drops or drops
        for lf in ans:
            _label(lf, q.value, "a question sent beside it", (lf.loc, q.loc))
            n += 1
    return n


_ASKING_MARKS = ("?", ":", "？", "؟", "：")


_ENTRY_NAME = re.compile(r"^[^\W\d][\w.\[\]:/-]{0,127}$")


def _entry(item: Any) -> tuple[Leaf | None, str, Any] | None:
    """One ``[name, value]`` entry: (the leaf holding the name, when it is its own leaf; the name;
    the value: a leaf, or the value inside a two-item list leaf)."""
    if isinstance(item, Leaf) and isinstance(item.value, list) and len(item.value) == 2 and item.role == "answer":
        qv = item.value[0]
        return (None, qv.strip(), item) if isinstance(qv, str) and qv.strip() else None
    if isinstance(item, VList) and len(item) == 2:
        q, a = item
        q = _str_leaf(q)
        if q is not None and q.role == "answer" and isinstance(a, Leaf):
            return (q, q.value.strip(), a)
    if isinstance(item, VDict) and set(item) == {""}:  # ``pairs[0][]=name&pairs[0][]=value`` (jQuery.param, qs)
        return _entry(item[""])
    if isinstance(item, VDict) and set(item) == {"0", "1"}:  # ``data[0][0]=name&data[0][1]=value``
        q = _str_leaf(item["0"])
        if q is not None and q.role == "answer" and isinstance(item["1"], Leaf):
            return (q, q.value.strip(), item["1"])
    return None


def _entry_list(node: Any) -> int:
    """Name/value entries: ``[["citizenship", "no"], ["name", "Ana"]]`` (``[...formData]``,
    ``Object.entries``, ``URLSearchParams``, a Python ``list(form.items())``) or ``[["Are you a US
    citizen?", "no"]]``: the first item names (a field's name) or asks (a question's text) the second.
    A name becomes the value's field name (read like a flat key, survey numbering included), a
    question's text its label."""
    items = list(node.values()) if isinstance(node, VDict) else list(node)
    entries = [_entry(x) for x in items]
    whole = bool(entries) and all(e is not None for e in entries)
    n = 0
    for item, e in zip(items, entries):
        if e is None:
            continue
        q, name, a = e
        asks = name.endswith(_ASKING_MARKS)
        named = _ENTRY_NAME.match(name) is not None
        if not (asks or whole and (named or question_shaped(name))):
            continue
        if not whole and not asks and not (len(items) == 1 and named):
            continue
        if q is None:  # ``["citizenship", "no"]`` held in one leaf
            pair = a
            if pair.loc is None:
                continue
            pair.role = "skip"
            a = Leaf(pair.value[1], pair.loc + (1,), f"{pair.path}[1]", pair.key_path, origin=pair.origin,
                     drops=(pair.loc,), editable=pair.editable)
            node.append(a) if isinstance(node, VList) else node.__setitem__(f"{len(node)}\x00entry", a)
            drops: tuple[Loc, ...] = (pair.loc,)
        else:
            loc = getattr(item, "loc", None)
            drops = (loc,) if loc is not None else (q.loc, a.loc)
            q.role = "question"
            q.drops = q.drops or drops
        if a.role != "answer":
            continue
        if named and not asks:
            a.key_path = f"{a.key_path}.{name}" if a.key_path else name
            a.drops = a.drops or drops
        else:
            _label(a, name, "a question:answer pair", drops)
        n += 1
    return n


_MAP_WORDS = ("label", "question", "title", "heading", "caption", "prompt")


def _label_map(node: VDict) -> int:
    """A map of labels beside the answers it names: Zoho ``{"Dropdown": "No", "field_labels":
    {"Dropdown": Q}}``."""
    n = 0
    for k, v in node.items():
        if not isinstance(v, VDict) or not any(w in _k(k) for w in _MAP_WORDS):
            continue
        for ck, cv in v.items():
            if ck == k or ck not in node or (lf := _str_leaf(cv)) is None:
                continue
            target = node[ck]
            if isinstance(target, VDict) and any(w in _k(ck) for w in _MAP_WORDS):
                continue
            drops = (*_drops_of(target), *((lf.loc,) if lf.loc is not None else ()))
            for a in walk(target):
                if a.role == "answer" and a is not lf:
                    _label(a, lf.value, "a label map beside it", drops)
                    n += 1
    return n


def _positional_rows(nodes: list[tuple[VDict, str | None]]) -> int:
    """Socrata-style rows: ``columns: [{fieldName, name: Q}]`` somewhere in the body and ``data:
    [["No"]]`` — the i-th cell of a row answers the i-th column."""
    columns: list[list[str]] = []
    for node, _ in nodes:
        for k, v in node.items():
            if _k(k) == "columns" and isinstance(v, VList) and v and all(isinstance(c, VDict) for c in v):
                texts = []
                for c in v:
                    t = next((lf.value for dk in c if _k(dk) in DEF_TEXT_KEYS + ("name",)
                              and (lf := _str_leaf(c[dk])) is not None), None)
                    texts.append(t or "")
                columns.append(texts)
    if not columns:
        return 0
    n = 0
    for node, _ in nodes:
        for k, v in list(node.items()):
            if _k(k) not in ("data", "rows") or not isinstance(v, VList):
                continue
            for row in v:
                if not (isinstance(row, Leaf) and isinstance(row.value, list)) or row.role != "answer":
                    continue
                cols = next((c for c in columns if len(c) == len(row.value)), None)
                if cols is None:
                    continue
                q = Leaf(list(cols), row.loc, row.path, row.key_path, role="question")
                n += _split(node, q, row, k)
    return n


# -- a pair by its shape ---------------------------------------------------------------------------
# A builder names its answer as it likes (``userAnswer``, ``option``, ``submitted``, ``text``): the
# pair is its shape — a question's text under a key that holds questions, beside one other value.
# Keys that only ever hold a question's text: any other value beside one is its answer.
_QUESTION_ONLY_WORDS = frozenset({"question", "questions", "ques", "qn", "prompt", "label", "labels", "pregunta",
                                  "pergunta", "kesyon"})
# Keys that name a record as often as a question (``title``, ``name``, ``id``): the text must ask
# (a question mark, a colon, the person addressed), or the other key must say it holds an answer.
_RECORD_NAME_KEYS = frozenset({"title", "name", "heading", "header", "caption", "text", "displayname", "fieldname",
                               "field", "key", "id", "description", "desc", "item", "itemtitle", "attribute",
                               "property", "param", "parameter", "code", "path", "k", "fieldtitle", "fieldlabel",
                               "questionname"})
_ANSWER_WORDS = frozenset({"answer", "answers", "answered", "ans", "response", "responses", "reply", "replies",
                           "respond", "option", "options", "opt", "choice", "choices", "chosen", "choose", "select",
                           "selected", "selection", "selections", "submit", "submitted", "submission", "input",
                           "entry", "entered", "value", "values", "val", "result", "results", "text", "data",
                           "content", "user", "pick", "picked", "checked", "filled", "given", "provided", "output",
                           "respuesta", "resposta", "repons"})
_PAIR_META = META_KEYS | DEF_HINT_KEYS | frozenset({"timestamp", "time", "lang", "language", "locale", "sequence",
                                                    "seq", "version", "placeholder", "hint", "help", "helptext",
                                                    "tooltip", "default", "defaultvalue"})


@lru_cache(maxsize=8192)
def _key_words(key: str) -> tuple[str, ...]:
    from ..normalize import tokens

    return tuple(tokens(_SF_SUFFIX.sub("", key)))


@lru_cache(maxsize=8192)
def _question_key(key: str) -> str | None:
    """``only`` (the key holds questions), ``record`` (a record's name or a question) or None."""
    words = _key_words(key)
    if words and (set(words) & _QUESTION_ONLY_WORDS or _k(key) == "q"):
        return "only"
    if _k(key) in _RECORD_NAME_KEYS or _k(key) in QUESTION_KEYS or _k(key) in WEAK_QUESTION_KEYS:
        return "record"
    return None


def _asks(text: str) -> bool:
    t = text.strip()
    return t.endswith(("?", ":", "？", "؟", "：")) or _addresses_the_person(t)


def _answer_node(v: Any) -> list[Leaf] | None:
    """The other value of a pair: a scalar or a list of them, or a small object of scalars
    (Typeform's ``{"label": "No"}``)."""
    if isinstance(v, Leaf):
        return [v] if v.role == "answer" else None
    if isinstance(v, VDict) and 0 < len(v) <= 4 and all(isinstance(x, Leaf) and x.role == "answer"
                                                        for x in v.values()):
        return list(v.values())
    return None


def _shape_pair(node: VDict) -> int:
    """``{"question": Q, "userAnswer": "No"}``, ``{"title": Q, "text": "No"}``, ``{"fieldLabel": Q,
    "option": "No"}``: a question-shaped text under a question's key, beside one other value."""
    if not 2 <= len(node) <= 12:
        return 0
    questions: list[tuple[tuple[int, ...], str, Leaf]] = []
    others: list[tuple[str, Any]] = []
    for k, v in node.items():
        kind = _question_key(k)
        lf = _text_leaf(v)
        if kind is not None and lf is not None and lf.role in ("answer", "definition") \
                and question_shaped(lf.value) and re.search(r"[^\W\d_]", lf.value):
            # the question: one that asks first, then a key that only holds questions, then one that
            # is not an id (``id``, ``key``), ``text`` (JotForm's and Typeform's answer) last
            rank = (0 if _asks(lf.value) else 1, 0 if kind == "only" else 1, 1 if _k(k) in _PAIR_META else 0,
                    1 if _k(k) == "text" else 0)
            questions.append((rank + (len(questions),), k, lf))
        elif _k(k) in _PAIR_META and not (kind is not None and lf is not None):
            continue
        else:
            others.append((k, v))
    if not questions:
        return 0
    questions.sort(key=lambda x: x[0])
    _, qk, q = questions[0]
    rest = [(k, lf) for _, k, lf in questions[1:] if _k(k) not in _PAIR_META] + others
    if len(rest) != 1:
        return 0
    ak, av = rest[0]
    answers = _answer_node(av)
    if not answers or not _nonempty(answers):
        return 0
    if _question_key(qk) != "only" and not _asks(q.value) and not (set(_key_words(ak)) & _ANSWER_WORDS):
        return 0  # ``{"title": "Citizenship Test Study Guide", "branch": "Central"}``: a record
    drops = _drops_of(node)
    if q.role == "answer":
        q.role = "question"
        q.drops = q.drops or drops
    for lf in answers:
        _label(lf, q.value.strip(), "a form-builder question", drops)
    return len(answers)
