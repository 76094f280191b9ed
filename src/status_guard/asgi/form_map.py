"""A bounded map of what the forms this middleware served ask, by the path each form submits to.

When a page leaves the app, the guard finds each control's question (``questions.py``); controls
that ask something the policy knows (a status question under a generic name ``q7``) are recorded
here under the form's target path. A later submission to that path is read with those questions, so
``q7=no`` is refused even though ``q7`` says nothing by itself (2.129.040(b), 040(k)).

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

from ..collection import PageQuestion
from .forms import Learned


class FormMap:
    def __init__(self, max_paths: int = 2048, max_controls: int = 512, max_age: float = 24 * 3600.0) -> None:
        if max_paths <= 0 or max_controls <= 0 or max_age <= 0:
            raise ValueError("FormMap bounds must be positive")
        self.max_paths = max_paths
        self.max_controls = max_controls
        self.max_age = max_age
        self._lock = threading.Lock()
        self._paths: OrderedDict[str, dict[str, tuple[float, PageQuestion]]] = OrderedDict()

    def learn(self, learned: Mapping[str, Mapping[str, Learned]], route_label: str) -> None:
        now = time.monotonic()
        with self._lock:
            for path, controls in learned.items():
                entry = self._paths.get(path)
                if entry is None:
                    entry = self._paths[path] = {}
                self._paths.move_to_end(path)
                for name, q in controls.items():
                    if name not in entry and len(entry) >= self.max_controls:
                        continue
                    reason = f"the page served on {route_label} asks “{q.question}” for this field"
                    had = entry.get(name)
                    if had is not None and had[1].categories and not q.categories and now - had[0] <= self.max_age:
                        continue  # a page that asked a status under this name still counts (fail closed)
                    entry[name] = (now, PageQuestion(q.categories, reason, q.question))
            while len(self._paths) > self.max_paths:
                self._paths.popitem(last=False)

    def lookup(self, path: str) -> dict[str, PageQuestion]:
        now = time.monotonic()
        with self._lock:
            entry = self._paths.get(path)
            if not entry:
                return {}
            self._paths.move_to_end(path)
            return {name: q for name, (t, q) in entry.items() if now - t <= self.max_age}

    def __len__(self) -> int:
        with self._lock:
            return len(self._paths)

    def clear(self) -> None:
        with self._lock:
            self._paths.clear()
