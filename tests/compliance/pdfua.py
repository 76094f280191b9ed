"""A structural check of a PDF against the machine-checkable core of PDF/UA-1 (ISO 14289-1), with pikepdf.

veraPDF (the reference validator) is a Java application distributed outside the package registries this
project can reach, so the tests check the conditions of the Matterhorn Protocol 1.1 that decide whether a
screen reader can use the report, reading the PDF's own objects with pikepdf (qpdf):

* 01-004/01-005  every painting operator on every page (text, paths, images, XObjects) is inside marked
                 content that is either tagged (has an MCID that the structure tree reaches) or an Artifact;
* 01-002         the catalog says the document is tagged (MarkInfo /Marked true) and has a structure tree;
* 06-002/06-003  the XMP metadata declares PDF/UA part 1 and a dc:title;  07-001 DisplayDocTitle is true;
* 11-006         the catalog has a natural language (/Lang);
* 13-004         every Figure structure element has alternative text;
* 14-002/14-003  headings start at H1 and no level is skipped going down;
* 15-003         every table has header cells (TH), and its rows hold only TH/TD;
* 31-001..       every font used is embedded;
* 19-003         every page whose content is tagged carries /StructParents.
``problems(pdf_bytes)`` returns a list of (checkpoint, message); empty means the checks pass.
"""

from __future__ import annotations

import io
import re
from typing import Any

import pikepdf

PAINT = {"Tj", "TJ", "'", '"', "Do", "f", "F", "f*", "B", "B*", "b", "b*", "S", "s", "sh", "BI", "INLINE IMAGE"}


def _struct_children(node: Any) -> list[Any]:
    k = node.get("/K")
    if k is None:
        return []
    items = list(k) if isinstance(k, pikepdf.Array) else [k]
    return [c for c in items if isinstance(c, pikepdf.Dictionary) and "/S" in c]


def _walk(node: Any, out: list[Any]) -> None:
    for c in _struct_children(node):
        out.append(c)
        _walk(c, out)


def _mcids_in_tree(root: Any) -> set[tuple[int, int]]:
    """(page object number, mcid) for every marked-content reference the structure tree holds."""
    found: set[tuple[int, int]] = set()

    def visit(node: Any, page: Any) -> None:
        pg = node.get("/Pg", page)
        k = node.get("/K")
        items = list(k) if isinstance(k, pikepdf.Array) else ([] if k is None else [k])
        for c in items:
            if isinstance(c, int):
                if pg is not None:
                    found.add((pg.objgen[0], int(c)))
            elif isinstance(c, pikepdf.Dictionary):
                if c.get("/Type") == "/MCR":
                    p = c.get("/Pg", pg)
                    if p is not None:
                        found.add((p.objgen[0], int(c["/MCID"])))
                elif "/S" in c:
                    visit(c, pg)

    visit(root, None)
    return found


def problems(data: bytes) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pdf = pikepdf.open(io.BytesIO(data))
    root = pdf.Root
    mark = root.get("/MarkInfo")
    if mark is None or not bool(mark.get("/Marked", False)):
        out.append(("01-002", "the catalog does not declare the document tagged (MarkInfo /Marked true)"))
    st = root.get("/StructTreeRoot")
    if st is None:
        out.append(("01-002", "no structure tree"))
        return out
    lang = root.get("/Lang")
    if lang is None or not str(lang).strip():
        out.append(("11-006", "no natural language (/Lang) in the catalog"))
    vp = root.get("/ViewerPreferences")
    if vp is None or not bool(vp.get("/DisplayDocTitle", False)):
        out.append(("07-001", "ViewerPreferences /DisplayDocTitle is not true"))
    meta = str(pdf.open_metadata())
    if not re.search(r'pdfuaid:part(="1"|>1<)', meta):
        out.append(("06-002", "the XMP metadata does not declare PDF/UA part 1 (pdfuaid:part)"))
    if not re.search(r"<dc:title>.*?<rdf:li[^>]*>[^<]+</rdf:li>", meta, re.S):
        out.append(("06-003", "the XMP metadata has no dc:title"))

    elements: list[Any] = []
    _walk(st, elements)
    heading_levels: list[int] = []
    for el in elements:
        s = str(el["/S"])
        if s == "/Figure":
            alt = el.get("/Alt")
            if alt is None or not str(alt).strip():
                out.append(("13-004", "a Figure has no alternative text"))
        m = re.fullmatch(r"/H([1-6])", s)
        if m:
            heading_levels.append(int(m.group(1)))
        if s == "/Table":
            cells = []
            stack = [el]
            while stack:
                n = stack.pop()
                for c in _struct_children(n):
                    cs = str(c["/S"])
                    if cs in ("/TH", "/TD"):
                        cells.append(cs)
                    elif cs in ("/THead", "/TBody", "/TFoot", "/TR"):
                        stack.append(c)
                    elif str(n["/S"]) == "/TR":
                        out.append(("15-003", f"a table row holds {cs}, not TH/TD"))
            if "/TH" not in cells:
                out.append(("15-003", "a table has no header cell (TH)"))
    if heading_levels:
        if heading_levels[0] != 1:
            out.append(("14-002", f"the first heading is H{heading_levels[0]}, not H1"))
        for a, b in zip(heading_levels, heading_levels[1:]):
            if b > a + 1:
                out.append(("14-003", f"heading level skipped: H{a} followed by H{b}"))
    else:
        out.append(("14-002", "the document has no heading"))

    tagged = _mcids_in_tree(st)
    fonts_seen: dict[int, Any] = {}
    for pno, page in enumerate(pdf.pages, 1):
        page_obj = page.obj
        stack: list[tuple[str, int | None]] = []
        used_mcids: set[int] = set()
        untagged = 0
        for operands, op in pikepdf.parse_content_stream(page):
            name = str(op)
            if name in ("BDC", "BMC"):
                tag = str(operands[0])
                mcid = None
                if name == "BDC" and len(operands) > 1 and isinstance(operands[1], pikepdf.Dictionary):
                    v = operands[1].get("/MCID")
                    mcid = int(v) if v is not None else None
                stack.append((tag, mcid))
                if mcid is not None:
                    used_mcids.add(mcid)
            elif name == "EMC":
                if stack:
                    stack.pop()
            elif name in PAINT:
                if not any(t == "/Artifact" or m is not None for t, m in stack):
                    untagged += 1
        if untagged:
            out.append(("01-005", f"page {pno}: {untagged} painting operator(s) neither tagged nor marked as Artifact"))
        for mcid in used_mcids:
            if (page_obj.objgen[0], mcid) not in tagged:
                out.append(("01-004", f"page {pno}: marked content {mcid} is not reached from the structure tree"))
        if used_mcids and "/StructParents" not in page_obj:
            out.append(("19-003", f"page {pno}: tagged content but no /StructParents"))
        res = page_obj.get("/Resources", {})
        for f in (res.get("/Font") or {}).values():
            fonts_seen[f.objgen[0]] = f
    for f in fonts_seen.values():
        desc = f.get("/FontDescriptor")
        if desc is None and "/DescendantFonts" in f:
            desc = f["/DescendantFonts"][0].get("/FontDescriptor")
        if desc is None or not any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")):
            out.append(("31-009", f"font {f.get('/BaseFont')} is not embedded"))
    return out


def page_texts(data: bytes) -> list[str]:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(data)
    try:
        return [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    finally:
        doc.close()
