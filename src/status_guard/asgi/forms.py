"""Outgoing HTML forms: remove (or disable with a notice) every control that asks a question the
law forbids in this scope, before the page leaves the server.

A control is classified by everything a person filling the form would read or a developer would
name it by: its ``name`` and ``id``, its ``<label for>`` or wrapping ``<label>``, ``aria-label``,
``aria-labelledby``, ``placeholder``, ``title``, the ``<legend>`` of its fieldset, and — for
selects, radios and checkboxes — the option texts. Radios and checkboxes sharing a name are one
question. Pages with no controls are returned untouched without parsing (a cheap byte scan), and a
page whose controls are all legitimate is returned byte for byte as it came."""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..model import MISSING, Decision, Effect, Item

_CONTROL_HINT = re.compile(rb"<\s*(?:input|select|textarea)\b", re.IGNORECASE)
_SKIP_INPUT_TYPES = frozenset({"submit", "button", "reset", "image"})
_WS = re.compile(r"\s+")

Classify = Callable[[str, str | None, Any], Item]  # (path, label, value) -> Item
DecideItems = Callable[[Sequence[Item]], Decision]


@dataclass(frozen=True)
class FormRewrite:
    """The page after rewriting (``None`` when nothing changed), the decision over its questions
    and the names of the controls removed or disabled."""

    html: bytes | None
    decision: Decision | None
    changed: tuple[str, ...]


def might_have_controls(body: bytes) -> bool:
    return _CONTROL_HINT.search(body) is not None


def _text(node: Any) -> str:
    return _WS.sub(" ", node.text(deep=True, separator=" ") or "").strip()


@dataclass
class _Question:
    key: str
    nodes: list[Any]
    labels: list[Any]  # label elements to remove with the control
    texts: list[str]  # label-ish texts
    options: list[str]  # option texts (selects, radios, checkboxes)


def _collect(tree: Any) -> list[_Question]:
    labels_for: dict[str, list[Any]] = {}
    for lab in tree.css("label[for]"):
        labels_for.setdefault(lab.attributes.get("for") or "", []).append(lab)
    by_key: dict[str, _Question] = {}
    order: list[_Question] = []
    for n in tree.css("input, select, textarea"):
        attrs = n.attributes
        itype = (attrs.get("type") or "text").lower() if n.tag == "input" else n.tag
        if itype in _SKIP_INPUT_TYPES:
            continue
        key = attrs.get("name") or attrs.get("id") or ""
        if not key:
            key = f"unnamed-{n.tag}"
        q = by_key.get(key) if itype in ("radio", "checkbox") else None
        if q is None:
            q = _Question(key, [], [], [], [])
            if key != attrs.get("id") and attrs.get("id"):
                q.texts.append(attrs["id"] or "")
            order.append(q)
            if itype in ("radio", "checkbox"):
                by_key[key] = q
        q.nodes.append(n)
        own_labels: list[Any] = list(labels_for.get(attrs.get("id") or "\0", ()))
        parent = n.parent
        depth = 0
        fieldset = None
        while parent is not None and depth < 12:
            if parent.tag == "label" and all(parent.mem_id != x.mem_id for x in own_labels):
                own_labels.append(parent)
            if parent.tag == "fieldset" and fieldset is None:
                fieldset = parent
            if parent.tag == "form":
                break
            parent = parent.parent
            depth += 1
        label_texts = [_text(lab) for lab in own_labels]
        if itype in ("radio", "checkbox"):
            q.options.extend(t for t in label_texts if t)
            if attrs.get("value"):
                q.options.append(attrs["value"] or "")
        else:
            q.texts.extend(t for t in label_texts if t)
        q.labels.extend(own_labels)
        for a in ("aria-label", "placeholder", "title"):
            if attrs.get(a):
                q.texts.append(attrs[a] or "")
        for ref in (attrs.get("aria-labelledby") or "").split():
            ref_node = tree.css_first(f"#{_css_ident(ref)}") if _css_ident(ref) else None
            if ref_node is not None:
                q.texts.append(_text(ref_node))
        if fieldset is not None:
            legend = fieldset.css_first("legend")
            if legend is not None:
                q.texts.append(_text(legend))
        if n.tag == "select":
            q.options.extend(t for t in (_text(o) for o in n.css("option")) if t)
    return order


def _css_ident(ref: str) -> str:
    return ref if re.fullmatch(r"[A-Za-z_][\w-]{0,127}", ref) else ""


def _notice_html(text: str) -> str:
    return f'<p class="status-guard-notice" role="note">{html_lib.escape(text)}</p>'


def rewrite_forms(
    body: bytes,
    *,
    item: Classify,
    decide: DecideItems,
    mode: str = "remove",
    notice: Callable[[Decision, str, str | None], str] | None = None,
    charset: str = "utf-8",
) -> FormRewrite:
    """Classify every question on the page, decide, and remove or disable the forbidden ones."""
    from selectolax.lexbor import LexborHTMLParser

    if not might_have_controls(body):
        return FormRewrite(None, None, ())
    try:
        text = body.decode(charset)
    except (UnicodeDecodeError, LookupError):
        text = body.decode("utf-8", "replace")
    tree = LexborHTMLParser(text)
    questions = _collect(tree)
    if not questions:
        return FormRewrite(None, None, ())
    items = []
    for q in questions:
        label = " / ".join(dict.fromkeys(t for t in q.texts if t)) or None
        items.append(item(q.key, label, list(dict.fromkeys(q.options)) if q.options else MISSING))
    decision = decide(items)
    forbidden = {f.path for f in decision.fields if f.effect in (Effect.BLOCK, Effect.STRIP, Effect.REDACT)}
    if not forbidden:
        return FormRewrite(None, decision, ())
    html_el = tree.css_first("html")
    page_lang = (html_el.attributes.get("lang") if html_el is not None else None) or None
    changed: list[str] = []
    for q in questions:
        if q.key not in forbidden:
            continue
        changed.append(q.key)
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
        fieldsets = {n.mem_id: n for n in (_enclosing(n, "fieldset") for n in q.nodes) if n is not None}
        for lab in q.labels:
            lab.decompose() if lab.parent is not None else None
        for n in q.nodes:
            if n.parent is not None:
                n.decompose()
        for fs in fieldsets.values():  # a fieldset left with no question in it goes too
            if fs.parent is not None and fs.css_first("input, select, textarea") is None:
                fs.decompose()
    out = tree.html or ""
    return FormRewrite(out.encode(charset, "xmlcharrefreplace") if _encodable(charset) else out.encode("utf-8"),
                       decision, tuple(changed))


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


def _encodable(charset: str) -> bool:
    try:
        "".encode(charset)
        return True
    except LookupError:
        return False
