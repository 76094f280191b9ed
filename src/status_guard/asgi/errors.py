"""Refusal bodies: JSON or HTML (by ``Accept``), in plain words, naming the field, the category
and the citation, in the form's language where the policy pack has a translation. They never
contain a submitted value."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from ..model import Decision, Effect


_INTRO = {
    "en": "This request was refused because it asks for information the law does not allow here.",
    "es": "Esta solicitud fue rechazada porque pide información que la ley no permite aquí.",
    "pt": "Este pedido foi recusado porque pede informações que a lei não permite aqui.",
    "ht": "Demann sa a refize paske li mande enfòmasyon lalwa pa pèmèt isit la.",
    "zh": "此请求被拒绝，因为它要求提供法律在此不允许收集的信息。",
}
_FIELD = {
    "en": "The field “{field}” asks for {categories}.",
    "es": "El campo “{field}” pide {categories}.",
    "pt": "O campo “{field}” pede {categories}.",
    "ht": "Chan “{field}” la mande {categories}.",
    "zh": "字段“{field}”要求提供{categories}。",
}


@dataclass(frozen=True)
class ErrorResponse:
    status: int
    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes


def wants_html(accept: str | None) -> bool:
    """True when the client prefers ``text/html`` to JSON (browsers submitting a form)."""
    if not accept:
        return False
    best_html = best_json = -1.0
    for part in accept.split(","):
        media, _, params = part.strip().partition(";")
        q = 1.0
        for p in params.split(";"):
            k, _, v = p.strip().partition("=")
            if k == "q":
                try:
                    q = float(v)
                except ValueError:
                    q = 0.0
        media = media.strip().lower()
        if media in ("text/html", "application/xhtml+xml"):
            best_html = max(best_html, q)
        elif media in ("application/json", "application/problem+json") or media.endswith("+json"):
            best_json = max(best_json, q)
    return best_html > 0 and best_html >= best_json


def pick_language(route_lang: str | None, accept_language: str | None, known: Sequence[str]) -> str:
    if route_lang and route_lang in known:
        return route_lang
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower().split("-")[0]
        if tag in known:
            return tag
    return "en"


def category_titles(categories: Mapping[str, Any], ids: Sequence[str]) -> list[str]:
    out = []
    for c in ids:
        cat = categories.get(c)
        out.append((cat.title if cat is not None else c.replace("_", " ")).lower() if c else c)
    return out


def refusal(
    decision: Decision,
    *,
    status: int,
    request_id: str,
    html_wanted: bool,
    lang: str,
    categories: Mapping[str, Any],
    code: str = "forbidden_question",
    message: str | None = None,
    source: str = "",
) -> ErrorResponse:
    """A refusal built from a decision: every field it refused, why, and the citation."""
    fields = []
    for f in decision.fields:
        if f.effect is not Effect.BLOCK:
            continue
        cats = sorted(f.categories)
        titles = category_titles(categories, cats)
        reasons = [decision.reason_for(h, lang) for h in decision.hits if f.path in h.paths and h.effect is Effect.BLOCK]
        fields.append({
            "field": f.path,
            "categories": cats,
            "category_titles": titles,
            "citations": list(f.citations),
            "reason": reasons[0] if reasons else "",
            "message": _FIELD.get(lang, _FIELD["en"]).format(field=f.path, categories=", ".join(titles)),
        })
    action_reasons = [decision.reason_for(h, lang) for h in decision.hits if not h.paths and h.effect is Effect.BLOCK]
    text = message or (_INTRO.get(lang, _INTRO["en"]) if fields else (action_reasons[0] if action_reasons else _INTRO["en"]))
    payload = {
        "error": {
            "code": code,
            "message": text,
            "fields": fields,
            "reason": action_reasons[0] if action_reasons else None,
            "citations": list(decision.citations),
            "source": source or None,
            "language": lang,
            "request_id": request_id,
        }
    }
    return _render(status, payload, html_wanted, lang)


def problem(status: int, code: str, message: str, *, request_id: str, html_wanted: bool, lang: str = "en",
            extra: Mapping[str, Any] | None = None) -> ErrorResponse:
    """A refusal that is not a policy decision: a limit, an unparseable body, the audit log down."""
    payload = {"error": {"code": code, "message": message, "fields": [], "citations": [], "language": lang,
                         "request_id": request_id, **(extra or {})}}
    return _render(status, payload, html_wanted, lang)


def _render(status: int, payload: dict[str, Any], html_wanted: bool, lang: str) -> ErrorResponse:
    if not html_wanted:
        body = orjson.dumps(payload)
        return ErrorResponse(status, _headers(b"application/json", body), body)
    e = payload["error"]
    items = "".join(
        f"<li><strong>{html.escape(f['field'])}</strong>: {html.escape(', '.join(f['category_titles']))}"
        f" — {html.escape(f['reason'])} ({html.escape(', '.join(f['citations']))})</li>"
        for f in e["fields"]
    )
    reason = f"<p>{html.escape(e['reason'])}</p>" if e.get("reason") else ""
    cites = f"<p>{html.escape('; '.join(e['citations']))}</p>" if e["citations"] else ""
    doc = (
        f'<!DOCTYPE html><html lang="{html.escape(lang)}"><head><meta charset="utf-8">'
        f"<title>{status}</title></head><body><h1>{html.escape(e['message'])}</h1>{reason}"
        f"{'<ul>' + items + '</ul>' if items else ''}{cites}"
        f"<p><small>Request {html.escape(e['request_id'])}</small></p></body></html>"
    )
    body = doc.encode("utf-8")
    return ErrorResponse(status, _headers(b"text/html; charset=utf-8", body), body)


def _headers(ctype: bytes, body: bytes) -> tuple[tuple[bytes, bytes], ...]:
    return ((b"content-type", ctype), (b"content-length", str(len(body)).encode()),
            (b"cache-control", b"no-store"))
