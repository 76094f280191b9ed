"""XML response bodies (NIEM ``nc:`` / ``j:`` / ``im:`` exchanges, Ed-Fi, any ``*+xml``), redacted
element by element like JSON.

Parsed with lxml, safely: no DTD loaded, no entity resolved, no network, no huge trees. A
document with a ``<!DOCTYPE`` (where entity bombs and external entities live) or one that does
not parse is refused to a restricted requester.

Leaves are, namespace-aware by local name: the text of an element without element children
(``nc:PersonFullName``), every attribute value (``s:id``, ``nc:dateRepresentation``), and the
text of mixed content (document text, never carved out). Names are the local names from the root
(``Booking.Person.PersonBirthDate``), which is what public-record patterns match
(``**.ChargeDescriptionText``). Element and attribute names are keys; a namespace URI that could
carry a value (``urn:x:77-Elm-St``) is a leaf, replaced by ``urn:status-guard:redacted:N`` when
withheld. Comments and processing instructions are removed (they can carry anything); a withheld
value becomes ``[REDACTED]``; a withheld element name becomes ``REDACTED`` in its namespace.

**The bytes sent are the checked tree, serialised** — also when nothing was withheld (comments,
processing instructions and anything outside the root element never pass).
"""

from __future__ import annotations

from typing import Any

from ..disclose.leaves import Flat, KeyRef, Leaf, key_segment
from ..errors import LimitExceededError, UnparseableInputError
from .disclosure import Disclosure, RedactedBody

REDACTED = "[REDACTED]"


def _parser() -> Any:
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                           huge_tree=False, remove_blank_text=False, strip_cdata=True)


def _local(tag: Any) -> str:
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def parse_xml(body: bytes) -> Any:
    from lxml import etree

    if b"<!DOCTYPE" in body.upper() or b"<!ENTITY" in body.upper():
        raise UnparseableInputError("XML with a document type declaration (DTD) is not accepted: it can define "
                                    "entities the guard does not expand")
    try:
        root = etree.fromstring(body, _parser())
    except etree.XMLSyntaxError:
        raise UnparseableInputError("the XML response is malformed") from None
    except ValueError:
        raise UnparseableInputError("the XML response is malformed") from None
    if root is None:
        raise UnparseableInputError("the XML response is empty")
    doc = root.getroottree()
    if doc.docinfo.doctype or doc.docinfo.internalDTD is not None:
        raise UnparseableInputError("XML with a document type declaration (DTD) is not accepted")
    return root


def redact_xml(body: bytes, d: Disclosure) -> RedactedBody:
    from lxml import etree

    root = parse_xml(body)
    # comments and processing instructions can hold anything and have no name: removed (those
    # around the root element are not serialised below)
    for node in list(root.iter(etree.Comment, etree.ProcessingInstruction)):
        if node.getparent() is not None:
            _drop_keep_tail(node)
    flat = Flat()
    # namespace URIs are declared text too (``xmlns:p="urn:x:<a value>"``): one leaf per URI that
    # could carry a value; a withheld one is replaced by an opaque URI of its own
    uris: dict[str, None] = {}
    for el in root.iter():
        for uri in (el.nsmap or {}).values():
            if uri:
                uris.setdefault(uri, None)
    for k, uri in enumerate(uris):
        if suspicious_uri(uri, d):
            flat.leaves.append(Leaf((), f"xmlns[{k}]", uri, ("ns", uri), kind="text"))
    max_leaves = d.limits.max_response_leaves
    stack: list[tuple[Any, tuple[str, ...], str, int]] = [(root, (_local(root.tag),), _seg(root, None), 0)]
    while stack:
        el, names, path, depth = stack.pop()
        if depth > d.limits.max_response_depth:
            raise LimitExceededError("XML nesting depth", d.limits.max_response_depth)
        flat.keys.append(KeyRef(names[-1], names[:-1], path, ("tag", el)))
        for a, v in el.attrib.items():
            an = _local(a)
            flat.leaves.append(Leaf(names + (an,), f"{path}.@{key_segment(an) if d.safe_key(an) else '*'}", v,
                                    ("attr", el, a)))
            flat.keys.append(KeyRef(an, names, f"{path}.@*", ("attrname", el, a)))
        children = [c for c in el if isinstance(c.tag, str)]
        if not children:
            if el.text is not None and el.text.strip():
                flat.leaves.append(Leaf(names, path, el.text, ("text", el)))
        else:
            mixed = [(el, "text")] if el.text and el.text.strip() else []
            mixed += [(c, "tail") for c in el if c.tail and c.tail.strip()]
            for k, (node, which) in enumerate(mixed):
                flat.leaves.append(Leaf(names, f"{path}.text[{k}]", getattr(node, which), (which, node), kind="text"))
            counts: dict[str, int] = {}
            for c in children:
                counts[_local(c.tag)] = counts.get(_local(c.tag), 0) + 1
            seen: dict[str, int] = {}
            batch = []
            for c in children:
                ln = _local(c.tag)
                idx = seen.get(ln, 0)
                seen[ln] = idx + 1
                seg = _seg(c, idx if counts[ln] > 1 else None, d)
                batch.append((c, names + (ln,), f"{path}.{seg}", depth + 1))
            stack.extend(reversed(batch))
        if len(flat.leaves) > max_leaves:
            raise LimitExceededError("XML value count", max_leaves)
    out = d.run(flat)
    withheld: dict[str, None] = {}
    renamed_ns: dict[str, str] = {}
    for i, leaf in enumerate(flat.leaves):
        kind, node = leaf.ref[0], leaf.ref[1]
        if kind == "ns":
            if out.withheld(i) or i in out.rewritten:
                renamed_ns[node] = f"urn:status-guard:redacted:{len(renamed_ns) + 1}"
                withheld.setdefault(leaf.path, None)
            continue
        if i in out.rewritten:
            value = out.rewritten[i]
        elif out.withheld(i):
            value = REDACTED
            withheld.setdefault(leaf.path, None)
        else:
            continue
        if kind == "attr":
            node.set(leaf.ref[2], value)
        elif kind == "text":
            node.text = value
        elif kind == "tail":
            node.tail = value
    for k in out.keys_withheld:
        ref = flat.keys[k].ref
        if ref[0] == "tag":
            el = ref[1]
            ns = el.tag.split("}", 1)[0] + "}" if el.tag.startswith("{") else ""
            el.tag = ns + "REDACTED"
        else:  # an attribute whose name is a value: the attribute goes
            _, el, a = ref
            el.attrib.pop(a, None)
        withheld.setdefault(flat.keys[k].path + ".*key", None)
    if renamed_ns:
        _rename_namespaces(root, renamed_ns)
    doc = root.getroottree()
    declared = body.lstrip().startswith(b"<?xml")
    new = etree.tostring(root, xml_declaration=declared, encoding=doc.docinfo.encoding or "utf-8")
    return RedactedBody(new, (out.decision,), tuple(withheld))


def suspicious_uri(uri: str, d: Disclosure) -> bool:
    """Whether a namespace URI could carry a value: it (or its words, ``77-Elm-St`` read as
    ``77 Elm St``) has a date / address / phone / e-mail shape, or classifies as a value of some
    category. Long digit runs alone do not count: ``http://www.w3.org/2001/XMLSchema-instance``,
    ``http://ed-fi.org/0220`` are names of standards."""
    from urllib.parse import unquote

    from ..disclose.values import slug_shapes

    text = unquote(uri)
    if slug_shapes(text) - {"id_number"}:
        return True
    cats = d.classifier.classify_value(text).categories
    return bool(cats) if d.audience.default_deny else bool(cats & d.audience.hidden)


def _rename_namespaces(root: Any, renamed: dict[str, str]) -> None:
    """Every element and attribute in a withheld namespace moves to its opaque replacement; the
    old declarations go (other prefixes are kept: QNames in attribute values may use them)."""
    from lxml import etree

    keep = {p for el in root.iter() for p, u in (el.nsmap or {}).items() if p and u not in renamed}
    for el in root.iter():
        tag = el.tag
        if isinstance(tag, str) and tag.startswith("{"):
            ns, local = tag[1:].split("}", 1)
            if ns in renamed:
                el.tag = "{" + renamed[ns] + "}" + local
        for a in list(el.attrib):
            if a.startswith("{"):
                ns, local = a[1:].split("}", 1)
                if ns in renamed:
                    el.set("{" + renamed[ns] + "}" + local, el.attrib.pop(a))
    etree.cleanup_namespaces(root, keep_ns_prefixes=sorted(keep))
    left = {u for el in root.iter() for u in (el.nsmap or {}).values()}
    if left & set(renamed):  # a declaration lxml kept: the URI must not leave
        raise UnparseableInputError("an XML namespace declaration that carries a value could not be removed")


def _seg(el: Any, index: int | None, d: Disclosure | None = None) -> str:
    ln = _local(el.tag)
    seg = key_segment(ln) if (d is None or d.safe_key(ln)) else "*"
    return seg if index is None else f"{seg}[{index}]"


def _drop_keep_tail(node: Any) -> None:
    parent = node.getparent()
    tail = node.tail
    prev = node.getprevious()
    parent.remove(node)
    if tail:
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail


__all__ = ["parse_xml", "redact_xml"]
