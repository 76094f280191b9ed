"""The question a person sees for each form control, found in one pass over the page — the way a
browser's accessibility tree names a control, plus the visible question text beside it.

For every ``input``/``select``/``textarea``:

* **accessible name** (accname 1.2, for form controls): ``aria-labelledby`` (the text of the
  referenced elements), else ``aria-label``, else the native labels (``<label for>`` and a wrapping
  ``<label>``), else ``title``, else ``placeholder``;
* **accessible description**: ``aria-describedby``, and ``title`` when it did not name the control;
* **group name** for radios and checkboxes: the fieldset ``<legend>``, or a ``role=radiogroup`` /
  ``role=group`` ancestor's ``aria-label``/``aria-labelledby``;
* **the visible question**: the nearest text before the control since the previous control — the
  ``<p>``, ``<td>``, ``<dt>``, ``<div>``, ``<legend>`` or heading a sighted person reads as its
  question (a generic label such as "Answer" does not hide it);
* **options**: ``<option>`` texts, and for radios and checkboxes the text right after the control
  (a ``<span>`` beside a checkbox) and their labels.

Radios and checkboxes sharing a name are one question. Text inside ``script``, ``style``,
``template``, ``option`` and ``textarea`` is never a question. The pass is linear in the size of
the page (one traversal; ancestor context is memoised per element).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..collection.subjects import subject_of

CONTROL_TAGS = frozenset({"input", "select", "textarea"})
SKIP_INPUT_TYPES = frozenset({"submit", "button", "reset", "image"})
CHOICE_TYPES = frozenset({"radio", "checkbox"})
NO_QUESTION_TYPES = frozenset({"hidden"})
BLOCK_TAGS = frozenset({
    "p", "div", "td", "th", "dt", "dd", "li", "legend", "label", "h1", "h2", "h3", "h4", "h5", "h6", "caption",
    "section", "article", "fieldset", "form", "tr", "table", "tbody", "thead", "tfoot", "ul", "ol", "dl", "header",
    "footer", "main", "aside", "nav", "blockquote", "pre", "figure", "figcaption", "address", "details", "summary",
    "body", "html", "center", "output",
})
SKIP_TEXT_TAGS = frozenset({"script", "style", "template", "noscript", "option", "optgroup", "select", "textarea",
                            "button", "title", "head", "datalist", "svg", "math", "iframe", "object"})
#: inline elements whose ``title`` (a tooltip) is read with their text
INLINE_TIP_TAGS = frozenset({"abbr", "acronym", "span", "dfn", "b", "strong", "em", "i", "u", "small", "mark", "q", "cite"})
#: SVG / MathML elements whose children a browser renders as HTML (HTML integration points)
HTML_INTEGRATION_POINTS = frozenset({"foreignObject", "foreignobject", "mi", "mo", "mn", "ms", "mtext",
                                     "annotation-xml"})
#: blocks that may be removed (or emptied) with the question they hold
REMOVABLE_BLOCKS = frozenset({"p", "div", "span", "label", "legend", "h1", "h2", "h3", "h4", "h5", "h6", "strong",
                              "b", "em", "i", "font", "small", "caption"})
EMPTIED_BLOCKS = frozenset({"td", "th", "dt", "dd", "li"})
MAX_QUESTION_CHARS = 400
#: ARIA widgets a script turns into answers (the value travels in a hidden input beside them)
WIDGET_ROLES = frozenset({"radiogroup", "listbox", "combobox", "textbox", "group", "checkbox", "radio", "switch",
                          "spinbutton", "slider", "option", "menu"})
_WS = re.compile(r"\s+")


HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "legend", "dt", "th", "caption", "summary"})
#: inputs whose type says what they ask (an e-mail box under a section heading asks the e-mail)
TYPED_INPUTS = frozenset({"email", "tel", "url", "password", "color", "range"})
#: instructions read between a question and its control (chunks looked back at, bounded)
MAX_BEFORE_CHUNKS = 6


def asks(text: str) -> bool:
    """Text that asks (ends with a question mark, in any script)."""
    return text.rstrip().endswith(("?", "？", "؟"))


def is_heading(block: Any) -> bool:
    """A block a sighted person reads as the title of what follows: a heading, a legend, a term."""
    return block is not None and (block.tag in HEADING_TAGS or (block.attributes.get("role") or "") == "heading")


_HELP_CLASS = re.compile(r"help|hint|desc|instruction|note|explain|caption|sub-?text|tip", re.IGNORECASE)
_SENTENCE_END = (".", "。", "।", "!", "！", ")")
#: the longest text read as a label written as a block (``<div>Visa type</div>``)
MAX_LABEL_CHARS = 80


def is_instruction(block: Any, text: str) -> bool:
    """Help text under a question: a sentence, a ``<small>``, or a block classed as help/hint/description."""
    if text.rstrip().endswith(_SENTENCE_END):
        return True
    node = block
    for _ in range(2):
        if node is None:
            break
        if node.tag == "small" or _HELP_CLASS.search(" ".join(filter(None, (node.attributes.get("class"),
                                                                            node.attributes.get("id"))))):
            return True
        node = node.parent
    if block is not None:  # ``<div><small>We keep this private</small></div>``: the hint is all of it
        for d in block.css("small, [class]")[:8]:
            if (d.tag == "small" or _HELP_CLASS.search(d.attributes.get("class") or "")) \
                    and text_of(d) == " ".join(text.split()):
                return True
    return False


def is_label_like(text: str) -> bool:
    """A short text that is not a sentence: a field's label written as a block ("Visa type", "A-Number:")."""
    t = text.strip()
    return 0 < len(t) <= MAX_LABEL_CHARS and not t.endswith(_SENTENCE_END[:-1])  # "Status (required)" is a label


def text_of(node: Any) -> str:
    return " ".join((node.text(deep=True, separator=" ") or "").split())


def accessible_text(node: Any) -> str:
    """An element's text as its accessible name reads it: its text plus the ``alt`` of the images
    and the ``aria-label`` of the elements inside it (``<label><img alt="Are you a U.S.
    citizen?"> <input></label>``, r12f F12)."""
    t = text_of(node)
    if node.tag in ("-text", "-comment") or not node.css_first("img[alt], [aria-label]"):
        return t
    extras = [" ".join(v.split()) for n in node.css("img[alt], [aria-label]")[:8]
              if n.tag not in CONTROL_TAGS and (v := n.attributes.get("alt") if n.tag == "img"
                                                 else n.attributes.get("aria-label"))]
    return " ".join([*extras, t]).strip()


#: attributes a script or a framework shows as text: ``data-question``, Alpine ``x-data``/``x-text``,
#: Vue ``v-text``/``:label`` (r12f F01); their string literals are read, a question among them counts
_SHOWN_ATTR = re.compile(r"^(?:data-|x-|v-|:|aria-placeholder$|aria-roledescription$)")
MAX_ATTR_ANCESTORS = 3


def attribute_questions(node: Any, ctl: Control) -> None:
    """A question held in an attribute of the control or of its nearest ancestors, that a script or
    a framework puts on screen (``<div data-question="Are you a U.S. citizen?">``, Alpine
    ``x-data="{label: 'Are you…?'}"``): a question (it ends with a question mark) read with the
    control's description, and the attribute goes when the control goes."""
    from .script_text import literals, shown_text

    n, depth = node, 0
    while n is not None and depth <= MAX_ATTR_ANCESTORS and n.tag not in ("body", "html", "form", None):
        for k, v in list(n.attributes.items())[:32]:
            if not v or len(v) > 4000 or not _SHOWN_ATTR.match(k) or "?" not in v and "\\" not in v:
                continue
            texts = [shown_text(v)] + ([lit.value for lit in literals(v)[:16]] if any(q in v for q in "'\"`") else [])
            for t in texts:
                if asks(t) and len(t) <= MAX_QUESTION_CHARS:
                    ctl.descriptions.append(t)
                    ctl.attr_refs.append((n, k))
                    break
        n = n.parent
        depth += 1


def css_ident(ref: str) -> str:
    return ref if re.fullmatch(r"[A-Za-z_][\w:.-]{0,127}", ref) else ""


@dataclass
class Control:
    """One question on the page: every control sharing its name (radios, checkboxes)."""

    key: str
    kind: str  # input type, or select / textarea
    nodes: list[Any] = field(default_factory=list)
    name_texts: list[str] = field(default_factory=list)  # accessible name(s)
    descriptions: list[str] = field(default_factory=list)
    group: list[str] = field(default_factory=list)  # legend / group label
    question: str | None = None  # the visible question before it
    question_block: Any = None
    question_nodes: list[Any] = field(default_factory=list)  # the text nodes of the visible question
    question_blocks: list[Any] = field(default_factory=list)  # a heading and the instructions under it
    options: list[str] = field(default_factory=list)
    labels: list[Any] = field(default_factory=list)  # <label> elements to remove with it
    forms: list[Any] = field(default_factory=list)  # owner forms (for the submission map)
    refs: list[Any] = field(default_factory=list)  # aria-labelledby / aria-describedby targets
    option_nodes: list[Any] = field(default_factory=list)  # text beside a radio or checkbox
    before: list[list[Any]] = field(default_factory=list)  # text chunks since the previous control
    group_nodes: list[Any] = field(default_factory=list)  # fieldset / role=group containers
    headers: list[str] = field(default_factory=list)  # table row / column headers of its cell
    row_headers: list[Any] = field(default_factory=list)  # the row header cell (emptied with it)
    attr_refs: list[tuple[Any, str]] = field(default_factory=list)  # (element, attribute) holding its question

    def finish(self) -> None:
        """A lone checkbox is a yes/no question: the text beside it is its question, not an option.
        The visible question counts when the control has no name of its own, or only a generic one
        ("Answer", "Select one"): a control labelled "Email" is not asked by the paragraph above it."""
        if self.kind == "checkbox" and len(self.nodes) == 1 and self.options:
            self.name_texts.extend(o for o in dict.fromkeys(self.options) if o != "on")
            self.options = []
        own = {lab.mem_id for lab in self.labels} | {r.mem_id for r in self.refs}
        named = [t for t in (*self.group, *self.headers, *self.name_texts) if subject_of("", t) != "generic"]
        if named:
            return
        chunks = self.before
        for i in range(len(chunks) - 1, -1, -1):
            block, text, nodes = chunks[i]
            if block is not None and block.mem_id in own:
                continue
            if subject_of("", text) == "generic" and len(text) < 40:
                continue  # "Answer", "Select one": look one chunk further back
            self.question = text[-MAX_QUESTION_CHARS:]
            self.question_block = block
            self.question_nodes = list(nodes)
            if not asks(text) and not is_heading(block) and self.kind not in TYPED_INPUTS:
                # instructions between a question and its control (``<h2>Q?</h2><p>Answer as it
                # applies today.</p><input>``): a sighted person reads the heading above them as
                # the question (r12d F16) — it and the instructions under it go together
                help_text = is_instruction(block, text)
                for j in range(i - 1, -1, -1):
                    hb, ht, hn = chunks[j]
                    # a label written as a block above the help text (``<div>Immigration status</div>
                    # <div class=help>As shown on your documents.</div><input>``) is the question too (r12e F02)
                    if is_heading(hb) or asks(ht) or (help_text and j == i - 1 and is_label_like(ht)):
                        self.question = f"{ht[-MAX_QUESTION_CHARS:]} / {self.question}"
                        for b, _t, n in chunks[j:i]:
                            self.question_nodes.extend(n)
                            if b is not None:
                                self.question_blocks.append(b)
                        break
            return

    def label_text(self) -> str | None:
        parts = [*self.group, *self.headers, *self.name_texts, *([self.question] if self.question else []),
                 *self.descriptions]
        seen: dict[str, None] = {}
        for p in parts:
            p = p.strip()
            if p and p not in seen and not any(p in s for s in seen):
                seen[p] = None
        return " / ".join(seen)[:2000] or None


class _Ctx:
    __slots__ = ("block", "skip", "form", "label", "group")

    def __init__(self, block: Any, skip: bool, form: Any, label: Any, group: Any) -> None:
        self.block = block
        self.skip = skip
        self.form = form
        self.label = label
        self.group = group


def find_controls(tree: Any) -> list[Control]:
    """Every question control of a parsed page (selectolax lexbor tree), in document order."""
    root = tree.root
    if root is None:
        return []
    memo: dict[int, _Ctx] = {}

    empty = _Ctx(None, False, None, None, None)

    def compute(node: Any, base: _Ctx) -> _Ctx:
        tag = node.tag
        group = base.group
        if tag == "fieldset" or (tag in ("div", "span", "ul", "ol", "section", "table")
                                 and (node.attributes.get("role") or "") in ("radiogroup", "group")):
            group = node
        return _Ctx(
            node if tag in BLOCK_TAGS else base.block,
            # HTML inside SVG's <foreignObject> or MathML's text elements is rendered as HTML (r12c)
            (base.skip and tag not in HTML_INTEGRATION_POINTS) or tag in SKIP_TEXT_TAGS,
            node if tag == "form" else base.form,
            node if tag == "label" else base.label,
            group,
        )

    def ctx(node: Any) -> _Ctx:
        """Context of ``node``'s children: nearest block, inside skipped text, owner form, label
        (iterative: a deeply nested page cannot exhaust the stack)."""
        hit = memo.get(node.mem_id)
        if hit is not None:
            return hit
        chain = []
        n = node
        while n is not None and n.mem_id not in memo and n.tag not in ("-undef", "-document", None):
            chain.append(n)
            n = n.parent
        base = memo.get(n.mem_id, empty) if n is not None else empty
        for m in reversed(chain):
            base = compute(m, base)
            memo[m.mem_id] = base
        return base

    labels_for: dict[str, list[Any]] | None = None
    ids: dict[str, Any] | None = None

    def by_id(ref: str) -> Any:
        nonlocal ids
        if ids is None:
            ids = {}
            for n in tree.css("[id]"):
                ids.setdefault(n.attributes.get("id") or "", n)
        return ids.get(ref)

    def refs_text(value: str | None, into: list[Any] | None = None) -> str:
        if not value:
            return ""
        out = []
        for ref in value.split()[:16]:
            n = by_id(ref)
            if n is not None:
                t = accessible_text(n)
                if t:
                    out.append(t)
                    if into is not None:
                        into.append(n)
        return " ".join(out)

    controls: list[Control] = []
    groups: dict[tuple[int, str], Control] = {}
    seen_choice_text: set[int] = set()

    def chunk_block(n: Any) -> Any:
        if n.tag in BLOCK_TAGS:
            return n
        parent = n.parent
        return ctx(parent).block if parent is not None else None

    def before(control: Any) -> list[list[Any]]:
        """Text chunks before ``control``, nearest last, back to the previous control (or the
        body): a walk over preceding siblings and their ancestors' preceding siblings."""
        chunks: list[list[Any]] = []
        n = control
        steps = 0
        while n is not None and steps < 64 and len(chunks) < MAX_BEFORE_CHUNKS:
            p = n.prev
            while p is None:
                n = n.parent
                if n is None or n.tag in ("body", "html", "-undef", None):
                    return chunks[::-1]
                p = n.prev
            n = p
            steps += 1
            tag = p.tag
            if tag == "-text":
                if p.mem_id in seen_choice_text:
                    return chunks[::-1]
                t = p.text_content
                if t and t.strip():
                    parent = p.parent
                    pc = ctx(parent) if parent is not None else empty
                    if not pc.skip:
                        tip = parent.attributes.get("title") if parent is not None and parent.tag in INLINE_TIP_TAGS \
                            else None
                        chunks.append([pc.block, " ".join(f"{t} {tip or ''}".split()), [p]])
                continue
            if tag in CONTROL_TAGS:
                itype = (p.attributes.get("type") or "text").lower() if tag == "input" else tag
                if itype in SKIP_INPUT_TYPES or itype in NO_QUESTION_TYPES:
                    continue
                return chunks[::-1]
            if tag in ("img", "svg", "math", "object"):
                # a question drawn as an image (its alt text, its <text>), written in MathML's text
                # elements, or an <object>'s fallback content (r12f F12)
                t = (p.attributes.get("alt") or "") if tag == "img" else text_of(p)
                if t and t.strip():
                    chunks.append([chunk_block(p), " ".join(t.split())[:MAX_QUESTION_CHARS], [p]])
                continue
            if tag in SKIP_TEXT_TAGS or tag in ("-comment", "_comment", "br", "hr", "wbr"):
                continue
            if p.css_first("input, select, textarea") is not None:
                return chunks[::-1]
            t = accessible_text(p)
            # a tooltip on the visible text is read with it (``<abbr title="Are you a citizen?">Q7</abbr>``)
            tips = [x.attributes.get("title") or "" for x in [p, *p.css("[title]")[:8]] if x.attributes.get("title")]
            if tips:
                t = " ".join([t, *(" ".join(x.split()) for x in tips)]).strip()
            if t:
                # the element holds only this text (no control): it goes with the question
                chunks.append([p if tag in BLOCK_TAGS else chunk_block(p), t[-MAX_QUESTION_CHARS * 2:],
                               [p] if len(t) <= MAX_QUESTION_CHARS * 2 else []])
        return chunks[::-1]

    def after_text(control: Any, ctl: Control) -> None:
        """A control with no name of its own and the text right after it, with no control after
        that text (``<input name=q7><label>Q</label>``, help text below the box): the text is its."""
        n = control.next
        steps = 0
        while n is not None and steps < 6:
            steps += 1
            if n.tag in ("-text", "-comment", "_comment", "br"):
                if n.tag == "-text" and (n.text_content or "").strip():
                    return
                n = n.next
                continue
            if n.tag in CONTROL_TAGS or n.tag in SKIP_TEXT_TAGS or n.css_first("input, select, textarea") is not None:
                return
            t = text_of(n)
            if not t or len(t) > MAX_QUESTION_CHARS:
                return
            m = n.next
            while m is not None:
                if m.tag in CONTROL_TAGS or (m.tag not in ("-text", "-comment", "_comment")
                                             and m.css_first("input, select, textarea") is not None):
                    return  # the text precedes another control: it is that control's question
                m = m.next
            ctl.descriptions.append(t)
            ctl.refs.append(n)
            return

    def after_choice(control: Any, ctl: Control) -> None:
        """The text right after a radio or checkbox, up to the next control or block: its option."""
        n = control.next
        steps = 0
        while n is not None and steps < 8:
            steps += 1
            tag = n.tag
            if tag == "-text":
                t = n.text_content
                if t and t.strip():
                    ctl.options.append(" ".join(t.split())[:200])
                    ctl.option_nodes.append(n)
                    seen_choice_text.add(n.mem_id)
            elif tag in CONTROL_TAGS or tag in BLOCK_TAGS or tag in ("br", "hr"):
                return
            elif tag not in SKIP_TEXT_TAGS:
                if n.css_first("input, select, textarea") is not None:
                    return
                t = text_of(n)
                if t:
                    ctl.options.append(t[:200])
                    for x in n.traverse(include_text=True):
                        if x.tag == "-text":
                            ctl.option_nodes.append(x)
                            seen_choice_text.add(x.mem_id)
            n = n.next

    def cell_headers(cell: Any, ctl: Control) -> list[str]:
        """Row and column headers of the table cell holding a control (a grid form)."""
        row = cell.parent
        if row is None or row.tag != "tr":
            return []
        cells = [c for c in row.iter() if c.tag in ("td", "th")]
        out: list[str] = []
        idx = next((i for i, c in enumerate(cells) if c.mem_id == cell.mem_id), -1)
        for c in cells[:idx] if idx > 0 else []:
            if c.tag == "th" or (c.css_first("input, select, textarea") is None and c is cells[0]):
                t = text_of(c)
                if t:
                    out.append(t[:MAX_QUESTION_CHARS])
                    ctl.row_headers.append(c)
                break
        table = row.parent
        while table is not None and table.tag not in ("table",):
            table = table.parent
        if table is not None and idx >= 0:
            first = table.css_first("tr")
            if first is not None and first.mem_id != row.mem_id:
                hcells = [c for c in first.iter() if c.tag in ("td", "th")]
                if idx < len(hcells) and hcells[idx].css_first("input, select, textarea") is None:
                    t = text_of(hcells[idx])
                    if t:
                        out.append(t[:MAX_QUESTION_CHARS])
                        if len(hcells) == 1:  # a row of one header cell is the table's question (r12e F14)
                            ctl.row_headers.append(hcells[idx])
        return out

    def widget_beside(hidden: Any, ctl: Control) -> None:
        """A hidden input holding the value of an ARIA widget next to it (Google Forms markup):
        the widget's name is the input's question, its options the input's options."""
        n = hidden.prev
        steps = 0
        while n is not None and steps < 4:
            steps += 1
            if n.tag not in ("-text", "-comment") and n.tag not in CONTROL_TAGS:
                w = n if (n.attributes.get("role") or "") in WIDGET_ROLES else None
                if w is None:
                    w = n.css_first(",".join(f'[role="{r}"]' for r in ("radiogroup", "listbox", "combobox", "group")))
                if w is not None:
                    name = refs_text(w.attributes.get("aria-labelledby"), ctl.refs) or (w.attributes.get("aria-label") or "")
                    if not name:  # Google Forms without labelledby: the item's heading
                        h = w.prev
                        while h is not None and not name:
                            if h.tag not in ("-text", "-comment") and (
                                    (h.attributes.get("role") or "") == "heading" or h.tag in ("h1", "h2", "h3", "h4")):
                                name = text_of(h)[:MAX_QUESTION_CHARS]
                                if name:
                                    ctl.refs.append(h)
                            h = h.prev
                    if name:
                        ctl.name_texts.append(name[:MAX_QUESTION_CHARS])
                        for o in w.css('[role="radio"], [role="option"], [role="checkbox"]')[:32]:
                            v = o.attributes.get("aria-label") or o.attributes.get("data-value") or text_of(o)
                            if v:
                                ctl.options.append(v[:200])
                        ctl.refs.append(w)
                    return
            n = n.prev

    for node in tree.css("input, select, textarea, button[name]"):
        tag = node.tag
        attrs = node.attributes
        itype = (attrs.get("type") or "text").lower() if tag == "input" else tag
        if tag == "button" or itype in SKIP_INPUT_TYPES:
            # a named button answers with its value (``<button name="q7" value="no">No</button>``):
            # a choice among the buttons that share its name, like a radio
            if not attrs.get("name") or (tag == "button" and (attrs.get("type") or "submit").lower() == "reset") \
                    or itype == "reset":
                continue
            itype = "radio"
        c = ctx(node)
        if c.skip and tag not in ("select", "textarea", "button"):
            continue  # an input inside <template>/<noscript>: not on the page
        key = attrs.get("name") or attrs.get("id") or f"unnamed-{tag}"
        form = c.form
        form_attr = attrs.get("form")
        if form_attr:
            owner = by_id(form_attr)
            if owner is not None and owner.tag == "form":
                form = owner
        if form is None:
            form = hx_owner(node)  # ``<div hx-post="/x">``: htmx posts the controls inside it (r12f F19)
        gkey = (form.mem_id if form is not None else 0, key)
        ctl = groups.get(gkey) if itype in CHOICE_TYPES else None
        new = ctl is None
        if ctl is None:
            ctl = Control(key, itype)
            controls.append(ctl)
            if itype in CHOICE_TYPES:
                groups[gkey] = ctl
        ctl.nodes.append(node)
        if form is not None and all(f.mem_id != form.mem_id for f in ctl.forms):
            ctl.forms.append(form)
        # accessible name
        name_text = refs_text(attrs.get("aria-labelledby"), ctl.refs)
        if not name_text and attrs.get("aria-label"):
            name_text = attrs.get("aria-label") or ""
        own_labels: list[Any] = []
        if attrs.get("id"):
            if labels_for is None:
                labels_for = {}
                for lab in tree.css("label[for]"):
                    labels_for.setdefault(lab.attributes.get("for") or "", []).append(lab)
            own_labels.extend(labels_for.get(attrs.get("id") or "", ()))
        if c.label is not None and all(c.label.mem_id != x.mem_id for x in own_labels):
            own_labels.append(c.label)
        label_texts = [t for t in (accessible_text(lab) for lab in own_labels) if t]
        ctl.labels.extend(own_labels)
        used_title = False
        if not name_text:
            if label_texts and itype not in CHOICE_TYPES:
                name_text = " ".join(label_texts)
            elif attrs.get("title") and itype not in CHOICE_TYPES:
                name_text, used_title = attrs.get("title") or "", True
            elif attrs.get("placeholder"):
                name_text = attrs.get("placeholder") or ""
        if itype in CHOICE_TYPES:
            ctl.options.extend(t[:200] for t in label_texts)
            if tag == "button" and text_of(node):
                ctl.options.append(text_of(node)[:200])
            if attrs.get("value"):
                ctl.options.append((attrs.get("value") or "")[:200])
            if name_text:  # an aria-label on one radio names its option
                ctl.options.append(name_text[:200])
        elif name_text:
            ctl.name_texts.append(name_text[:MAX_QUESTION_CHARS])
        if attrs.get("placeholder") and itype not in CHOICE_TYPES:
            ctl.descriptions.append((attrs.get("placeholder") or "")[:MAX_QUESTION_CHARS])
        desc = refs_text(attrs.get("aria-describedby"), ctl.refs)
        if desc:
            ctl.descriptions.append(desc[:MAX_QUESTION_CHARS])
        if attrs.get("title") and not used_title:
            ctl.descriptions.append((attrs.get("title") or "")[:MAX_QUESTION_CHARS])
        if key != attrs.get("id") and attrs.get("id") and new:
            ctl.descriptions.append(attrs.get("id") or "")
        # group name
        if new and c.group is not None:
            g = c.group
            ctl.group_nodes.append(g)
            if g.tag == "fieldset":
                legend = g.css_first("legend")
                if legend is not None:
                    t = text_of(legend)
                    if t:
                        ctl.group.append(t[:MAX_QUESTION_CHARS])
            else:
                t = refs_text(g.attributes.get("aria-labelledby")) or (g.attributes.get("aria-label") or "")
                if t:
                    ctl.group.append(t[:MAX_QUESTION_CHARS])
        if tag == "select":
            for og in node.css("optgroup[label]")[:32]:  # a group's label shown inside the list (r12c F07)
                t = " ".join((og.attributes.get("label") or "").split())
                if t:
                    ctl.group.append(t[:MAX_QUESTION_CHARS])
            opts = node.css("option")[:200]
            ctl.options.extend(t for t in (text_of(o)[:200] for o in opts) if t)
            if opts and opts[0].attributes.get("value") == "" and not ctl.name_texts and text_of(opts[0]):
                ctl.name_texts.append(text_of(opts[0])[:MAX_QUESTION_CHARS])  # the prompt option is the question
        if attrs.get("list") and tag == "input":
            dl = by_id(attrs.get("list") or "")
            if dl is not None and dl.tag == "datalist":
                for o in dl.css("option")[:200]:
                    v = (o.attributes.get("value") or text_of(o) or "").strip()
                    if v.endswith(("?", "？", "؟")) and not ctl.name_texts:
                        ctl.name_texts.append(v[:MAX_QUESTION_CHARS])  # a suggestion that asks
                    elif v:
                        ctl.options.append(v[:200])
        if new and c.block is not None and c.block.tag in ("td", "th"):
            ctl.headers.extend(cell_headers(c.block, ctl))
        if itype == "hidden" and new:
            widget_beside(node, ctl)
        # the visible question: the nearest text since the previous control
        if new:
            attribute_questions(node, ctl)
        if itype not in NO_QUESTION_TYPES:
            if new or not ctl.before:
                ctl.before = before(node)
            if itype in CHOICE_TYPES:
                after_choice(node, ctl)
            elif new and not ctl.name_texts and not own_labels and tag != "button":
                after_text(node, ctl)
    for ctl in controls:
        ctl.finish()
    return controls


HX_VERBS = ("hx-post", "data-hx-post", "hx-put", "data-hx-put", "hx-patch", "data-hx-patch", "hx-get", "data-hx-get")
_HX_SELECTOR = ", ".join(f"[{a}]" for a in HX_VERBS)


def hx_owner(node: Any) -> Any:
    """The nearest ancestor (or the control itself) that htmx submits from (``hx-post``,
    ``data-hx-post``, put/patch/get): it posts the controls inside it like a form."""
    n, depth = node, 0
    while n is not None and depth < 24 and n.tag not in ("body", "html", "-undef", "-document", None):
        if any(a in n.attributes for a in HX_VERBS):
            return n
        n = n.parent
        depth += 1
    return None


def form_targets(form: Any, page_path: str) -> list[str]:
    """The paths a form submits to: its ``action``, any ``formaction`` of its buttons, and where
    htmx posts it (``hx-post``/``data-hx-post``/put/patch/get on it or its buttons, r12f F19)."""
    from urllib.parse import urljoin, urlsplit

    actions = [form.attributes.get("action") or ""] if form is not None and form.tag == "form" else []
    if form is not None:
        for b in form.css("[formaction]")[:16]:
            actions.append(b.attributes.get("formaction") or "")
        for b in [form, *form.css(_HX_SELECTOR)[:16]]:
            actions.extend(v for a in HX_VERBS if (v := b.attributes.get(a)))
        if form.tag != "form" and not actions:
            actions.append("")
    else:
        actions = [""]
    from urllib.parse import unquote

    out: list[str] = []
    base = "http://status-guard.invalid" + (page_path if page_path.startswith("/") else "/" + page_path)
    if form is not None:  # <base href> changes where a relative action goes
        root = form
        while root.parent is not None:
            root = root.parent
        b = root.css_first("base[href]")
        if b is not None and (href := (b.attributes.get("href") or "").strip()) \
                and not href.lower().startswith(("javascript:", "data:")):
            base = urljoin(base, href)
    for a in actions:
        # as a browser reads it (WHATWG URL): tabs and newlines dropped, ``\\`` is ``/`` (r12e F17)
        a = (a or "").strip().replace("\t", "").replace("\n", "").replace("\r", "").replace("\\", "/")
        if a.lower().startswith(("javascript:", "data:", "mailto:")):
            continue
        path = urlsplit(urljoin(base, a)).path if a else page_path
        # the server routes on the decoded path, with or without a trailing slash
        decoded = unquote(path) if path else path
        for p in (path, decoded, decoded.rstrip("/") or "/", (decoded.rstrip("/") or "") + "/"):
            if p and p not in out:
                out.append(p)
    return out
