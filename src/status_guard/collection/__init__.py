"""Collection: what a submission asks and answers, however the form was built.

A submission is read in named passes, each a plain function over a *view* of the body (see
``view.py``), then decided by the policy (action ``collect``):

    build_view      the body as the app will read it; JSON in strings, base64 JSON, embedded
                    query strings and bracketed form names (``fields[0][label]``) expanded
    graphql         arguments, input-object fields and variables of GraphQL operations
    builders        form-builder shapes: the question text is the answer's label
    numbering       survey numbering (``i94`` in a run ``i1 … i120``) is a question id
    page labels     questions the served page asked for a control (``q7``), files' names
    items           asked or volunteered: an inquiry vs a person's own words (040(b), 040(k))
    decide          the policy pack's rules
    plan            what to strip, rewrite (schools: remove the disclosing words) or refuse

The core of the product: no web framework is imported here; the ASGI middleware, a gateway or a
direct ``guard.check_submission(...)`` call use the same passes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ..model import MISSING, Claim, Decision, Effect
from . import builders, edits, graphql, numbering
from . import files as file_names
from .items import LeafResult, Mention, build_items, mention_map, redacted_value
from .view import Leaf, Loc, VDict, VList, build_view, walk

__all__ = ["Collected", "PageQuestion", "Plan", "Reading", "check", "read", "Leaf", "LeafResult", "Mention",
           "mention_map", "edits"]

@dataclass(frozen=True)
class PageQuestion:
    """What a page the guard served said about one of its controls."""

    categories: frozenset[str]
    reason: str
    label: str | None = None  # the question text the page showed (read when the leaf has no label)
    identity: frozenset[tuple[str, str]] = frozenset()  # hidden fields of the form that showed it
    variants: tuple["PageQuestion", ...] = ()  # several forms post this name to one path

    def resolve(self, doc: Any) -> "PageQuestion":
        """The variant(s) whose form's hidden fields the submission carries; all when none does."""
        if not self.variants or not isinstance(doc, Mapping):
            return self

        def has(k: str, v: str) -> bool:
            got = doc.get(k)
            return got == v or (isinstance(got, list) and v in got)

        match = [q for q in self.variants if q.identity and all(has(k, v) for k, v in q.identity)]
        if not match:
            return self
        if len(match) == 1:
            return match[0]
        cats = frozenset().union(*(q.categories for q in match))
        return PageQuestion(cats, next((q.reason for q in match if q.categories), match[0].reason))


@dataclass
class Reading:
    """Every leaf of a submission, labelled."""

    leaves: list[Leaf]
    kind: str
    embedded: int = 0
    graphql: int = 0
    labelled: int = 0


#: keys beside a file's name that carry the file itself: stripping the name strips the attachment
_ATTACHMENT_KEYS = frozenset({"data", "content", "contents", "base64", "bytes", "body", "blob", "url", "fileurl",
                              "downloadurl", "href", "link", "file", "contenttype", "mimetype", "mime", "size",
                              "filesize", "type", "encoding", "path", "location", "key"})


#: keys that hold a file's name, with or without its extension
_FILE_NAME_KEYS = frozenset({"filename", "filenames", "originalfilename", "originalname", "attachmentname",
                             "uploadname", "documentname", "docname"})


@lru_cache(maxsize=8192)
def _folded(key: str) -> str:
    return re.sub(r"[\s_\-.]", "", key).lower()


def _file_names(view: Any) -> None:
    """Values that name an uploaded file (an attachment's ``filename``, an upload URL, a list of
    them): the file's name is read like a multipart file's (``files.py``); stripping it strips the
    attachment."""
    stack = [view]
    while stack:
        node = stack.pop()
        if isinstance(node, VDict):
            items = [(_folded(k), v) for k, v in node.items()]
            attachment = node.loc not in (None, ()) and len(node) <= 12 and any(k in _ATTACHMENT_KEYS for k, _ in items)
        elif isinstance(node, VList):
            items, attachment = [("", v) for v in node], False
        else:
            continue
        for key, v in items:
            if isinstance(v, (VDict, VList)):
                stack.append(v)
                continue
            if not isinstance(v, Leaf) or v.role != "answer":
                continue
            named = key in _FILE_NAME_KEYS
            values = v.value if isinstance(v.value, list) else [v.value]
            names = tuple(fn for x in values[:64] if (fn := file_names.file_name_in(x, named=named)) is not None)
            if names:
                v.file_names = names
                if attachment and v.drops is None and not isinstance(v.value, list):
                    v.drops = (node.loc,)


def read(
    doc: Any,
    kind: str = "json",
    *,
    files: Mapping[str, Sequence[str]] | None = None,
    page: Mapping[str, PageQuestion] | None = None,
    labels: Mapping[str, str] | None = None,
    graphql_body: str | None = None,
) -> Reading:
    """Read a parsed submission. ``kind``: ``json`` or ``form`` (flat names -> value or list).
    ``files``: multipart file parts (name -> file names). ``page``: what the page that served the
    form said each control asks. ``labels``: label text by path (the Python API's ``labels=``).
    ``graphql_body``: a body sent as ``application/graphql``."""
    leaves: list[Leaf] = []
    embedded = 0
    n_graphql = 0
    if graphql_body is not None:
        leaves.extend(graphql.read_graphql_body(graphql_body))
        n_graphql = len(leaves)
    view = None
    if doc is not None and doc != {}:
        view, stats = build_view(doc, "form" if kind == "form" else "json")
        embedded = stats.embedded
        gl = graphql.graphql_leaves(view)
        n_graphql += len(gl)
        numbering.mark_numbered_ids(view)
        labelled = builders.annotate(view)
        numbering.retire_numbered_ids(view)
        _file_names(view)
        leaves.extend(walk(view))
        leaves.extend(gl)
    else:
        labelled = 0
    for name, names in (files or {}).items():
        for fn in names:
            leaves.append(Leaf(fn, (name,), name, name, origin="file", label=file_names.label_of(fn),
                               label_source="the uploaded file's name", is_file=True, editable=False, file_names=(fn,)))
    numbering.mark_numbering(lf for lf in leaves if lf.origin in ("field", "embedded", "graphql"))
    if page:
        for lf in leaves:
            top = lf.loc[0] if lf.loc else None
            q = page.get(top) if isinstance(top, str) else None
            if q is None and lf.key_path in page:
                q = page[lf.key_path]
            if q is None and lf.key_path:  # a script form posts JSON: {"data": {"textField1": ...}}
                q = page.get(lf.key_path.rpartition(".")[2])
            if q is not None and lf.role == "answer":
                q = q.resolve(doc)
                if q.categories:
                    lf.known = lf.known | q.categories
                    lf.known_reason = q.reason
                if q.label and not lf.label:
                    lf.label, lf.label_source = q.label, "the page that served the form"
    if labels:
        for lf in leaves:
            text = labels.get(lf.path) or labels.get(lf.key_path)
            if text:
                lf.label = f"{lf.label} / {text}" if lf.label else text
    # paths name items: keep them unique
    seen: dict[str, int] = {}
    for lf in leaves:
        n = seen.get(lf.path, 0)
        seen[lf.path] = n + 1
        if n:
            lf.path = f"{lf.path}#{n + 1}"
    return Reading(leaves, kind, embedded, n_graphql, labelled)


@dataclass
class Plan:
    """What to do to the submission: locations to delete (strip), values to rewrite (remove the
    words that disclosed a status), and the paths that cannot be changed in place (refuse)."""

    sets: dict[Loc, Any] = field(default_factory=dict)
    deletes: set[Loc] = field(default_factory=set)
    cannot: list[str] = field(default_factory=list)
    redacted: list[str] = field(default_factory=list)
    stripped: list[str] = field(default_factory=list)

    @property
    def changes(self) -> bool:
        return bool(self.sets or self.deletes)


@dataclass
class Collected:
    decision: Decision
    results: list[LeafResult]

    def plan(self) -> Plan:
        d = self.decision
        plan = Plan()
        strip = set(d.paths_with(Effect.STRIP))
        redact = set(d.paths_with(Effect.REDACT))
        if not strip and not redact:
            return plan
        redact_cats: dict[str, set[str]] = {}
        marker_cite: dict[str, str] = {}
        for h in d.hits:
            if h.effect is Effect.REDACT:
                for p in h.paths:
                    redact_cats.setdefault(p, set()).update(h.categories)
                    marker_cite.setdefault(p, h.citation)
        text_edits: dict[Loc, tuple[str, list[tuple[int, int, str]]]] = {}
        for r in self.results:
            lf = r.leaf
            if lf.within is not None and (lf.path in strip or lf.path in redact):
                loc, full, a0, a1, s0, s1 = lf.within
                entry = text_edits.setdefault(loc, (full, []))
                if lf.path in strip:
                    entry[1].append((s0, s1, ""))
                    plan.stripped.append(lf.path)
                else:
                    cats = frozenset(redact_cats.get(lf.path, ()))
                    marker = f"[removed: {marker_cite.get(lf.path, 'policy')}]"
                    entry[1].append((a0, a1, str(redacted_value(lf.value, r.mentions, cats, marker))))
                    plan.redacted.append(lf.path)
                continue
            if lf.path in strip:
                drops = lf.drops if lf.drops is not None else (lf.loc,)
                if not drops or any(loc == () for loc in drops):
                    plan.cannot.append(lf.path)
                else:
                    plan.deletes.update(drops)
                    plan.stripped.append(lf.path)
            elif lf.path in redact:
                cats = frozenset(redact_cats.get(lf.path, ()))
                if not lf.editable or lf.origin not in ("field", "embedded") or not r.mentions:
                    plan.cannot.append(lf.path)
                    continue
                marker = f"[removed: {marker_cite.get(lf.path, 'policy')}]"
                plan.sets[lf.loc] = redacted_value(lf.value, r.mentions, cats, marker)
                plan.redacted.append(lf.path)
        for loc, (full, cuts) in text_edits.items():
            out = full
            for a, b, repl in sorted(cuts, key=lambda c: c[0], reverse=True):
                out = out[:a] + repl + out[b:]
            plan.sets[loc] = out
        # a location both deleted and rewritten: the deletion wins
        for loc in list(plan.sets):
            if any(loc[: len(dl)] == dl for dl in plan.deletes):
                del plan.sets[loc]
        return plan


def check(
    guard: Any,
    reading: Reading,
    *,
    scope: str,
    requester: Any = None,
    purpose: str | None = None,
    claims: Sequence[Claim] | None = None,
    strip: bool = False,
    action: str = "collect",
    text: bool | None = None,
) -> Collected:
    """Classify every leaf (asked or volunteered) and decide."""
    use_text = guard.text_detection != "off" if text is None else text
    results = build_items(guard, reading.leaves, text=use_text)
    items = [r.item for r in results]
    decision = guard.decide(action, items, scope=scope, requester=requester, purpose=purpose, claims=claims,
                            block_as_strip=strip)
    return Collected(decision, results)


def values_of(reading: Reading) -> dict[str, Any]:
    """Path -> value of every answering leaf (for tests and explanations)."""
    return {lf.path: lf.value for lf in reading.leaves if lf.role in ("answer", "definition") and lf.value is not MISSING}
