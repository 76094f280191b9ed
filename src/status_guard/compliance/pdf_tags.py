"""Repair passes over WeasyPrint's tagged PDF: running page furniture becomes a pagination artifact,
and every table header cell gets a /Scope (PDF/UA-1, Matterhorn 15-003).

WeasyPrint (70) tags the text of page margin boxes (our "Page 3 of 6" and the running title) as
marked content with an MCID that no structure element claims. A screen reader then meets content
that belongs nowhere (PDF/UA-1, Matterhorn 01-004); PDF/UA's answer for page numbers and running
heads is an ``/Artifact`` of type ``/Pagination``. This pass rewrites exactly those orphaned
sequences and leaves every tagged one untouched; ``tests/compliance/test_report_document.py``
checks the result.
"""

from __future__ import annotations

import io

import pikepdf


def _claimed(pdf: pikepdf.Pdf) -> set[tuple[int, int]]:
    """(page object number, MCID) for every marked-content reference in the structure tree."""
    found: set[tuple[int, int]] = set()
    root = pdf.Root.get("/StructTreeRoot")
    if root is None:
        return found
    stack: list[tuple[object, object]] = [(root, None)]
    while stack:
        node, page = stack.pop()
        if not isinstance(node, pikepdf.Dictionary):
            continue
        pg = node.get("/Pg", page)
        k = node.get("/K")
        items = list(k) if isinstance(k, pikepdf.Array) else ([] if k is None else [k])
        for c in items:
            if isinstance(c, int) and pg is not None:
                found.add((pg.objgen[0], int(c)))
            elif isinstance(c, pikepdf.Dictionary):
                if c.get("/Type") == "/MCR":
                    p = c.get("/Pg", pg)
                    if p is not None:
                        found.add((p.objgen[0], int(c["/MCID"])))
                else:
                    stack.append((c, pg))
    return found


def _header_scopes(pdf: pikepdf.Pdf) -> bool:
    """Give every /TH structure element a /Scope (PDF/UA-1, Matterhorn 15-003; w16e F06): WeasyPrint does
    not carry the HTML ``scope`` into the tag tree. A header in a /THead row, or in a row of headers only, is
    a /Column header; a header beside data cells is a /Row header. Returns whether anything changed."""
    root = pdf.Root.get("/StructTreeRoot")
    if root is None:
        return False
    changed = False
    stack: list[tuple[object, object]] = [(root, None)]
    while stack:
        node, parent = stack.pop()
        if not isinstance(node, pikepdf.Dictionary):
            continue
        k = node.get("/K")
        kids = [c for c in (list(k) if isinstance(k, pikepdf.Array) else ([] if k is None else [k]))
                if isinstance(c, pikepdf.Dictionary) and c.get("/Type") != "/MCR"]
        if node.get("/S") == "/TR":
            cells = [c for c in kids if c.get("/S") in ("/TH", "/TD")]
            in_head = isinstance(parent, pikepdf.Dictionary) and parent.get("/S") == "/THead"
            all_headers = bool(cells) and all(c.get("/S") == "/TH" for c in cells)
            for c in cells:
                if c.get("/S") != "/TH":
                    continue
                attrs = c.get("/A")
                if isinstance(attrs, pikepdf.Dictionary) and "/Scope" in attrs:
                    continue
                scope = "/Column" if in_head or all_headers else "/Row"
                c.A = pikepdf.Dictionary(O=pikepdf.Name("/Table"), Scope=pikepdf.Name(scope))
                changed = True
        for c in kids:
            stack.append((c, node))
    return changed


def pagination_artifacts(data: bytes) -> bytes:
    """``data`` with every marked-content sequence that no structure element claims turned into a
    ``/Artifact <</Type /Pagination>>`` sequence. Returns ``data`` unchanged when there is none."""
    pdf = pikepdf.open(io.BytesIO(data))
    claimed = _claimed(pdf)
    changed = _header_scopes(pdf)
    for page in pdf.pages:
        num = page.obj.objgen[0]
        ops = pikepdf.parse_content_stream(page)
        out = []
        touched = False
        for operands, op in ops:
            if str(op) == "BDC" and len(operands) == 2 and isinstance(operands[1], pikepdf.Dictionary):
                mcid = operands[1].get("/MCID")
                if mcid is not None and (num, int(mcid)) not in claimed:
                    operands = [pikepdf.Name("/Artifact"),
                                pikepdf.Dictionary(Type=pikepdf.Name("/Pagination"))]
                    touched = True
            out.append(pikepdf.ContentStreamInstruction(operands, op))
        if touched:
            page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(out))
            changed = True
    if not changed:
        return data
    buf = io.BytesIO()
    pdf.save(buf, deterministic_id=True, compress_streams=True)
    return buf.getvalue()
