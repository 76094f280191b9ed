"""Text a page draws with CSS (r12c F07): ``label[for=q7]::before { content: "Are you a U.S.
citizen?" }`` puts the question on the screen though no element holds it.

Before the page's questions are read, each ``::before`` / ``::after`` rule with a string
``content`` in the page's own ``<style>`` sheets is applied: its text is put, in a marked
``<span>``, at the start / end of every element the rule's selector matches (selectolax's CSS
engine; a selector it cannot read is skipped). The question finder then reads it like any text.
Afterwards every span is taken out again; where the question it belonged to was removed, the
rule's ``content`` is emptied in the sheet too, so the page no longer draws it.

Only inline ``<style>`` sheets are read (an external stylesheet is not fetched: no network).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

MAX_RULES = 256
MAX_MATCHES = 32
MARK = "data-status-guard-css"
_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_CONTENT = re.compile(r"""(content\s*:\s*)("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')""", re.IGNORECASE)
_PSEUDO = re.compile(r"::?(before|after)\b", re.IGNORECASE)
_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6}\s?|.)", re.DOTALL)


@dataclass
class _Drawn:
    span: Any
    style: Any
    start: int  # the content string's position in the sheet
    end: int


def _unescape(s: str) -> str:
    def one(m: re.Match[str]) -> str:
        g = m.group(1)
        if re.fullmatch(r"[0-9a-fA-F]{1,6}\s?", g):
            try:
                return chr(int(g.strip(), 16))
            except (ValueError, OverflowError):
                return ""
        return "" if g == "\n" else g
    return _ESCAPE.sub(one, s)


def apply(tree: Any) -> list[_Drawn]:
    from selectolax.lexbor import LexborHTMLParser

    out: list[_Drawn] = []
    for style in tree.css("style")[:16]:
        sheet = style.text(deep=True) or ""
        if "content" not in sheet.lower():
            continue
        for k, rule in enumerate(_RULE.finditer(sheet)):
            if k >= MAX_RULES:
                break
            content = _CONTENT.search(rule.group(2))
            if content is None:
                continue
            text = " ".join(_unescape(content.group(2)[1:-1]).split())
            if not text:
                continue
            start = rule.start(2) + content.start(2)
            end = rule.start(2) + content.end(2)
            for sel in rule.group(1).split(","):
                m = _PSEUDO.search(sel)
                if m is None:
                    continue
                base = _PSEUDO.sub("", sel).strip() or "*"
                try:
                    targets = tree.css(base)[:MAX_MATCHES]
                except Exception:  # noqa: BLE001 - a selector selectolax cannot read: not applied
                    continue
                for el in targets:
                    if el.tag in ("style", "script", "head", "html", "-undef") or MARK in el.attributes:
                        continue
                    span = LexborHTMLParser(f"<span {MARK}></span>").css_first("span")
                    if span is None:
                        continue
                    span.insert_child(text)
                    if m.group(1).lower() == "before" and el.child is not None:
                        el.child.insert_before(span)
                        placed = el.child
                    else:
                        el.insert_child(span)
                        placed = el.last_child
                    if placed is not None and MARK in placed.attributes:
                        out.append(_Drawn(placed, style, start, end))
    return out


def _attached(node: Any) -> bool:
    n = node
    for _ in range(256):
        if n is None:
            return False
        if n.tag == "html":
            return True
        n = n.parent
    return True


def restore(drawn: list[_Drawn]) -> None:
    """Take the spans out; empty the ``content`` of every rule whose text went with a question."""
    cut: dict[int, tuple[Any, set[tuple[int, int]]]] = {}
    for d in drawn:
        attached = _attached(d.span)
        if not attached or not (d.span.text(deep=True) or "").strip():  # its question was removed
            cut.setdefault(d.style.mem_id, (d.style, set()))[1].add((d.start, d.end))
        if attached:
            d.span.decompose()
    for style, spans in cut.values():
        sheet = style.text(deep=True) or ""
        for a, b in sorted(spans, reverse=True):
            sheet = sheet[:a] + '""' + sheet[b:]
        style.inner_html = sheet


__all__ = ["apply", "restore"]
