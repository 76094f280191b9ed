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
            or script_forms.might_have_script_forms(body.encode("utf-8", "ignore"))
    return _CONTROL_HINT.search(body) is not None or script_forms.might_have_script_forms(body)


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
) -> FormRewrite:
    """Classify every question on the page, decide, and remove or disable the forbidden ones.
    ``charset``: the HTTP ``charset`` (None when the response named none): the page is read in
    the encoding a browser reads it in (``page_charset``) and written back in it.
    ``page_path``: the path the page was served at (form actions resolve against it)."""
    from .page_charset import decode_page, encode_page, page_encoding

    enc = page_encoding(body, charset)
    text = decode_page(body, enc)
    if not might_have_controls(text):
        return FormRewrite(None, None, ())
    new, decision, changed, learned = rewrite_markup(text, item=item, decide=decide, mode=mode, notice=notice,
                                                     page_path=page_path, limits=limits)
    return FormRewrite(encode_page(new, enc) if new is not None else None, decision, changed, learned)


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
    cost.check_page(limits, sum(len(t.css("input, select, textarea, button[name]")) for t in trees), ())
    questions: list[Control] = []
    owner: dict[int, int] = {}  # id(control) -> id(tree)
    for t in trees:
        for q in find_controls(t):
            questions.append(q)
            owner[id(q)] = id(t)
    scripted = []
    main_scripts = script_forms.might_have_script_forms(text.encode("utf-8", "ignore"))
    for t in trees:
        if t is not tree or main_scripts:  # a nested document's scripts are read as they are
            for sq in script_forms.find_script_forms(t, page_path or ""):
                scripted.append(sq)
                owner[id(sq)] = id(t)
    if not questions and not scripted:
        return None, None, (), {}
    cost.check_page(limits, len(questions) + len(scripted), (n for q in questions for n in q.nodes))
    items = []
    for q in questions:
        label = q.label_text()
        items.append(item(q.key, label, list(dict.fromkeys(q.options)) if q.options else MISSING))
    script_items = [item(sq.key, sq.label or None, list(dict.fromkeys(sq.options)) if sq.options else MISSING)
                    for sq in scripted]
    decision = decide(items + script_items)
    learned = _learn(questions, items, page_path) if page_path is not None else {}
    if page_path is not None:
        for sq, it in zip(scripted, script_items):
            if it.categories:
                lrn = Learned(frozenset(it.categories), (sq.label or sq.key)[:MAX_LEARNED_LABEL])
                for target in sq.block.targets:
                    learned.setdefault(target, {})[sq.key] = lrn
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


def _learn(questions: list[Control], items: list[Item], page_path: str) -> dict[str, dict[str, Learned]]:
    out: dict[str, dict[str, Learned]] = {}
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
                known = per_form[fkey] = (_identity(form), form_targets(form, page_path))
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
    for cell in q.row_headers:  # a grid row's header asks the question: empty it (the table keeps its shape)
        if cell.parent is not None and cell.css_first("input, select, textarea") is None:
            for child in list(cell.iter(include_text=True)):
                child.decompose()
    for t in q.question_nodes:  # the visible question's own text goes
        t.decompose() if t.parent is not None else None
    block = q.question_block
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
    for fs in fieldsets.values():  # a fieldset or group left with no question in it goes too
        if fs.parent is not None and fs.css_first("input, select, textarea") is None:
            fs.decompose()


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


def _enclosing(node: Any, tag: str) -> Any:
    p = node.parent
    depth = 0
    while p is not None and depth < 12:
        if p.tag == tag:
            return p
        if p.tag == "form":
            return None
        p = p.parent
        depth += 1
    return None
