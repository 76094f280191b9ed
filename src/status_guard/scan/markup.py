"""Markup the HTML parser would not read as a document, rewritten (same length, so offsets stay true)
into markup it does read.

* ``<template>`` (HTML templates, every Vue single-file component): the parser keeps its content
  out of the document tree, so the ``<template>`` tags themselves are blanked.
* ``<script type="text/x-template">`` and similar script templates: their tags are blanked, so
  the content is markup rather than script text.
* Template-language tags *between attributes* (``<input {% if x %}required{% endif %} name=…>``,
  ``<input <%= 'disabled' if x %> name=…>``): blanked, so a ``>`` inside them does not end the tag.
* Expression attributes (JSX/Svelte ``name={field}``, ``onChange={e => set(e)}``): the braces
  become quotes, so the value is read and a ``>`` in the expression does not end the tag; a bare
  ``{...props}`` spread is blanked.
"""

from __future__ import annotations

import re

_SCRIPT_TEMPLATE_TYPES = re.compile(
    r"""\btype\s*=\s*["']?text/(?:x-template|html|template|ng-template|x-handlebars-template|x-jsrender)""",
    re.IGNORECASE)
_TEMPLATE_OPEN = ("{{", "{%", "{#", "<%")
_TEMPLATE_CLOSE = {"{{": "}}", "{%": "%}", "{#": "#}", "<%": "%>"}
_NAME_RE = re.compile(r"[A-Za-z][A-Za-z0-9:._-]*")


def _blank(s: str) -> str:
    return re.sub(r"[^\n]", " ", s)


def _balanced(src: str, i: int) -> int:
    """Index just past the ``}`` that closes the ``{`` at ``i`` (strings respected), or -1."""
    depth = 0
    n = len(src)
    j = i
    while j < n:
        c = src[j]
        if c in "\"'`":
            k = j + 1
            while k < n and src[k] != c:
                k += 2 if src[k] == "\\" else 1
            j = k + 1
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return j + 1
        j += 1
    return -1


def normalise_markup(src: str) -> str:
    """``src`` rewritten as described in the module docstring; same length, newlines kept."""
    out = list(src)
    n = len(src)
    i = 0
    while i < n:
        c = src[i]
        if c != "<":
            i += 1
            continue
        if src.startswith("<!--", i):
            end = src.find("-->", i + 4)
            i = n if end == -1 else end + 3
            continue
        if src.startswith("<%", i):  # a template tag outside a tag: left to the text cleaner
            end = src.find("%>", i + 2)
            i = n if end == -1 else end + 2
            continue
        closing = src.startswith("</", i)
        m = _NAME_RE.match(src, i + (2 if closing else 1))
        if not m:
            i += 1
            continue
        tag = m.group(0).lower()
        start = i
        j = m.end()
        # walk the attributes up to the tag's end
        while j < n and src[j] != ">":
            c = src[j]
            if c in "\"'":
                k = src.find(c, j + 1)
                j = n if k == -1 else k + 1
                continue
            opener = src[j : j + 2]
            if opener in _TEMPLATE_OPEN:
                k = src.find(_TEMPLATE_CLOSE[opener], j + 2)
                k = n if k == -1 else k + 2
                out[j:k] = _blank(src[j:k])
                j = k
                continue
            if c == "{":
                k = _balanced(src, j)
                if k == -1:
                    j += 1
                    continue
                before = src[:j].rstrip()
                if before.endswith("="):  # attr={expr}: quote it
                    inner = src[j + 1 : k - 1].replace('"', "'")
                    out[j:k] = list('"' + inner + '"')
                else:  # {...spread} / {shorthand}
                    out[j:k] = _blank(src[j:k])
                j = k
                continue
            j += 1
        end = min(j + 1, n)
        if tag == "template":
            out[start:end] = _blank(src[start:end])
        elif tag in ("script", "style") and not closing and not (
                tag == "script" and _SCRIPT_TEMPLATE_TYPES.search(src, start, end)):
            close = re.compile(rf"</{tag}\s*>", re.IGNORECASE).search(src, end)
            i = n if close is None else close.end()
            continue
        elif tag == "script" and not closing and _SCRIPT_TEMPLATE_TYPES.search(src, start, end):
            out[start:end] = _blank(src[start:end])
            close = re.compile(r"</script\s*>", re.IGNORECASE).search(src, end)
            if close:
                out[close.start() : close.end()] = _blank(close.group(0))
        i = end
    return "".join(out)
