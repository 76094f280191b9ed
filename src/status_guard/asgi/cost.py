"""What a served page or a body may cost the guard (issue 15, round f): bounds on the work that
grows with what a client or an app sent, checked before the work is done, and an estimate of the
work that decides whether the check runs off the event loop.

* ``check_page``: form controls on one page (``Limits.max_page_controls``) and how deep they sit
  in the markup (``Limits.max_html_depth``, the ancestors of each control, each counted once);
* ``budget``: the per-check :class:`~status_guard.work_budget.WorkBudget` (free-text characters,
  ``Limits.max_text_chars``);
* ``work_estimate``: bytes plus a weight per field-like token (a quoted string, a ``&`` pair, a
  tag): a 4 KiB body of 700 one-letter JSON keys costs as much as ~40 KiB of prose, so it is
  checked in a worker thread like one.

Past a bound: :class:`LimitExceededError` naming it — the middleware refuses the request (400) or
withholds the response (400, audited); never a pass-through."""

from __future__ import annotations

from typing import Any

from ..errors import LimitExceededError
from ..work_budget import TEXT_CHARS, WorkBudget
from . import encoding
from .config import Limits

PAGE_CONTROLS = "number of form controls on a page"
HTML_DEPTH = "HTML nesting depth of a form control"
FIELD_WEIGHT = 64  # bytes of prose that cost about as much as one more field to classify
TAG_WEIGHT = 16
#: request limits met while the submission is being checked (not while it is read): the refusal is
#: audited like a refusal of what it asked (the size and shape limits refuse before any check)
AUDITED_REQUEST_LIMITS = frozenset({TEXT_CHARS})


def budget(limits: Limits) -> WorkBudget:
    """One check's budget: free-text characters, and the questions of the form definitions a JSON
    or script body serves (``max_page_controls``, as for an HTML page: r15b F04)."""
    return WorkBudget(**{TEXT_CHARS: limits.max_text_chars, PAGE_CONTROLS: limits.max_page_controls})


def charge_definition_questions(n: int) -> None:
    """Count ``n`` questions of a form definition served as JSON or in a script (SurveyJS
    ``pages[].elements[]``, Form.io ``components[]`` …) against ``max_page_controls`` of the open
    budget, *before* they are classified: a 4 000-question definition is refused like a page of
    4 000 inputs (``LimitExceededError`` naming the same limit; the response is withheld, audited)."""
    from ..work_budget import charge

    charge(PAGE_CONTROLS, n)


#: how much of an encoded body is inflated to estimate its work (C speed, well under a millisecond)
ENCODED_PEEK = 64 * 1024


def work_estimate(body: bytes | str, content_encoding: str | None = None) -> int:
    """A cheap upper-ish estimate of the check's work, in bytes of prose (C-speed counts only).

    ``content_encoding``: the body's ``Content-Encoding`` (a request body arrives encoded): the
    estimate is taken on the *inflated* bytes (up to ``ENCODED_PEEK`` of them; a body that inflates
    past that counts as at least that much), never on the compressed size — a 257-byte gzip body
    inflating to 100 KB of notes is checked off the loop like the 100 KB (review r15b F02)."""
    if content_encoding and isinstance(body, bytes) and encoding.encodings(content_encoding):
        try:
            inflated = encoding.decode_prefix(body, content_encoding, ENCODED_PEEK + 1)
        except Exception:  # noqa: BLE001 - a corrupt/unknown coding is refused by the check itself;
            return ENCODED_PEEK  # estimated high so that even that runs off the loop
        return max(len(body), work_estimate(inflated))
    if isinstance(body, str):
        return len(body) + FIELD_WEIGHT * (body.count('"') // 2 + body.count("&")) + TAG_WEIGHT * body.count("<")
    return len(body) + FIELD_WEIGHT * (body.count(b'"') // 2 + body.count(b"&")) + TAG_WEIGHT * body.count(b"<")


def check_page(limits: Limits, controls: int, nodes: Any) -> None:
    """Raise past ``max_page_controls`` or when a control sits deeper than ``max_html_depth``.
    ``nodes``: the controls' elements; each ancestor is visited once (depths are remembered)."""
    if controls > limits.max_page_controls:
        raise LimitExceededError(PAGE_CONTROLS, limits.max_page_controls, controls)
    depth_of: dict[int, int] = {}
    limit = limits.max_html_depth
    for node in nodes:
        chain = []
        n = node
        while n is not None and n.mem_id not in depth_of:
            chain.append(n.mem_id)
            n = n.parent
        d = depth_of[n.mem_id] if n is not None else 0
        for mem_id in reversed(chain):
            d += 1
            depth_of[mem_id] = d
            if d > limit:
                raise LimitExceededError(HTML_DEPTH, limit, d)


__all__ = ["AUDITED_REQUEST_LIMITS", "HTML_DEPTH", "PAGE_CONTROLS", "budget", "charge_definition_questions",
           "check_page", "work_estimate"]
