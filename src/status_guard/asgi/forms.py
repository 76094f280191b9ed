"""Outgoing HTML forms: remove (or disable with a notice) every control that asks a question the
law forbids in this scope, before the page leaves the server — and remember, per form target,
which controls asked what, so a later submission of that control is refused even when its name is
generic (``q7``).

Each control's question is found the way a browser's accessibility tree names it, plus the visible
question beside it (``questions.py``): ``aria-labelledby``, ``aria-label``, ``<label for>`` and a
wrapping ``<label>``, ``title``, ``placeholder``, ``aria-describedby``, the fieldset ``<legend>`` or
group label, the nearest ``<p>``/``<td>``/``<dt>``/``<div>``/heading text before it, and — for
selects, radios and checkboxes — the option texts (a ``<span>`` beside a checkbox). Radios and
checkboxes sharing a name are one question. A removed question takes its labels and its visible
question text with it. Pages with no controls are returned untouched without parsing (a cheap byte
scan), and a page whose controls are all legitimate is returned byte for byte as it came."""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..model import MISSING, Decision, Effect, Item
from . import script_forms
from .questions import EMPTIED_BLOCKS, MAX_QUESTION_CHARS, REMOVABLE_BLOCKS, Control, find_controls, form_targets

_CONTROL_HINT = re.compile(rb"<\s*(?:input|select|textarea|button)\b", re.IGNORECASE)
_CONTROL_HINT_TEXT = re.compile(r"<\s*(?:input|select|textarea|button)\b", re.IGNORECASE)
#: an inline script (its string literals may write a question onto the page, r12f F01)
_INLINE_SCRIPT = re.compile(rb"<script\b(?![^>]*\bsrc\s*=)[^>]*>\s*[^<\s]", re.IGNORECASE)

Classify = Callable[[str, str | None, Any], Item]  # (path, label, value) -> Item
DecideItems = Callable[[Sequence[Item]], Decision]
MAX_LEARNED_LABEL = 160


@dataclass(frozen=True)
class Learned:
    """What one control of a served page asks: its categories and the question text."""

    categories: frozenset[str]
    question: str
    identity: frozenset[tuple[str, str]] = frozenset()  # the form's hidden fields (survey=2)


def _identity(form: Any) -> frozenset[tuple[str, str]]:
    """The hidden fields that tell one form from another posting to the same path."""
    if form is None:
        return frozenset()
    out = []
    for n in form.css('input[type="hidden"]')[:16]:
        name, value = n.attributes.get("name"), n.attributes.get("value")
        if name and value and len(value) <= 200:
            out.append((name, value))
    return frozenset(out[:8])


@dataclass(frozen=True)
class FormRewrite:
    """The page after rewriting (``None`` when nothing changed), the decision over its questions,
    the names of the controls removed or disabled, and what the page's controls ask, by the path
    each form submits to (for the middleware's form map)."""

    html: bytes | None
    decision: Decision | None
    changed: tuple[str, ...]
    learned: dict[str, dict[str, Learned]] = field(default_factory=dict)


def might_have_controls(body: bytes | str) -> bool:
    """A cheap scan: could the page hold a control, a script form or a nested document?"""
    if isinstance(body, str):
        from . import nested_pages

        return _CONTROL_HINT_TEXT.search(body) is not None or nested_pages.HINT.search(body) is not None \
            or might_have_controls(body.encode("utf-8", "ignore"))
    return _CONTROL_HINT.search(body) is not None or script_forms.might_have_script_forms(body) \
        or _INLINE_SCRIPT.search(body) is not None


def _notice_html(text: str) -> str:
    return f'<p class="status-guard-notice" role="note">{html_lib.escape(text)}</p>'


def rewrite_forms(
    body: bytes,
    *,
    item: Classify,
    decide: DecideItems,
    mode: str = "remove",
    notice: Callable[[Decision, str, str | None], str] | None = None,
    charset: str | None = "utf-8",
    page_path: str | None = None,
    limits: Any = None,
    route_prefix: str | None = None,
) -> FormRewrite:
    """Classify every question on the page, decide, and remove or disable the forbidden ones.
    ``charset``: the HTTP ``charset`` (None when the response named none): the page is read in
    the encoding a browser reads it in (``page_charset``) and written back in it.
    ``page_path``: the path the page was served at (form actions resolve against it).
    ``route_prefix``: accepted for compatibility, not used: a script form's question is remembered
    for the paths it can post to (the page's path, the paths its script names, the form around it),
    never route-wide — a route-wide entry made every other form's generic ``q7`` refused (r12e F06)."""
    from .page_charset import decode_page, encode_page, page_encoding

    enc = page_encoding(body, charset)
    text = decode_page(body, enc)
    if not might_have_controls(text):
        return FormRewrite(None, None, ())
    new, decision, changed, learned = rewrite_markup(text, item=item, decide=decide, mode=mode, notice=notice,
                                                     page_path=page_path, limits=limits, route_prefix=route_prefix)
    return FormRewrite(encode_page(new, enc) if new is not None else None, decision, changed, learned)


_COUNTED = "input, select, textarea, button[name]"


def _control_count(trees: list[Any], nested: list[Any]) -> int:
    """Controls on the page and its nested documents, each once: the parser also reads a
    ``<noscript>``'s content as elements of the tree around it, and that content is counted as
    its own nested document (r15b F05: 600 controls in one ``<noscript>`` counted 1 200)."""
    hosted: set[int] = set()
    for n in nested:
        if n.host is not None and n.host.tag == "noscript":
            hosted.update(c.mem_id for c in n.host.css(_COUNTED))
    return sum(1 for t in trees for c in t.css(_COUNTED) if c.mem_id not in hosted)


def rewrite_markup(
    text: str,
    *,
    item: Classify,
    decide: DecideItems,
    mode: str = "remove",
    notice: Callable[[Decision, str, str | None], str] | None = None,
    page_path: str | None = None,
    fragment: bool = False,
    limits: Any = None,
    route_prefix: str | None = None,
) -> tuple[str | None, Decision | None, tuple[str, ...], dict[str, dict[str, Learned]]]:
    """``rewrite_forms`` on decoded markup: the new markup (None: unchanged), the decision, the
    controls changed, what the forms ask. ``fragment``: markup that is part of a document (HTML
    inside a JSON string) — written back without the ``<html>``/``<body>`` a parser adds."""
    from selectolax.lexbor import LexborHTMLParser

    from . import cost, css_text, nested_pages
    from .config import Limits

    limits = limits if limits is not None else Limits()
    tree = LexborHTMLParser(text)
    shadows = nested_pages.flatten_shadow_roots(tree) if "shadowroot" in text else []
    drawn = css_text.apply(tree) if "content" in text and "<style" in text.lower() else []
    nested = nested_pages.collect(tree) if nested_pages.HINT.search(text) else []
    trees = [tree, *(n.tree for n in nested)]
    # bounded before the per-control work (fail closed): a page of 100 000 inputs is refused, not read
    cost.check_page(limits, _control_count(trees, nested), ())
    questions: list[Control] = []
    owner: dict[int, int] = {}  # id(control) -> id(tree)
    hosts = {id(n.tree): n.host for n in nested}
    for t in trees:
        for q in find_controls(t):
            questions.append(q)
            owner[id(q)] = id(t)
            if not q.forms and hosts.get(id(t)) is not None:
                # a control in a <template>/<noscript> belongs to the form around it (F05)
                form = _enclosing(hosts[id(t)], "form", stop=None)
                if form is not None:
                    q.forms.append(form)
    scripted = []

    def asks(label: str) -> bool:  # a script's string that asks something protected
        return bool(item("script", label, MISSING).categories)

    tied = _names_on_page(questions)
    node_control = {n.mem_id: q for q in questions for n in q.nodes}
    for t in trees:  # every inline script: what its literals write is on the page (r12f F01)
        for sq in script_forms.find_script_forms(t, page_path or "", asks, frozenset(tied)):
            scripted.append(sq)
            owner[id(sq)] = id(t)
            for name in sq.ties if sq.definition is None else ():
                ctls = tied.get(name) or _control_after(t, name, node_control)
                for ctl in ctls:  # the text the script writes names that control
                    if sq.label not in ctl.name_texts:
                        ctl.name_texts.append(sq.label[:MAX_QUESTION_CHARS])
    if not questions and not scripted:
        return None, None, (), {}
    cost.check_page(limits, len(questions) + len(scripted), (n for q in questions for n in q.nodes))
    items = [question_item(q.key, q.label_text(), q.options, item) for q in questions]
    script_items = [question_item(sq.key, sq.label or None, sq.options, item) for sq in scripted]
    decision = decide(items + script_items)
    learned = _learn(questions, items, page_path, tree) if page_path is not None else {}
    if page_path is not None:
        # a nested document's control outside any form (a <template> a script stamps): remembered for
        # the paths the page's scripts name and those under the page's own — not route-wide, where
        # another form's generic name would be refused (r12e F06)
        stamped = [(q, it) for q, it in zip(questions, items)
                   if it.categories and owner[id(q)] != id(tree) and not q.forms]
        if stamped:
            named = script_forms.named_paths(tree, page_path)
            for q, it in stamped:
                lrn = Learned(frozenset(it.categories), (q.label_text() or q.key)[:MAX_LEARNED_LABEL])
                for target in named:
                    learned.setdefault(target, {})[q.key] = lrn
        for sq, it in zip(scripted, script_items):
            if it.categories:
                lrn = Learned(frozenset(it.categories), (sq.label or sq.key)[:MAX_LEARNED_LABEL])
                form = _enclosing(sq.block.node, "form", stop=None) if sq.block.node is not None else None
                forms = [form] if form is not None else []
                if sq.definition is None and form is None and sq.block.node is not None:
                    # a script outside any form that writes a question: the page's forms post it (r12f F01)
                    forms = tree.css("form")[:16]
                # the paths this script can post to: its page, the URLs it names, the form around it
                for target in dict.fromkeys([page_path, *sq.block.targets,
                                             *(p for f in forms for p in form_targets(f, page_path))]):
                    for key in (sq.key, *sq.aliases):
                        learned.setdefault(target, {})[key] = lrn
    forbidden = {f.path for f in decision.fields if f.effect in (Effect.BLOCK, Effect.STRIP, Effect.REDACT)}
    if not forbidden:
        return None, decision, (), learned
    gone_scripted = [sq for sq in scripted if sq.key in forbidden]
    if gone_scripted:
        script_forms.remove(gone_scripted)
    html_el = tree.css_first("html")
    page_lang = (html_el.attributes.get("lang") if html_el is not None else None) or None
    changed: list[str] = [sq.key for sq in gone_scripted]
    dirty = {owner[id(sq)] for sq in gone_scripted}
    kept_refs = {n.mem_id for q in questions if q.key not in forbidden for n in q.refs}
    for q in questions:
        if q.key not in forbidden:
            continue
        changed.append(q.key)
        dirty.add(owner[id(q)])
        if mode == "disable":
            for n in q.nodes:
                n.attrs["disabled"] = ""
                if "required" in n.attributes:
                    del n.attrs["required"]
            if notice is not None:
                frag = LexborHTMLParser(_notice_html(notice(decision, q.key, page_lang))).css_first("p")
                if frag is not None:
                    q.nodes[-1].insert_after(frag)
            continue
        _remove(q, kept_refs)
    nested_pages.write_back(nested, dirty - {id(tree)})
    css_text.restore(drawn)
    nested_pages.restore_shadow_roots(shadows)
    if fragment:
        head = tree.head.inner_html if tree.head is not None else ""
        body = tree.body.inner_html if tree.body is not None else ""
        out = (head or "") + (body or "")
    else:
        out = tree.html or ""
    return out, decision, tuple(changed), learned


MAX_OPTIONS_READ = 32
MIN_STATED_OPTIONS = 2
#: an option said of oneself ("I am a U.S. citizen", "Tengo green card"): a statement, never an offer
_FIRST_PERSON = re.compile(r"(?:i\s+am|i'm|i’m|i\s+have|i\s+hold|i\s+was|my\s+status|we\s+are|soy|tengo|estoy|sou|tenho"
                           r"|je\s+suis|j'ai|mwen)\b", re.IGNORECASE)
_VALUE_ONLY = re.compile(r"[\w.-]{0,3}")


def question_item(key: str, label: str | None, option_texts: Sequence[str], item: Classify) -> Item:
    """The item a control asks. A choice whose question is neutral or absent but whose options
    state a status ("I have a green card", "I am a U.S. citizen", a button "Undocumented") asks
    that status: options that enumerate statuses make the control a status question (r12d F15).
    The options are first read together as one label (one classification for the usual control);
    only when that says something is each (at most ``MAX_OPTIONS_READ``) read alone; an
    option naming a city service is an offer, not a status; a question about another subject (a
    parking permit's type) keeps its look-alike reading."""
    from ..collection.subjects import subject_of

    options = list(dict.fromkeys(option_texts))
    it = item(key, label, options if options else MISSING)
    if not options or subject_of(key, label or "") == "unrelated":
        return it
    from ..collection.choices import visa_class_options

    visas = visa_class_options(tuple(" ".join(o.split()) for o in options[:MAX_OPTIONS_READ]))
    if visas is not None and visas[0] not in it.categories:  # "H-1B / F-1 / J-1" (r12e F05)
        shown = ", ".join(f'"{o}"' for o in visas[1][:3])
        it = Item(it.path, it.categories | {visas[0]},
                  (*it.reasons, f"{visas[0]}: the question's options enumerate visa classes ({shown})"), it.value)
    if it.categories:
        return it
    from ..collection.items import _names_a_service

    said = [" ".join(o.split()) for o in options[:MAX_OPTIONS_READ]]
    said = [o for o in said if not _VALUE_ONLY.fullmatch(o) and len(o) <= 200]
    if not said or not item(key, " / ".join(said), MISSING).categories:
        return it  # one classification for a control whose options say nothing protected
    stated = []
    for o in said:
        # an option that names a city service ("Green card renewal help", "Citizenship classes")
        # offers the service; it does not state the person's status (issue 12 item 8)
        if item(key, o, MISSING).categories and not _names_a_service(o):
            stated.append(o)
    if len(stated) < MIN_STATED_OPTIONS and not any(_FIRST_PERSON.match(o) for o in stated):
        return it  # one status word among other choices, not said of oneself, does not enumerate statuses
    return item(key, " / ".join([*([label] if label else []), *stated])[:2000], options)


def _control_after(tree: Any, ref: str, node_control: dict[int, Control]) -> list[Control]:
    """The control that follows the element with id ``ref`` (a script fills an empty ``<span>``
    before a control with its question): the first control met walking forward, bounded."""
    from .questions import css_ident

    if not css_ident(ref):
        return []
    el = tree.css_first(f"#{ref}") if re.fullmatch(r"[A-Za-z_][\w-]{0,63}", ref) else None
    n, steps = el, 0
    while n is not None and steps < 32:
        nxt = n.next
        while nxt is None:
            n = n.parent
            if n is None or n.tag in ("body", "html", "form"):
                return []
            nxt = n.next
        n = nxt
        steps += 1
        if n.mem_id in node_control:
            return [node_control[n.mem_id]]
        inner = n.css_first("input, select, textarea") if n.tag not in ("-text", "-comment") else None
        if inner is not None:
            return [node_control[inner.mem_id]] if inner.mem_id in node_control else []
    return []


def _names_on_page(questions: list[Control]) -> dict[str, list[Control]]:
    """The names a script's literal can be tied to, each with its controls: a control's name, the
    ids of its elements, of its labels and of what its aria attributes point to, and the
    attribute values of its labels (``<label data-i18n="q7">``)."""
    out: dict[str, list[Control]] = {}

    def add(name: str | None, ctl: Control) -> None:
        if name and len(name) <= 64 and ctl not in out.setdefault(name, []):
            out[name].append(ctl)

    for ctl in questions[:2000]:
        add(ctl.key, ctl)
        for n in [*ctl.nodes, *ctl.refs][:32]:
            add(n.attributes.get("id"), ctl)
        for n in ctl.nodes[:8]:  # an empty label a script fills is named by the control's aria attributes
            for attr in ("aria-labelledby", "aria-describedby"):
                for ref in (n.attributes.get(attr) or "").split()[:8]:
                    add(ref, ctl)
        for lab in ctl.labels[:8]:
            for k, v in lab.attributes.items():
                if k != "for" and k != "class" and v:
                    add(v, ctl)
    return out


def _learn(questions: list[Control], items: list[Item], page_path: str,
           tree: Any = None) -> dict[str, dict[str, Learned]]:
    """What each control asks, by the paths it is posted to: its form's (``form_targets``); a
    control outside any form is posted by the page's script — to the page's own path and the paths
    its inline scripts name (``fetch("/x", …)``, r12f F19)."""
    out: dict[str, dict[str, Learned]] = {}
    scripted: list[str] | None = None
    per_form: dict[int, tuple[frozenset[tuple[str, str]], list[str]]] = {}  # once per form, not per control
    for q, it in zip(questions, items):
        # every labelled control is learned: what an open question ("Anything else?") or a service
        # choice asks tells a later short answer apart from a status answer (040(b), 040(k))
        if not it.categories and not q.label_text():
            continue
        text = (q.label_text() or ", ".join(q.options[:4]) or q.key)[:MAX_LEARNED_LABEL]
        for form in q.forms or [None]:
            fkey = form.mem_id if form is not None else 0
            known = per_form.get(fkey)
            if known is None:
                targets = form_targets(form, page_path)
                if form is None and tree is not None:
                    if scripted is None:
                        scripted = script_forms.named_paths(tree, page_path)
                    targets = list(dict.fromkeys([*targets, *scripted]))
                known = per_form[fkey] = (_identity(form), targets)
            identity, targets = known
            learned = Learned(frozenset(it.categories), text, identity)
            for target in targets:
                out.setdefault(target, {})[q.key] = learned
    return out


def _remove(q: Control, kept_refs: set[int]) -> None:
    """Remove a question: its controls, labels, the text beside a radio/checkbox, the elements its
    aria attributes point to (unless a kept control uses them too) and its visible question."""
    fieldsets = {n.mem_id: n for n in (_enclosing(n, "fieldset") for n in q.nodes) if n is not None}
    fieldsets.update({g.mem_id: g for g in q.group_nodes})
    for lab in q.labels:
        lab.decompose() if lab.parent is not None else None
    for t in q.option_nodes:
        t.decompose() if t.parent is not None else None
    for ref in q.refs:
        if ref.mem_id in kept_refs or ref.parent is None:
            continue
        if ref.css_first("input, select, textarea") is None and len(ref.text(deep=True) or "") <= MAX_QUESTION_CHARS * 2:
            ref.decompose()
    for n in q.nodes:
        if n.parent is not None:
            n.decompose()
    for el, attr in q.attr_refs:  # an attribute a script shows as the question (r12f F01)
        if el.parent is not None and attr in el.attributes:
            del el.attrs[attr]
    for cell in q.row_headers:  # a grid row's header asks the question: empty it (the table keeps its shape)
        if cell.parent is not None and cell.css_first("input, select, textarea") is None:
            for child in list(cell.iter(include_text=True)):
                child.decompose()
    for t in q.question_nodes:  # the visible question's own text goes
        t.decompose() if t.parent is not None else None
    for block in [q.question_block, *q.question_blocks]:
        _drop_if_emptied(block)
    for fs in fieldsets.values():  # a fieldset or group left with no question in it goes too
        if fs.parent is not None and fs.css_first("input, select, textarea") is None:
            fs.decompose()


def _drop_if_emptied(block: Any) -> None:
    """The element that held only the removed question text goes (a cell is emptied)."""
    if block is not None and block.parent is not None:
        tag = block.tag
        has_control = block.css_first("input, select, textarea") is not None
        emptied = not (block.text(deep=True) or "").strip()
        if not has_control and emptied:  # and the element that held only it
            if tag in REMOVABLE_BLOCKS:
                block.decompose()
            elif tag in EMPTIED_BLOCKS:
                for child in list(block.iter(include_text=True)):
                    child.decompose()


def insert_notice(body: bytes, text: str, charset: str = "utf-8") -> bytes | None:
    """The page with a notice at the top of its ``<body>`` (words removed from what the person
    submitted, and why); None when the page has no body to put it in."""
    from selectolax.lexbor import LexborHTMLParser

    from .page_charset import decode_page, encode_page, page_encoding

    enc = page_encoding(body, charset)  # the page's own encoding and byte-order mark are kept
    tree = LexborHTMLParser(decode_page(body, enc))
    target = tree.body
    if target is None:
        return None
    frag = LexborHTMLParser(_notice_html(text)).css_first("p")
    if frag is None:
        return None
    first = target.child
    if first is not None:
        first.insert_before(frag)
    else:
        target.insert_child(frag)
    return encode_page(tree.html or "", enc)


def _enclosing(node: Any, tag: str, stop: str | None = "form") -> Any:
    p = node.parent
    depth = 0
    while p is not None and depth < (12 if stop else 256):
        if p.tag == tag:
            return p
        if p.tag == stop:
            return None
        p = p.parent
        depth += 1
    return None
