"""Precision / recall of the free-text detector on a labelled corpus of notes.

    python -m status_guard.text.evaluate [tests/text/corpus/notes.yaml] [--misses] [--markdown]

Two views:

* **note level** — for each note, the set of categories found vs the set labelled; a category
  found in a note that has no label of it is a false positive.  This is what a submission check
  uses (does this field hold immigration status at all?).
* **span level** — a finding is correct when it overlaps a labelled span of its category; a
  labelled span is recalled when some finding of its category overlaps it.  This is what
  span redaction uses.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

DEFAULT_CORPUS = Path("tests/text/corpus/notes.yaml")


@dataclass(frozen=True, slots=True)
class Note:
    id: str
    kind: str
    lang: str
    text: str
    labels: tuple[tuple[str, int, int], ...]


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    note_level: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    span_level: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    misses: list[tuple[str, str, str]] = field(default_factory=list)  # (note id, kind, category)
    notes: int = 0

    @staticmethod
    def total(counts: Mapping[str, Counts]) -> Counts:
        out = Counts()
        for c in counts.values():
            out.tp += c.tp
            out.fp += c.fp
            out.fn += c.fn
        return out


def load_corpus(path: Path | str = DEFAULT_CORPUS) -> list[Note]:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    notes = []
    for raw in data["notes"]:
        text = raw["text"]
        labels = []
        for category, snippet in raw.get("labels") or []:
            start = text.find(snippet)
            if start < 0:
                raise ValueError(f"corpus note {raw['id']}: a {category} label is not a substring of the text")
            labels.append((category, start, start + len(snippet)))
        notes.append(Note(raw["id"], raw["kind"], raw["lang"], text, tuple(labels)))
    return notes


def evaluate(detector: Any, notes: Sequence[Note]) -> Report:
    report = Report(notes=len(notes))
    covered = detector.categories
    for note in notes:
        findings = [f for f in detector.detect(note.text)]
        gold_cats = {c for c, _, _ in note.labels}
        found_cats = {f.category for f in findings}
        for cat in gold_cats | found_cats:
            c = report.note_level[cat]
            if cat in gold_cats and cat in found_cats:
                c.tp += 1
            elif cat in found_cats:
                c.fp += 1
                report.misses.append((note.id, "false positive", cat))
            elif cat in covered:
                c.fn += 1
                report.misses.append((note.id, "missed", cat))
        for f in findings:
            s = report.span_level[f.category]
            if any(c == f.category and f.start < e and st < f.end for c, st, e in note.labels):
                s.tp += 1
            else:
                s.fp += 1
        for cat, st, e in note.labels:
            if not any(f.category == cat and f.start < e and st < f.end for f in findings):
                report.span_level[cat].fn += 1
    return report


def format_table(report: Report, markdown: bool = True) -> str:
    cats = sorted(set(report.note_level) | set(report.span_level))
    rows = [("category", "note P", "note R", "note F1", "span P", "span R", "labelled notes")]
    for cat in cats + ["overall (micro)"]:
        n = report.total(report.note_level) if cat.startswith("overall") else report.note_level[cat]
        s = report.total(report.span_level) if cat.startswith("overall") else report.span_level[cat]
        rows.append((cat, f"{n.precision:.2f}", f"{n.recall:.2f}", f"{n.f1:.2f}", f"{s.precision:.2f}",
                     f"{s.recall:.2f}", str(n.tp + n.fn)))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for i, r in enumerate(rows):
        cells = [c.ljust(w) for c, w in zip(r, widths)]
        lines.append(("| " + " | ".join(cells) + " |") if markdown else "  ".join(cells))
        if i == 0 and markdown:
            lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m status_guard.text.evaluate", description=__doc__.split("\n")[0])
    ap.add_argument("corpus", nargs="?", default=str(DEFAULT_CORPUS))
    ap.add_argument("--misses", action="store_true", help="list note ids with missed / extra categories")
    ap.add_argument("--plain", action="store_true", help="plain columns instead of a Markdown table")
    args = ap.parse_args(argv)
    from .engine import get_detector

    notes = load_corpus(args.corpus)
    report = evaluate(get_detector(), notes)
    print(f"{report.notes} notes, {sum(len(n.labels) for n in notes)} labelled spans, "
          f"{sum(1 for n in notes if not n.labels)} notes with no label")
    print(format_table(report, markdown=not args.plain))
    if args.misses:
        for note_id, what, cat in report.misses:
            print(f"  {note_id}: {what} {cat}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
