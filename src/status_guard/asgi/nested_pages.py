"""Documents inside a served page that a person can be shown (r12c, issue 12 F11).

A page carries markup the main document tree does not show as controls, and every one of them can
put a question in front of a resident:

* ``<noscript>`` — what a browser shows with scripting off;
* ``<template>`` — what a script stamps into the page, and the same in a ``<script>`` whose type
  is a template language's (``text/x-template``, ``text/html``, ``text/ng-template``,
  ``text/x-handlebars-template`` … — any type that is neither JavaScript nor JSON);
* markup in a string literal of an inline script (``el.innerHTML = '<label>…</label><input …>'``,
  a template literal without ``${}``): each literal holding a control is a fragment, written back
  into the script escaped for the same quote;
* ``<iframe srcdoc="…">`` — a whole document in an attribute;
* ``data:text/html`` URLs in ``<iframe src>``, ``<frame src>``, ``<object data>``, ``<embed src>``
  (percent-encoded or base64).

Each is parsed as a document of its own (nested ones too, to ``MAX_DEPTH``), its controls found
and decided with the page's, and — when one of its questions is removed — written back where it
came from, encoded the way it came. ``find_controls`` on the main tree skips controls inside
``<noscript>`` / ``<template>``: they are read here, once.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote_to_bytes

MAX_DEPTH = 4
MAX_NESTED = 64
MAX_NESTED_CHARS = 2 * 1024 * 1024
_DATA_HTML = re.compile(r"^\s*data:\s*(text/html|application/xhtml\+xml)\s*((?:;[^,]*)?),", re.IGNORECASE | re.DOTALL)
HINT = re.compile(r"<\s*(?:noscript|template)\b|\bsrcdoc\s*=|data:\s*(?:text/html|application/xhtml)"
                  r"|<\s*script\b", re.IGNORECASE)
_CONTROLS = re.compile(r"<\s*(?:input|select|textarea|button|form|iframe|noscript)\b", re.IGNORECASE)
#: script types a browser runs or reads as data: their text is code, not markup
SCRIPT_TYPES = frozenset({"", "text/javascript", "module", "application/javascript", "text/ecmascript",
                          "application/ecmascript", "text/jscript", "text/livescript", "application/x-javascript",
                          "text/x-javascript", "importmap", "speculationrules", "text/babel", "text/jsx",
                          "text/typescript", "application/typescript"})


@dataclass
class Nested:
    """One nested document: its tree, where it came from, and how to put it back."""

    tree: Any
    depth: int
    write_back: Callable[[str], None]
    fragment: bool  # noscript / template content: write back the body's children only
    host: Any = None  # the element of the outer document that holds it (its form owns the controls)

    def markup(self) -> str:
        if not self.fragment:
            return self.tree.html or ""
        head = self.tree.head.inner_html if self.tree.head is not None else ""
        body = self.tree.body.inner_html if self.tree.body is not None else ""
        return (head or "") + (body or "")


def _parse(text: str) -> Any:
    from selectolax.lexbor import LexborHTMLParser

    return LexborHTMLParser(text)


def _template_inner(node: Any) -> str:
    frags = node.template_fragments()
    return (frags[0].html or "") if frags else ""


def _replace_template(node: Any, inner: str) -> None:
    """The template's content (a fragment outside the tree) replaced by ``inner``."""
    frags = node.template_fragments()
    if not frags:
        return
    frag = frags[0]
    for child in list(frag.iter(include_text=True)):
        child.decompose()
    new = _parse(inner)
    for part in (new.head, new.body):
        if part is not None:
            for child in list(part.iter(include_text=True)):
                frag.insert_child(child)


def _data_url(value: str) -> tuple[str, Callable[[str], str]] | None:
    """The HTML of a ``data:text/html`` URL, and how to write new HTML back the same way."""
    m = _DATA_HTML.match(value or "")
    if m is None:
        return None
    params = m.group(2) or ""
    payload = value[m.end():]
    is_b64 = bool(re.search(r";\s*base64\s*$", params, re.IGNORECASE))
    try:
        raw = base64.b64decode(unquote_to_bytes(payload), validate=False) if is_b64 else unquote_to_bytes(payload)
    except (ValueError, TypeError):
        return None
    cs = re.search(r"charset\s*=\s*([^;\s]+)", params, re.IGNORECASE)
    from .page_charset import decode_page, encode_page, page_encoding

    enc = page_encoding(raw, cs.group(1) if cs else None)
    head = value[:m.end()]

    def rebuild(html: str) -> str:
        data = encode_page(html, enc)
        return head + (base64.b64encode(data).decode("ascii") if is_b64 else quote(data, safe=" /:=;,-_.!~*'()<>\"#"))

    return decode_page(raw, enc), rebuild


def collect(tree: Any, depth: int = 1, out: list[Nested] | None = None) -> list[Nested]:
    """Every nested document of ``tree`` (and of those, to ``MAX_DEPTH``), innermost last."""
    out = [] if out is None else out
    if depth > MAX_DEPTH or tree.root is None:
        return out

    def add(text: str, write_back: Callable[[str], None], fragment: bool, host: Any = None) -> None:
        if len(out) >= MAX_NESTED or not text or len(text) > MAX_NESTED_CHARS:
            return
        sub = _parse(text)
        out.append(Nested(sub, depth, write_back, fragment, host))
        collect(sub, depth + 1, out)

    for node in tree.css("noscript"):
        inner = node.inner_html or ""
        if "<" in inner:
            add(inner, (lambda n: lambda html: setattr(n, "inner_html", html))(node), True, node)
    for node in tree.css("template"):
        inner = _template_inner(node)
        if "<" in inner:
            add(inner, (lambda n: lambda html: _replace_template(n, html))(node), True, node)
    for node in tree.css("script[type]"):
        typ = (node.attributes.get("type") or "").split(";")[0].strip().lower()
        if typ in SCRIPT_TYPES or "json" in typ or node.attributes.get("src"):
            continue
        inner = node.text(deep=True) or ""
        if _CONTROLS.search(inner):
            add(inner, (lambda n: lambda html: setattr(n, "inner_html", html))(node), True, node)
    for node in tree.css("script"):
        typ = (node.attributes.get("type") or "").split(";")[0].strip().lower()
        if typ not in SCRIPT_TYPES or node.attributes.get("src"):
            continue
        code = node.text(deep=True) or ""
        if len(code) > MAX_NESTED_CHARS or not _CONTROLS.search(code):
            continue
        literals = js_markup_literals(code)
        if literals:
            holder = _ScriptText(node, code)
            for start, end, quote, markup in literals:
                add(markup, holder.writer(start, end, quote), True, node)
    for node in tree.css("iframe[srcdoc], frame[srcdoc]"):
        doc = node.attributes.get("srcdoc") or ""
        if "<" in doc:
            add(doc, (lambda n: lambda html: n.attrs.__setitem__("srcdoc", html))(node), False)
    for sel, attr in (("iframe[src]", "src"), ("frame[src]", "src"), ("object[data]", "data"), ("embed[src]", "src")):
        for node in tree.css(sel):
            got = _data_url(node.attributes.get(attr) or "")
            if got is not None:
                html, rebuild = got
                add(html, (lambda n, a, rb: lambda h: n.attrs.__setitem__(a, rb(h)))(node, attr, rebuild), False)
    return out


_JS_STRING = re.compile(r"""(["'`])((?:\\.|(?!\1)[^\\])*)\1""", re.DOTALL)
_JS_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}


def _js_unescape(body: str) -> str | None:
    out: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch != "\\":
            out.append(ch)
            i += 1
            continue
        nxt = body[i + 1:i + 2]
        if nxt == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", body[i + 2:i + 6]):
            out.append(chr(int(body[i + 2:i + 6], 16)))
            i += 6
        elif nxt == "x" and re.fullmatch(r"[0-9a-fA-F]{2}", body[i + 2:i + 4]):
            out.append(chr(int(body[i + 2:i + 4], 16)))
            i += 4
        elif nxt == "\n":
            i += 2  # a line continuation
        elif nxt:
            out.append(_JS_ESCAPES.get(nxt, nxt))
            i += 2
        else:
            return None
    return "".join(out)


def _js_escape(text: str, quote: str) -> str:
    out = text.replace("\\", "\\\\").replace(quote, "\\" + quote).replace("\n", "\\n").replace("\r", "\\r")
    out = out.replace("</script", "<\\/script")
    return out.replace("${", "\\${") if quote == "`" else out


def js_markup_literals(code: str) -> list[tuple[int, int, str, str]]:
    """(start, end, quote, markup) of every string literal in ``code`` holding a form control."""
    out = []
    for m in _JS_STRING.finditer(code):
        body = m.group(2)
        if not _CONTROLS.search(body) or (m.group(1) == "`" and "${" in body):
            continue
        if not body.lstrip().startswith("<") or (m.group(1) != "`" and "\n" in body):
            continue  # markup strings start with a tag; a quote pair spanning lines is not a literal
        text = _js_unescape(body)
        if text is not None:
            out.append((m.start(2), m.end(2), m.group(1), text))
        if len(out) >= MAX_NESTED:
            break
    return out


class _ScriptText:
    """An inline script whose string literals are rewritten (last first, so offsets hold)."""

    def __init__(self, node: Any, code: str) -> None:
        self.node, self.code, self.edits = node, code, {}

    def writer(self, start: int, end: int, quote: str) -> Callable[[str], None]:
        def write(html: str) -> None:
            self.edits[(start, end)] = _js_escape(html, quote)
            code = self.code
            for (a, b), new in sorted(self.edits.items(), reverse=True):
                code = code[:a] + new + code[b:]
            self.node.inner_html = code
        return write


SHADOW_MARK = "data-status-guard-shadowroot"


def flatten_shadow_roots(tree: Any) -> list[tuple[Any, Any]]:
    """A declarative shadow root (``<template shadowrootmode="open">``) is rendered as part of its
    host, before the host's own children (r12c F07): its content is put in the tree, in an element
    right after the template, so questions in it are read beside the host's controls. Undone by
    ``restore_shadow_roots`` before the page is written."""
    from selectolax.lexbor import LexborHTMLParser

    out = []
    for node in tree.css("template[shadowrootmode], template[shadowroot]")[:MAX_NESTED]:
        frags = node.template_fragments()
        if not frags:
            continue
        holder = LexborHTMLParser(f"<div {SHADOW_MARK}></div>").css_first("div")
        node.insert_after(holder)
        holder = node.next
        if holder is None or SHADOW_MARK not in holder.attributes:
            continue
        for child in list(frags[0].iter(include_text=True)):
            holder.insert_child(child)  # a copy (another document's nodes)
            child.decompose()
        out.append((node, holder))
    return out


def restore_shadow_roots(pairs: list[tuple[Any, Any]]) -> None:
    for node, holder in pairs:
        frags = node.template_fragments()
        if frags:
            for child in list(holder.iter(include_text=True)):
                frags[0].insert_child(child)
        holder.decompose()


def write_back(nested: list[Nested], changed: set[int]) -> None:
    """Put every changed nested document back, innermost first (a change inside one changes the
    document holding it). ``changed``: ``id`` of the trees whose questions were removed."""
    dirty = set(changed)
    by_tree = {id(n.tree): n for n in nested}
    for n in sorted(nested, key=lambda x: -x.depth):
        if id(n.tree) in dirty:
            n.write_back(n.markup())
            parent = _owner(n, nested, by_tree)
            if parent is not None:
                dirty.add(id(parent))
            else:
                dirty.add(0)  # the main page


def _owner(n: Nested, nested: list[Nested], by_tree: dict[int, Nested]) -> Any:
    """The tree holding ``n`` (None: the main page)."""
    if n.depth == 1:
        return None
    i = nested.index(n)
    for cand in reversed(nested[:i]):
        if cand.depth == n.depth - 1:
            return cand.tree
    return None


__all__ = ["HINT", "MAX_DEPTH", "Nested", "collect", "write_back"]
