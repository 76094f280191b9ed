"""A bounded map of what the forms this middleware served ask, by the path each form submits to.

When a page leaves the app, the guard finds each control's question (``questions.py``); controls
that ask something the policy knows (a status question under a generic name ``q7``) are recorded
here under the form's target path. A later submission to that path is read with those questions, so
``q7=no`` is refused even though ``q7`` says nothing by itself (2.129.040(b), 040(k)).

Forms are told apart by their hidden fields (``survey=2``): two surveys posting ``q7`` to one path
each keep their own question, and a submission carrying one survey's hidden values is read with
that survey's questions; one that matches none is read with all of them (fail closed).

Bounded and self-cleaning: at most ``max_paths`` targets (least recently used go first), at most
``max_controls`` controls per target, entries older than ``max_age`` seconds are ignored. It learns
only from the app's own successful HTML responses. It lives in one process: with several worker
processes, a page served by one worker teaches only that one (see docs/middleware.md).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from ..collection import PageQuestion
from .forms import Learned


MAX_FORMS_PER_CONTROL = 16
MAX_WILDCARD_DEPTH = 8


def _wildcards(path: str) -> list[str]:
    """``/a/b/c`` -> ``/*``, ``/a/*``, ``/a/b/*``, ``/a/b/c/*`` (outermost first)."""
    parts = [p for p in path.split("/") if p][:MAX_WILDCARD_DEPTH]
    return ["/" + "/".join(parts[:i]) + ("/*" if i else "*") for i in range(len(parts) + 1)]


class FormMap:
    def __init__(self, max_paths: int = 2048, max_controls: int = 512, max_age: float = 24 * 3600.0) -> None:
        if max_paths <= 0 or max_controls <= 0 or max_age <= 0:
            raise ValueError("FormMap bounds must be positive")
        self.max_paths = max_paths
        self.max_controls = max_controls
        self.max_age = max_age
        self._lock = threading.Lock()
        # path -> control name -> form identity (its hidden fields) -> (when, what it asks)
        self._paths: OrderedDict[str, dict[str, dict[frozenset, tuple[float, PageQuestion]]]] = OrderedDict()
        self._memo: dict[tuple[int, str], tuple[Any, Any]] = {}  # learned mapping -> its PageQuestions

    def _prepared(self, learned: Mapping[str, Mapping[str, Learned]], route_label: str) -> Any:
        """``learned`` as (path, [(name, identity, PageQuestion)]) — built once per learned mapping
        and route (a page served again from the remembered verdicts teaches the same mapping
        object: issue 15). The mapping is held with its result, so an id is never reused."""
        key = (id(learned), route_label)
        hit = self._memo.get(key)
        if hit is not None and hit[0] is learned:
            return hit[1]
        out = []
        for path, controls in learned.items():
            row = []
            for name, q in controls.items():
                reason = f"the page served on {route_label} asks “{q.question}” for this field"
                ident = getattr(q, "identity", frozenset())
                row.append((name, ident, PageQuestion(q.categories, reason, q.question, identity=ident)))
            out.append((path, row))
        if len(self._memo) >= 256:
            self._memo.clear()
        self._memo[key] = (learned, out)
        return out

    def learn(self, learned: Mapping[str, Mapping[str, Learned]], route_label: str) -> None:
        now = time.monotonic()
        with self._lock:
            for path, controls in self._prepared(learned, route_label):
                entry = self._paths.get(path)
                if entry is None:
                    entry = self._paths[path] = {}
                self._paths.move_to_end(path)
                for name, ident, pq in controls:
                    if name not in entry and len(entry) >= self.max_controls:
                        continue
                    forms = entry.setdefault(name, {})
                    had = forms.get(ident)
                    if had is not None and had[1].categories and not pq.categories and now - had[0] <= self.max_age:
                        continue  # a page that asked a status under this name still counts (fail closed)
                    if ident not in forms and len(forms) >= MAX_FORMS_PER_CONTROL:
                        forms.pop(min(forms, key=lambda k: forms[k][0]))
                    forms[ident] = (now, pq)
            while len(self._paths) > self.max_paths:
                self._paths.popitem(last=False)

    def lookup(self, path: str) -> dict[str, PageQuestion]:
        """What the forms served for ``path`` ask, by control name — and what a form definition
        served as JSON asks for every path of its route (learned under ``prefix/*``)."""
        now = time.monotonic()
        with self._lock:
            out: dict[str, PageQuestion] = {}
            for key in (*_wildcards(path), path):  # the exact path last: it wins over a route-wide entry
                entry = self._paths.get(key)
                if entry:
                    self._paths.move_to_end(key)
                    self._read(entry, now, out)
            return out

    def _read(self, entry: dict[str, dict[frozenset, tuple[float, PageQuestion]]], now: float,
              out: dict[str, PageQuestion]) -> None:
        for name, forms in entry.items():
            live = [q for t, q in forms.values() if now - t <= self.max_age]
            if len(live) == 1:
                out[name] = live[0]
            elif live:  # several forms post this name here: all of them (fail closed), told apart later
                cats = frozenset().union(*(q.categories for q in live))
                out[name] = PageQuestion(cats, next((q.reason for q in live if q.categories), live[0].reason),
                                         None, variants=tuple(live))

    def __len__(self) -> int:
        with self._lock:
            return len(self._paths)

    def clear(self) -> None:
        with self._lock:
            self._paths.clear()
