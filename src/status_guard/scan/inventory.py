"""The data inventory: every classified field a repository (or database) holds, grouped by
category and source, with where it is collected, stored and disclosed."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass

from .findings import Observation, ScanReport

_VERB = {"collect": "collected", "store": "stored", "disclose": "disclosed"}


@dataclass(frozen=True)
class InventoryEntry:
    category: str
    source: str  # file (or database)
    name: str
    kind: str
    line: int
    scope: str
    use: str  # collected | stored | disclosed
    effect: str
    context: str


@dataclass(frozen=True)
class Inventory:
    entries: tuple[InventoryEntry, ...]

    @classmethod
    def from_observations(cls, observations: Iterable[Observation]) -> Inventory:
        out = []
        for o in observations:
            for cat in o.categories:
                out.append(InventoryEntry(cat, o.file, o.name, o.kind.value, o.line, o.scope,
                                          _VERB.get(o.action, o.action), o.effect.value, o.context))
        uniq = sorted(set(out), key=lambda e: (e.category, e.source, e.line, e.name, e.use))
        return cls(tuple(uniq))

    @classmethod
    def from_report(cls, report: ScanReport) -> Inventory:
        return cls.from_observations(report.observations)

    def merged(self, other: Inventory) -> Inventory:
        return Inventory(tuple(sorted(set(self.entries) | set(other.entries),
                                      key=lambda e: (e.category, e.source, e.line, e.name, e.use))))

    @property
    def categories(self) -> tuple[str, ...]:
        return tuple(sorted({e.category for e in self.entries}))

    def grouped(self) -> dict[str, dict[str, list[InventoryEntry]]]:
        g: dict[str, dict[str, list[InventoryEntry]]] = {}
        for e in self.entries:
            g.setdefault(e.category, {}).setdefault(e.source, []).append(e)
        return g

    def uses(self, category: str) -> dict[str, tuple[str, ...]]:
        """collected/stored/disclosed -> sources, for one category."""
        out: dict[str, set[str]] = {}
        for e in self.entries:
            if e.category == category:
                out.setdefault(e.use, set()).add(e.source)
        return {k: tuple(sorted(v)) for k, v in sorted(out.items())}

    # -- output --------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, object]:
        return {
            "categories": {
                cat: {
                    "uses": self.uses(cat),
                    "sources": {src: [{"name": e.name, "kind": e.kind, "line": e.line, "scope": e.scope,
                                       "use": e.use, "effect": e.effect, "context": e.context} for e in items]
                                for src, items in by_src.items()},
                }
                for cat, by_src in self.grouped().items()
            },
            "fields": len(self.entries),
        }

    def render_text(self) -> str:
        lines = []
        for cat, by_src in self.grouped().items():
            uses = "; ".join(f"{u}: {len(s)} source(s)" for u, s in self.uses(cat).items())
            lines.append(f"{cat}  ({uses})")
            for src, items in by_src.items():
                lines.append(f"  {src}")
                for e in items:
                    flag = "" if e.effect == "allow" else f"  [{e.effect}]"
                    lines.append(f"    {e.line:>5}  {e.name}  {e.use} ({e.kind}, {e.scope}){flag}")
        if not lines:
            lines.append("no classified fields found")
        return "\n".join(lines) + "\n"

    def render_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n"

    def rows(self) -> list[dict[str, object]]:
        """One flat row per classified field (the CSV columns), for JSON Lines."""
        return [{"category": e.category, "source": e.source, "line": e.line, "name": e.name, "kind": e.kind,
                 "use": e.use, "scope": e.scope, "effect": e.effect, "context": e.context} for e in self.entries]

    def render_csv(self) -> str:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["category", "source", "line", "name", "kind", "use", "scope", "effect", "context"])
        for e in self.entries:
            w.writerow([e.category, e.source, e.line, _csv_safe(e.name), e.kind, e.use, e.scope, e.effect,
                        _csv_safe(e.context)])
        return buf.getvalue()


def _csv_safe(s: str) -> str:
    """Neutralise spreadsheet formula injection (a field named ``=HYPERLINK(...)``)."""
    return "'" + s if s[:1] in ("=", "+", "-", "@", "\t", "\r") else s
