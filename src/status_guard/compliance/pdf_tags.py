"""One repair pass over WeasyPrint's tagged PDF: running page furniture becomes a pagination artifact.

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


def pagination_artifacts(data: bytes) -> bytes:
    """``data`` with every marked-content sequence that no structure element claims turned into a
    ``/Artifact <</Type /Pagination>>`` sequence. Returns ``data`` unchanged when there is none."""
    pdf = pikepdf.open(io.BytesIO(data))
    claimed = _claimed(pdf)
    changed = False
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
