"""HTML response bodies for a requester whose disclosures the policy limits (selectolax / lexbor).

Everything that can carry a value becomes a leaf of the disclosure passes:

* **table cells** — named by their column header: the rows of ``<thead>``, or else a first row
  made only of ``<th>`` (or a first row of ``<td>`` whose texts name a protected category). Every
  other row is data, including body rows written with ``<th>`` (a row header is a value). Cells
  are placed by the HTML table model (``grid``): a ``colspan`` cell is a value of *every* column
  it covers (withheld if any of them is), a ``rowspan`` cell occupies the rows below, so later
  cells are named by the column a browser shows them in. Merged cells stay a warning sign: when
  any data cell of such a table is withheld, every data cell of that table is;
* **attributes** of cells and of anything inside them (``title``, ``data-*``, an ``<input
  type=hidden value=…>``), named by column and attribute; a withheld cell keeps only its
  ``colspan`` / ``rowspan``;
* attributes of every other element of a table (header cells, rows, row groups, ``<col>``):
  document text;
* **captions**, table ``summary`` / ``title``, and — outside tables — text nodes and value-carrying
  attributes (``title``, ``alt``, ``value``, ``placeholder``, ``aria-label``, ``data-*``,
  ``content``): document text, withheld from a default-deny requester, checked as values (and
  free text, span by span) for others;
* **header cells** are keys (a header that is itself a value is replaced).

Comments are removed (also before ``<html>`` / after ``</html>``) and, for a default-deny requester, inline scripts, templates and style
sheets too (they cannot be checked field by field; CSS ``content:`` renders text). For others the
text of a ``<style>`` is document text. A ``style`` or URL attribute is a leaf when it could carry
a value (a value shape once ``-`` / ``_`` / ``/`` are read as spaces, or a category).

The bytes returned are the checked tree, serialised — also when nothing was withheld.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from ..disclose.leaves import Flat, KeyRef, Leaf, key_segment
from ..disclose.values import slug_shapes
from ..errors import UnparseableInputError
from ..model import Effect
from .disclosure import Disclosure, RedactedBody

REDACTED = "[REDACTED]"
STRUCTURAL = frozenset({"colspan", "rowspan", "headers", "scope", "class", "id", "align", "valign",
                        "width", "height", "type", "name", "for", "role", "lang", "dir", "tabindex", "hidden",
                        "disabled", "checked", "selected", "readonly", "required", "multiple", "method",
                        "enctype", "rel", "target", "charset", "http-equiv", "media", "sizes", "loading",
                        "decoding", "crossorigin", "integrity", "nonce", "referrerpolicy", "async", "defer",
                        "autocomplete", "maxlength", "minlength", "size", "cols", "rows", "span", "start",
                        "reversed", "border", "cellpadding", "cellspacing", "bgcolor", "color", "frame",
                        "rules", "xmlns"})
URL_ATTRS = frozenset({"href", "src", "action", "formaction", "poster", "cite", "background", "srcset", "data",
                       "longdesc", "manifest", "ping", "usemap", "codebase", "archive", "icon"})
#: attributes that usually hold no value (URLs, inline style): leaves only when they could carry one
QUIET_ATTRS = URL_ATTRS | frozenset({"style"})
#: removed for a default-deny requester: code and style sheets cannot be checked field by field
#: (CSS ``content:`` renders text); for others their text is document text, checked as values
OPAQUE_IN = frozenset({"script", "template", "noscript", "iframe", "object", "style"})


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


def _span(cell: Any, name: str, cap: int) -> int:
    raw = (cell.attributes.get(name) or "1").strip()
    try:
        n = int(raw.split(".", 1)[0] or "1")
    except ValueError:
        n = 1
    if name == "rowspan" and n == 0:
        return cap  # rowspan=0: to the end of the row group
    return min(max(n, 1), cap)


def grid(rows: list[Any], groups: list[Any]) -> list[list[tuple[Any, list[int]]]]:
    """The HTML table model: for each row, its cells and the columns each one covers — colspan
    widens a cell, a rowspan cell occupies the rows below it (within its row group), so later
    cells move right exactly as a browser lays them out."""
    out: list[list[tuple[Any, list[int]]]] = []
    taken: set[tuple[int, int]] = set()
    n = len(rows)
    group_end = [n - 1] * n  # last row index of each row's group (one pass, from the end)
    for i in range(n - 2, -1, -1):
        group_end[i] = group_end[i + 1] if _same(groups[i + 1], groups[i]) else i
    for r, row in enumerate(rows):
        col = 0
        placed: list[tuple[Any, list[int]]] = []
        for c in _cells(row):
            while (r, col) in taken:
                col += 1
            cs = _span(c, "colspan", 1000)
            rs = _span(c, "rowspan", group_end[r] - r + 1)
            rs = min(rs, group_end[r] - r + 1)
            cols = list(range(col, col + cs))
            for rr in range(r, r + rs):
                for cc in cols:
                    taken.add((rr, cc))
            placed.append((c, cols))
            col += cs
        out.append(placed)
    return out


def redact_html(body: bytes, charset: str, d: Disclosure, *, header_item: Any) -> RedactedBody:
    """``header_item(texts) -> bool``: whether a first row of ``<td>`` names protected columns.

    The bytes returned are the checked tree, serialised — also when nothing was withheld."""
    from selectolax.lexbor import LexborHTMLParser

    try:
        text = body.decode(charset or "utf-8")
    except (UnicodeDecodeError, LookupError):
        raise UnparseableInputError("the HTML response is not valid text in its charset") from None
    tree = LexborHTMLParser(text)
    if tree.root is None:
        if body.strip():
            raise UnparseableInputError("the HTML response could not be parsed")
        return RedactedBody(body, (), ())
    deny = d.audience.default_deny
    # comments (and, for default-deny, inline scripts / templates / style sheets) cannot be checked
    # field by field
    doomed = []
    top = tree.root.parent if tree.root.parent is not None else tree.root  # the document: a comment
    for node in top.traverse(include_text=True):  # before <html> or after it is a child of it
        if node.tag == "-comment":
            doomed.append(node)
        elif deny and node.tag in OPAQUE_IN and not (node.tag == "script" and node.attributes.get("src")
                                                      and not (node.text(deep=True) or "").strip()):
            doomed.append(node)
    for node in doomed:
        node.decompose()

    flat = Flat()
    spans_tables: dict[int, list[int]] = {}  # table number -> leaf indices of its data cells
    withheld_table: dict[int, bool] = {}
    seen_attrs: set[tuple[Any, str]] = set()  # (element, attribute) already a leaf
    for t, table in enumerate(tree.css("table")):
        rows = [r for r in table.css("tr") if _same(_nearest(r, "table"), table)]
        groups = [r.parent for r in rows]
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
        layout = grid(rows, groups)
        width = max([max(cols) + 1 for placed in layout for _, cols in placed] or [0])
        by_col: list[list[str]] = [[] for _ in range(width)]
        for r, placed in zip(rows, layout):
            if r.mem_id in hdr_ids:
                for c, cols in placed:
                    tx = _text(c)
                    for j in cols:
                        if tx:
                            by_col[j].append(tx)
        names = [" ".join(dict.fromkeys(tx)) for tx in by_col]
        segs = [key_segment(n) if n and names.count(n) == 1 and d.safe_key(n) else f"*{i}" for i, n in enumerate(names)]
        for r, placed in zip(rows, layout):
            if r.mem_id in hdr_ids:
                for c, cols in placed:
                    flat.keys.append(KeyRef(_text(c), (), f"table[{t}].{segs[cols[0]]}", ("hcell", c)))
        spans = any(_spans(c) for r in rows for c in _cells(r))
        members: list[int] = []
        ri = -1
        for r, placed in zip(rows, layout):
            if r.mem_id in hdr_ids:
                continue
            ri += 1
            for c, cols in placed:
                # a merged cell is a value of every column it covers: withheld if any of them is
                for j in cols:
                    col = (names[j],) if names[j] else ()
                    base = f"table[{t}][{ri}].{segs[j]}"
                    members.append(len(flat.leaves))
                    flat.leaves.append(Leaf(col, base, _text(c), ("cell", c), kind="value" if col else "text"))
                    for el in _elements(c):
                        for a, v in (el.attributes or {}).items():
                            seen_attrs.add((el.mem_id, a))
                            if a.lower() in STRUCTURAL or v is None:
                                continue
                            if a.lower() in QUIET_ATTRS and not _suspicious_url(v, d):
                                continue
                            flat.leaves.append(Leaf(col + (a.lower(),), f"{base}.{_attr_seg(a)}", v,
                                                    ("attr", el, a), kind="text"))
        spans_tables[t] = members
        withheld_table[t] = spans
        cap = table.css_first("caption")
        if cap is not None and _same(_nearest(cap, "table"), table) and _text(cap):
            flat.leaves.append(Leaf((), f"table[{t}].caption", _text(cap), ("cell", cap), kind="text"))
        for a, v in (table.attributes or {}).items():
            if a.lower() not in STRUCTURAL and v is not None:
                if a.lower() in QUIET_ATTRS and not _suspicious_url(v, d):
                    continue
                flat.leaves.append(Leaf((), f"table[{t}].{_attr_seg(a)}", v, ("attr", table, a), kind="text"))
        # every other element of the table — header cells and what is inside them, rows, row
        # groups, columns, captions' children: their attributes are document text (r10b F06)
        for el in table.traverse(include_text=False):
            if _same(el, table) or el.tag.startswith("-") or not _same(_nearest(el, "table"), table):
                continue
            for a, v in (el.attributes or {}).items():
                if (el.mem_id, a) in seen_attrs or v is None or a.lower() in STRUCTURAL:
                    continue
                if a.lower() in QUIET_ATTRS and not _suspicious_url(v, d):
                    continue
                seen_attrs.add((el.mem_id, a))
                flat.leaves.append(Leaf((), f"table[{t}].{el.tag}.{_attr_seg(a)}", v, ("attr", el, a), kind="text"))
    # outside tables: text nodes (style sheets' text too: CSS `content:` renders text) and
    # value-carrying attributes
    n_text = 0
    for node in tree.root.traverse(include_text=True):
        if node.tag in ("table", "-comment"):
            continue
        if _inside(node, frozenset({"table"})):
            continue
        if node.tag == "-text":
            value = node.text(deep=False) or ""
            if not value.strip() or _inside(node, OPAQUE_IN - {"style"}):
                continue
            flat.leaves.append(Leaf((), f"text[{n_text}]", value, ("text", node), kind="text"))
            n_text += 1
        elif not node.tag.startswith("-"):
            for a, v in (node.attributes or {}).items():
                al = a.lower()
                if v is None or al in STRUCTURAL:
                    continue
                if al in QUIET_ATTRS and not _suspicious_url(v, d):
                    continue
                label = node.attributes.get("name") or ""
                names = (label, al) if label else ()
                flat.leaves.append(Leaf(names, f"{node.tag}.{_attr_seg(a)}[{n_text}]", v, ("attr", node, a),
                                        kind="value" if names and al == "value" else "text"))
                n_text += 1
    if not flat.leaves and not flat.keys:
        return RedactedBody(_serialise(tree, charset), (), ())
    out = d.run(flat)
    # merged cells: a withheld column withholds the whole table's data cells
    for t, members in spans_tables.items():
        if withheld_table.get(t) and any(out.withheld(i) for i in members):
            for i in members:
                out.effects[i] = max(out.effects[i], Effect.REDACT, key=lambda e: e.rank)
    # one node may be several leaves (a merged cell, per column it covers): withheld wins
    withheld: dict[str, None] = {}
    held: set[tuple[Any, ...]] = set()
    for i, leaf in enumerate(flat.leaves):
        if out.withheld(i) and i not in out.rewritten:  # (a rewritten leaf stays, its spans replaced)
            held.add(_ref_key(leaf.ref))
            withheld.setdefault(leaf.path.split(".", 1)[-1], None)
    done: set[tuple[Any, ...]] = set()
    for i, leaf in enumerate(flat.leaves):
        key = _ref_key(leaf.ref)
        if key in done:
            continue
        if key in held:
            _withhold(leaf.ref)
            done.add(key)
        elif i in out.rewritten:
            _set(leaf.ref, out.rewritten[i])
            done.add(key)
    n = 0
    for k in sorted(out.keys_withheld):
        n += 1
        _replace_content(flat.keys[k].ref[1], REDACTED if n == 1 else f"{REDACTED} {n}")
    return RedactedBody(_serialise(tree, charset), (out.decision,), tuple(withheld))


def _serialise(tree: Any, charset: str) -> bytes:
    return (tree.html or "").encode(charset or "utf-8", "xmlcharrefreplace")


def _ref_key(ref: Any) -> tuple[Any, ...]:
    return (ref[0], ref[1].mem_id, ref[2] if len(ref) > 2 else None)


def _elements(cell: Any) -> list[Any]:
    return [cell] + [n for n in cell.traverse(include_text=False) if not n.tag.startswith("-") and not _same(n, cell)]


def _attr_seg(a: str) -> str:
    return "attr_" + "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in a.lower())[:40]


def _suspicious_url(v: str, d: Disclosure) -> bool:
    raw = unquote(v)
    return bool(slug_shapes(raw)) or bool(d.classifier.classify_value(raw).categories)


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
