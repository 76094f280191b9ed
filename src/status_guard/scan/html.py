"""HTML, Jinja and Django templates: form controls with their labels and options.

Templates are parsed as HTML (selectolax/lexbor) without rendering them: template tags are
text to the parser, and are cut out of names and labels before classification (a translated
label ``{{ _("Estatus migratorio") }}`` keeps its literal). selectolax gives no positions, so the
n-th ``<input>`` node is matched to the n-th ``<input`` tag in the source (comments, scripts and
styles blanked first) and checked against its name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .findings import Candidate, Kind
from .markup import normalise_markup
from .positions import LineIndex

CONTROL_TAGS = ("input", "select", "textarea")
_SKIP_INPUT_TYPES = frozenset({"submit", "button", "reset", "image"})
_CHOICE_TYPES = frozenset({"radio", "checkbox"})
_TAG_RE = re.compile(r"<(input|select|textarea)\b", re.IGNORECASE)
_BLANK_RE = re.compile(
    r"<!--.*?-->|\{#.*?#\}|(<script\b[^>]*>).*?(</script\s*>)|(<style\b[^>]*>).*?(</style\s*>)",
    re.IGNORECASE | re.DOTALL,
)
_I18N_RE = re.compile(r"""\{\{-?\s*(?:_|gettext|trans|t|translate)\(\s*(['"])(.*?)\1\s*[,)].*?-?\}\}""", re.DOTALL)
_TRANS_BLOCK_RE = re.compile(r"\{%-?\s*(?:trans|translate|blocktrans|blocktranslate)\b[^%]*?(['\"])(.*?)\1[^%]*-?%\}", re.DOTALL)
_TEMPLATE_RE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}|\$\{.*?\}|<%.*?%>", re.DOTALL)
_WS_RE = re.compile(r"\s+")
MAX_LABEL_CHARS = 512
_TEXT_SKIP_TAGS = frozenset({"label", "option", "select", "textarea", "script", "style", "button", "template"})


@dataclass(frozen=True)
class TextBlock:
    """Visible text inside a form (questions asked in prose), for free-text detection."""

    line: int
    column: int
    text: str
    form: str


def untemplate(text: str) -> str:
    """Text with template tags removed; translated literals (``{{ _("x") }}``) are kept."""
    text = _I18N_RE.sub(lambda m: f" {m.group(2)} ", text)
    text = _TRANS_BLOCK_RE.sub(lambda m: f" {m.group(2)} ", text)
    text = _TEMPLATE_RE.sub(" ", text)
    return _WS_RE.sub(" ", text).strip()


def _blank(source: str) -> str:
    """Comments, scripts and styles replaced by spaces (newlines kept), so offsets stay true."""

    def repl(m: re.Match[str]) -> str:
        s = m.group(0)
        keep_open = m.group(1) or m.group(3) or ""
        keep_close = m.group(2) or m.group(4) or ""
        inner = s[len(keep_open) : len(s) - len(keep_close)]
        return keep_open + re.sub(r"[^\n]", " ", inner) + keep_close

    return _BLANK_RE.sub(repl, source)


def _text(node: LexborNode | None) -> str:
    if node is None:
        return ""
    return untemplate(node.text(separator=" ", deep=True) or "")[:MAX_LABEL_CHARS]


def _attr(node: LexborNode, name: str) -> str:
    v = node.attributes.get(name)
    return v if isinstance(v, str) else ""


class _Positions:
    def __init__(self, blanked: str, index: LineIndex):
        self.index = index
        self.blanked = blanked
        self.offsets: dict[str, list[int]] = {}
        for m in _TAG_RE.finditer(blanked):
            self.offsets.setdefault(m.group(1).lower(), []).append(m.start())
        self.seen: dict[str, int] = {}

    def next(self, tag: str, name: str) -> tuple[int, int]:
        k = self.seen.get(tag, 0)
        self.seen[tag] = k + 1
        offs = self.offsets.get(tag, [])
        if k < len(offs):
            start = offs[k]
            end = self.blanked.find(">", start)
            raw = self.blanked[start : end if end != -1 else start + 2000]
            if not name or name in raw:
                return self.index.position(start)
        if name:  # the parser and the raw tags disagree (foster parenting, tags in strings): find by name
            m = re.search(r"\bname\s*=\s*[\"']?" + re.escape(name), self.blanked)
            if m:
                return self.index.position(m.start())
            at = self.blanked.find(name)  # a component bound by v-model/bind:value/…
            if at != -1:
                return self.index.position(at)
        return (1, 1)


_MARKUP_IN_SCRIPT_RE = re.compile(r"<(?:input|select|textarea|form|label)\b|<[A-Za-z][\w.-]*[^>]*\b(?:v-model|bind:value|formControlName|ng-model)\b",
                                  re.IGNORECASE)


def extract_script_markup(source: str) -> list[Candidate]:
    """Form controls written in a script (JSX/TSX components, HTML in string literals or template
    literals). Only controls: script text is not prose, so no free-text blocks."""
    if not _MARKUP_IN_SCRIPT_RE.search(source):
        return []
    cands, _blocks = extract_html(source)
    return cands


def extract_html(source: str) -> tuple[list[Candidate], list[TextBlock]]:
    """Form controls (``collect``) with labels and option values, and the prose inside forms."""
    source = normalise_markup(source)
    blanked = _blank(source)
    index = LineIndex(source)
    tree = LexborHTMLParser(source)
    root = tree.root
    if root is None:
        return [], []
    labels_for: dict[str, list[str]] = {}
    for lab in tree.css("label"):
        target = _attr(lab, "for") or _attr(lab, "htmlfor")  # JSX spells it htmlFor
        if target:
            labels_for.setdefault(target, []).append(_text(lab))
    by_id: dict[str, LexborNode] = {}
    for node in tree.css("[id]"):
        by_id.setdefault(_attr(node, "id"), node)
    near = _labels_by_proximity(tree)

    pos = _Positions(blanked, index)
    groups: dict[tuple[int, str], dict[str, object]] = {}  # radio/checkbox groups by (form, name)
    out: list[Candidate] = []
    for node in _controls(root):
        tag = node.tag or ""
        raw_name = _control_name(node)
        line, col = pos.next(tag, _attr(node, "name") or raw_name)
        itype = _attr(node, "type").lower() if tag == "input" else ""
        if itype in _SKIP_INPUT_TYPES:
            continue
        name = untemplate(raw_name) or ("(template expression)" if raw_name else "")
        if not name:
            name = "(unnamed control)"
        own_labels = _labels(node, labels_for, by_id)
        if not own_labels or _attr(node, "placeholder") and len(own_labels) == 1:
            own_labels += near.get(node.mem_id, [])
        if itype in _CHOICE_TYPES:
            form = _ancestor(node, "form")
            key = (form.mem_id if form is not None else 0, name)
            g = groups.get(key)
            legend = _legend(node)
            if g is None:
                g = {"line": line, "col": col, "labels": [legend] if legend else [], "values": []}
                groups[key] = g
                out.append(Candidate(Kind.FORM_FIELD, name, "collect", line, col))  # placeholder, replaced below
                g["index"] = len(out) - 1
            values = g["values"]
            assert isinstance(values, list)
            values.extend(v for v in [_attr(node, "value")] + own_labels if v)
            if itype == "checkbox" and not legend:
                labels = g["labels"]
                assert isinstance(labels, list)
                labels.extend(own_labels)  # a lone checkbox's label is its question
            continue
        values: list[str] = []
        if tag not in CONTROL_TAGS:  # a component: its options are whatever option-like children it has
            for opt in node.css("option"):
                values.extend(v for v in (_attr(opt, "value"), _text(opt)) if v)
        if tag == "select":
            for opt in node.css("option"):
                values.extend(v for v in (_attr(opt, "value"), _text(opt)) if v)
        elif tag == "input" and _attr(node, "list"):
            dl = by_id.get(_attr(node, "list"))
            if dl is not None:
                for opt in dl.css("option"):
                    values.extend(v for v in (_attr(opt, "value"), _text(opt)) if v)
        label = " / ".join(dict.fromkeys(x for x in own_labels if x)) or None
        out.append(Candidate(Kind.FORM_FIELD, name, "collect", line, col, label=label,
                             values=tuple(dict.fromkeys(values)), context=_form_context(node)))
    for g in groups.values():
        i = g["index"]
        assert isinstance(i, int)
        old = out[i]
        labels = [x for x in g["labels"] if x]  # type: ignore[union-attr]
        out[i] = Candidate(Kind.FORM_FIELD, old.name, "collect", old.line, old.column,
                           label=" / ".join(dict.fromkeys(labels)) or None,
                           values=tuple(dict.fromkeys(g["values"])), context="choice group")  # type: ignore[arg-type]
    return out, _text_blocks(tree, source, index)


# Attributes that bind a control to a model field (Vue, Svelte, Angular, Alpine, Knockout): its name when
# it has no ``name``.
_BINDING_ATTRS = ("name", ":name", "v-bind:name", "[name]", "v-model", "bind:value", "bind:checked", "bind:group",
                  "formcontrolname", "ng-model", "[(ngmodel)]", "x-model", "wire:model", "data-bind", "id")
# Component tags (lowercased by the parser) that are form controls: <TextField>, <v-text-field>,
# <el-input>, <b-form-select>, <Checkbox>, <DatePicker> …
_COMPONENT_RE = re.compile(
    r"(?:input|textfield|text-field|textarea|select|checkbox|radio|combobox|combo-box|autocomplete|picker|dropdown|"
    r"field|switch|toggle)", re.IGNORECASE)
_HTML_NON_CONTROLS = frozenset({"fieldset", "label", "legend", "form", "option", "optgroup", "datalist", "output"})


def _control_name(node: LexborNode) -> str:
    for a in _BINDING_ATTRS:
        v = _attr(node, a)
        if v:
            return v
    return ""


def _is_component_control(node: LexborNode) -> bool:
    tag = node.tag or ""
    if tag in CONTROL_TAGS or tag in _HTML_NON_CONTROLS or tag.startswith("-"):
        return False
    attrs = node.attributes
    bound = any(a in attrs for a in _BINDING_ATTRS if a not in ("name", "id"))  # a model binding
    custom = "-" in tag or tag not in _KNOWN_HTML
    return custom and (bound or bool(_COMPONENT_RE.search(tag)))


def _controls(root: LexborNode) -> list[LexborNode]:
    return [n for n in root.traverse() if (n.tag or "") in CONTROL_TAGS or _is_component_control(n)]


_KNOWN_HTML = frozenset(
    "a abbr address area article aside audio b base bdi bdo blockquote body br button canvas caption cite code col "
    "colgroup data datalist dd del details dfn dialog div dl dt em embed fieldset figcaption figure footer form h1 h2 "
    "h3 h4 h5 h6 head header hgroup hr html i iframe img input ins kbd label legend li link main map mark menu meta "
    "meter nav noscript object ol optgroup option output p param picture pre progress q rp rt ruby s samp script "
    "search section select slot small source span strong style sub summary sup table tbody td template textarea "
    "tfoot th thead time title tr track u ul var video wbr svg math".split())


def _labels(node: LexborNode, labels_for: dict[str, list[str]], by_id: dict[str, LexborNode]) -> list[str]:
    out: list[str] = []
    nid = _attr(node, "id")
    if nid:
        out.extend(labels_for.get(nid, ()))
    wrap = _ancestor(node, "label")
    if wrap is not None:
        text = _text(wrap)
        if node.tag == "select":  # the wrapping label's text includes the options; drop them
            for opt in node.css("option"):
                t = _text(opt)
                if t:
                    text = text.replace(t, " ")
        out.append(_WS_RE.sub(" ", text).strip())
    for attr in ("aria-label", "placeholder", "title", "data-label", "label", ":label", "v-bind:label",
                 "hint", "legend"):
        v = untemplate(_attr(node, attr))
        if v:
            out.append(v[:MAX_LABEL_CHARS])
    for ref in _attr(node, "aria-labelledby").split():
        out.append(_text(by_id.get(ref)))
    return [x for x in out if x]


_PUNCT_ONLY_RE = re.compile(r"[\s:*?.\-–—]*")


def _labels_by_proximity(tree: LexborHTMLParser) -> dict[int, list[str]]:
    """A ``<label>`` with no ``for`` that wraps no control labels the control right after it — the next element
    (only blanks or punctuation between), or the only control inside that element (a label in one table cell,
    its control in the next): ``<label>Citizenship or immigration status</label> <select name="status">`` is
    the markup docs/scan.md's own I-9 example uses (w16d F04). Keyed by the control's ``mem_id``."""
    out: dict[int, list[str]] = {}
    for lab in tree.css("label"):
        if _attr(lab, "for") or _attr(lab, "htmlfor") or any(True for _ in _controls(lab)):
            continue
        text = _text(lab)
        if not text:
            continue
        target = _next_element(lab)
        if target is None and lab.parent is not None and (lab.parent.tag or "") in ("td", "th", "dt", "div", "span", "p"):
            # the label alone in its cell: the control is in the next cell
            if all(c.mem_id == lab.mem_id or (c.tag == "-text" and _PUNCT_ONLY_RE.fullmatch(c.text(deep=False) or ""))
                   for c in _children(lab.parent)):
                target = _next_element(lab.parent)
        if target is None:
            continue
        if (target.tag or "") in CONTROL_TAGS or _is_component_control(target):
            control = target
        else:
            inner = [c for c in _controls(target) if _attr(c, "type").lower() not in _SKIP_INPUT_TYPES | {"hidden"}]
            if len(inner) != 1:
                continue
            control = inner[0]
        out.setdefault(control.mem_id, []).append(text)
    return out


def _children(node: LexborNode) -> list[LexborNode]:
    out = []
    c = node.child
    while c is not None:
        out.append(c)
        c = c.next
    return out


def _next_element(node: LexborNode) -> LexborNode | None:
    n = node.next
    while n is not None and n.tag in ("-text", "-comment"):
        if n.tag == "-text" and not _PUNCT_ONLY_RE.fullmatch(n.text(deep=False) or ""):
            return None
        n = n.next
    return n


def _ancestor(node: LexborNode, tag: str) -> LexborNode | None:
    p = node.parent
    while p is not None:
        if p.tag == tag:
            return p
        p = p.parent
    return None


def _legend(node: LexborNode) -> str:
    fs = _ancestor(node, "fieldset")
    if fs is None:
        return ""
    lg = fs.css_first("legend")
    return _text(lg)


def _form_context(node: LexborNode) -> str:
    form = _ancestor(node, "form")
    if form is None:
        return "control outside a form"
    ident = untemplate(_attr(form, "id") or _attr(form, "name"))
    return f"form {ident}" if ident else "form"


def _text_blocks(tree: LexborHTMLParser, source: str, index: LineIndex) -> list[TextBlock]:
    blocks: list[TextBlock] = []
    cursor = 0
    for form in tree.css("form"):
        ident = untemplate(_attr(form, "id") or _attr(form, "name")) or "form"
        for node in form.traverse(include_text=True):
            if node.tag != "-text":
                continue
            if _inside(node, form, _TEXT_SKIP_TAGS):
                continue
            raw = node.text(deep=False) or ""
            text = untemplate(raw)
            if len(text) < 3 or not any(ch.isalpha() for ch in text):
                continue
            stripped = raw.strip()
            at = source.find(stripped[:80], cursor) if stripped else -1
            if at == -1:
                at = source.find(stripped[:80]) if stripped else -1
            if at != -1:
                cursor = at
            line, col = index.position(at) if at != -1 else (1, 1)
            blocks.append(TextBlock(line, col, text[:4000], ident))
    return blocks


def _inside(node: LexborNode, stop: LexborNode, tags: frozenset[str]) -> bool:
    p = node.parent
    while p is not None and p.mem_id != stop.mem_id:
        if p.tag in tags:
            return True
        p = p.parent
    return False
