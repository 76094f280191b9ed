"""HTML response bodies for a requester whose disclosures the policy limits (selectolax / lexbor).

Everything that can carry a value becomes a leaf of the disclosure passes:

* **table cells** — named by their column header: the rows of ``<thead>``, or else a first row
  made only of ``<th>`` (or a first row of ``<td>`` whose texts name a protected category). Every
  other row is data, including body rows written with ``<th>`` (a row header is a value). Merged
  cells (``colspan`` / ``rowspan``) make positions unreliable: when any column is withheld, every
  data cell of that table is;
* **attributes** of cells and of anything inside them (``title``, ``data-*``, an ``<input
  type=hidden value=…>``), named by column and attribute; a withheld cell keeps only its
  ``colspan`` / ``rowspan``;
* **captions**, table ``summary`` / ``title``, and — outside tables — text nodes and value-carrying
  attributes (``title``, ``alt``, ``value``, ``placeholder``, ``aria-label``, ``data-*``,
  ``content``): document text, withheld from a default-deny requester, checked as values (and
  free text, span by span) for others;
* **header cells** are keys (a header that is itself a value is replaced).

Comments are removed and, for a default-deny requester, inline scripts and templates too (they
cannot be checked field by field).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from ..disclose.leaves import Flat, KeyRef, Leaf, key_segment
from ..disclose.values import value_shapes
from ..errors import UnparseableInputError
from ..model import Effect
from .disclosure import Disclosure, RedactedBody

REDACTED = "[REDACTED]"
STRUCTURAL = frozenset({"colspan", "rowspan", "headers", "scope", "class", "id", "style", "align", "valign",
                        "width", "height", "type", "name", "for", "role", "lang", "dir", "tabindex", "hidden",
                        "disabled", "checked", "selected", "readonly", "required", "multiple", "method",
                        "enctype", "rel", "target", "charset", "http-equiv", "media", "sizes", "loading",
                        "decoding", "crossorigin", "integrity", "nonce", "referrerpolicy", "async", "defer",
                        "autocomplete", "maxlength", "minlength", "size", "cols", "rows", "span", "start",
                        "reversed", "border", "cellpadding", "cellspacing", "bgcolor", "color", "frame",
                        "rules", "xmlns"})
URL_ATTRS = frozenset({"href", "src", "action", "formaction", "poster", "cite", "background", "srcset", "data",
                       "longdesc", "manifest", "ping", "usemap", "codebase", "archive", "icon"})
SKIP_TEXT_IN = frozenset({"style"})
OPAQUE_IN = frozenset({"script", "template", "noscript", "iframe", "object"})


def _cells(row: Any) -> list[Any]:
    return [c for c in row.iter() if c.tag in ("th", "td")]


def _nearest(node: Any, tag: str, stop: str | None = None) -> Any:
    p = node.parent
    while p is not None and p.tag != tag:
        if stop is not None and p.tag == stop:
            return None
        p = p.parent
    return p


def _same(a: Any, b: Any) -> bool:
    return a is not None and b is not None and a.mem_id == b.mem_id


def _text(node: Any) -> str:
    return " ".join((node.text(deep=True, separator=" ") or "").split())


def _spans(cell: Any) -> bool:
    return any((cell.attributes.get(a) or "1").strip() != "1" for a in ("colspan", "rowspan"))


def _inside(node: Any, tags: frozenset[str]) -> bool:
    p = node.parent
    while p is not None:
        if p.tag in tags:
            return True
        p = p.parent
    return False


def redact_html(body: bytes, charset: str, d: Disclosure, *, header_item: Any) -> RedactedBody:
    """``header_item(texts) -> bool``: whether a first row of ``<td>`` names protected columns."""
    from selectolax.lexbor import LexborHTMLParser

    try:
        text = body.decode(charset or "utf-8")
    except (UnicodeDecodeError, LookupError):
        raise UnparseableInputError("the HTML response is not valid text in its charset") from None
    tree = LexborHTMLParser(text)
    if tree.root is None:
        return RedactedBody(body, (), ())
    deny = d.audience.default_deny
    changed = False
    # comments (and, for default-deny, inline scripts / templates) cannot be checked field by field
    doomed = []
    for node in tree.root.traverse(include_text=True):
        if node.tag == "-comment":
            doomed.append(node)
        elif deny and node.tag in OPAQUE_IN and not (node.tag == "script" and node.attributes.get("src")
                                                      and not (node.text(deep=True) or "").strip()):
            doomed.append(node)
    for node in doomed:
        node.decompose()
        changed = True

    flat = Flat()
    spans_tables: dict[int, list[int]] = {}  # table number -> leaf indices of its data cells
    withheld_table: dict[int, bool] = {}
    in_tables: set[int] = set()
    for t, table in enumerate(tree.css("table")):
        in_tables.add(table.mem_id)
        rows = [r for r in table.css("tr") if _same(_nearest(r, "table"), table)]
        head = [r for r in rows if _nearest(r, "thead", stop="table") is not None]
        if head:
            header_rows = head
        elif rows and _cells(rows[0]) and all(c.tag == "th" for c in _cells(rows[0])):
            header_rows = [rows[0]]
        elif rows and _cells(rows[0]) and header_item([_text(c) for c in _cells(rows[0])]):
            header_rows = [rows[0]]
        else:
            header_rows = []
        hdr_ids = {r.mem_id for r in header_rows}
        body_rows = [r for r in rows if r.mem_id not in hdr_ids]
        width = max([len(_cells(r)) for r in rows] or [0])
        texts = [[_text(c) for c in _cells(r)] for r in header_rows]
        names = [" ".join(tx[i] for tx in texts if i < len(tx) and tx[i]) for i in range(width)]
        segs = [key_segment(n) if n and names.count(n) == 1 and d.safe_key(n) else f"*{i}" for i, n in enumerate(names)]
        for r in header_rows:
            for j, c in enumerate(_cells(r)):
                flat.keys.append(KeyRef(_text(c), (), f"table[{t}].{segs[j] if j < width else f'*{j}'}",
                                        ("hcell", c)))
        spans = any(_spans(c) for r in rows for c in _cells(r))
        members: list[int] = []
        for ri, r in enumerate(body_rows):
            for j, c in enumerate(_cells(r)):
                col = (names[j],) if j < width and names[j] else ()
                base = f"table[{t}][{ri}].{segs[j] if j < width else f'*{j}'}"
                members.append(len(flat.leaves))
                flat.leaves.append(Leaf(col, base, _text(c), ("cell", c), kind="value" if col else "text"))
                for el in _elements(c):
                    for a, v in (el.attributes or {}).items():
                        if a.lower() in STRUCTURAL or v is None:
                            continue
                        if a.lower() in URL_ATTRS and not _suspicious_url(v, d):
                            continue
                        flat.leaves.append(Leaf(col + (a.lower(),), f"{base}.{_attr_seg(a)}", v, ("attr", el, a),
                                                kind="text"))
        spans_tables[t] = members
        withheld_table[t] = spans
        cap = table.css_first("caption")
        if cap is not None and _same(_nearest(cap, "table"), table) and _text(cap):
            flat.leaves.append(Leaf((), f"table[{t}].caption", _text(cap), ("cell", cap), kind="text"))
        for a, v in (table.attributes or {}).items():
            if a.lower() not in STRUCTURAL and v is not None:
                flat.leaves.append(Leaf((), f"table[{t}].{_attr_seg(a)}", v, ("attr", table, a), kind="text"))
    # outside tables: text nodes and value-carrying attributes
    n_text = 0
    for node in tree.root.traverse(include_text=True):
        if node.tag in ("table", "-comment"):
            continue
        if _inside(node, frozenset({"table"})):
            continue
        if node.tag == "-text":
            value = node.text(deep=False) or ""
            if not value.strip() or _inside(node, SKIP_TEXT_IN) or _inside(node, OPAQUE_IN):
                continue
            flat.leaves.append(Leaf((), f"text[{n_text}]", value, ("text", node), kind="text"))
            n_text += 1
        elif not node.tag.startswith("-"):
            for a, v in (node.attributes or {}).items():
                al = a.lower()
                if v is None or al in STRUCTURAL:
                    continue
                if al in URL_ATTRS and not _suspicious_url(v, d):
                    continue
                label = node.attributes.get("name") or ""
                names = (label, al) if label else ()
                flat.leaves.append(Leaf(names, f"{node.tag}.{_attr_seg(a)}[{n_text}]", v, ("attr", node, a),
                                        kind="value" if names and al == "value" else "text"))
                n_text += 1
    if not flat.leaves and not flat.keys:
        return RedactedBody(tree.html.encode(charset or "utf-8", "xmlcharrefreplace") if changed else body, (), ())
    out = d.run(flat)
    # merged cells: a withheld column withholds the whole table's data cells
    for t, members in spans_tables.items():
        if withheld_table.get(t) and any(out.withheld(i) for i in members):
            for i in members:
                out.effects[i] = max(out.effects[i], Effect.REDACT, key=lambda e: e.rank)
    withheld: dict[str, None] = {}
    for i, leaf in enumerate(flat.leaves):
        kind = leaf.ref[0]
        if i in out.rewritten:
            _set(leaf.ref, out.rewritten[i])
            changed = True
        elif out.withheld(i):
            _withhold(leaf.ref)
            withheld.setdefault(leaf.path.split(".", 1)[-1], None)
            changed = True
    n = 0
    for k in sorted(out.keys_withheld):
        n += 1
        _replace_content(flat.keys[k].ref[1], REDACTED if n == 1 else f"{REDACTED} {n}")
        changed = True
    if not changed:
        return RedactedBody(body, (out.decision,), ())
    html = tree.html or ""
    return RedactedBody(html.encode(charset or "utf-8", "xmlcharrefreplace"), (out.decision,), tuple(withheld))


def _elements(cell: Any) -> list[Any]:
    return [cell] + [n for n in cell.traverse(include_text=False) if not n.tag.startswith("-") and not _same(n, cell)]


def _attr_seg(a: str) -> str:
    return "attr_" + "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in a.lower())[:40]


def _suspicious_url(v: str, d: Disclosure) -> bool:
    raw = unquote(v)
    return bool(value_shapes(raw)) or bool(d.classifier.classify_value(raw).categories)


def _replace_content(node: Any, text: str) -> None:
    for child in list(node.iter(include_text=True)):
        if child.parent is not None:
            child.decompose()
    node.insert_child(text)


def _withhold(ref: Any) -> None:
    kind = ref[0]
    if kind == "cell":
        node = ref[1]
        _replace_content(node, REDACTED)
        for a in list((node.attributes or {}).keys()):
            if a.lower() not in ("colspan", "rowspan"):
                del node.attrs[a]
    elif kind == "attr":
        _, node, a = ref
        if a in (node.attributes or {}):
            del node.attrs[a]
    elif kind == "text":
        ref[1].replace_with(REDACTED)


def _set(ref: Any, value: str) -> None:
    kind = ref[0]
    if kind == "cell":
        _replace_content(ref[1], value)
    elif kind == "text":
        ref[1].replace_with(value)
    elif kind == "attr":
        ref[1].attrs[ref[2]] = value


__all__ = ["redact_html"]
