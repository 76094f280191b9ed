"""Score the classifiers on the blind sets in tests/blind/ (written by someone who never saw the
lexicon or the recognizers). Prints per-category precision / recall.

    .venv/bin/python benchmarks/eval_blind.py [--misses]

* fields: ``guard.classify_field(name, label)`` against the labelled categories of each field.
* notes:  ``guard.detect_text(text)`` at note level (set of categories found vs labelled), scored
  only on the categories the free-text detector covers; the others are listed as not covered.

Each set is split in two by a hash of the entry (``--split dev|test|all``). Improvements are made
looking at ``dev`` misses only; ``test`` stays held out: the script refuses to print its misses.
"""

from __future__ import annotations

import argparse
import hashlib
from collections import defaultdict
from pathlib import Path

import yaml

from status_guard import Guard

ROOT = Path(__file__).resolve().parents[1]


def table(name: str, counts: dict[str, list[int]], misses: list[str], show: bool) -> None:
    print(f"\n{name}")
    print(f"{'category':28} {'P':>5} {'R':>5} {'tp':>4} {'fp':>4} {'fn':>4}")
    tot = [0, 0, 0]
    for cat in sorted(counts):
        tp, fp, fn = counts[cat]
        tot = [tot[0] + tp, tot[1] + fp, tot[2] + fn]
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        print(f"{cat:28} {p:5.2f} {r:5.2f} {tp:4} {fp:4} {fn:4}")
    tp, fp, fn = tot
    print(f"{'overall (micro)':28} {tp / (tp + fp) if tp + fp else 1:5.2f} {tp / (tp + fn) if tp + fn else 1:5.2f} "
          f"{tp:4} {fp:4} {fn:4}")
    if show:
        for m in misses:
            print("   ", m)


def score(found: set[str], want: set[str], counts: dict[str, list[int]], misses: list[str], label: str) -> None:
    for c in found & want:
        counts[c][0] += 1
    for c in found - want:
        counts[c][1] += 1
        misses.append(f"FP {c:26} {label}")
    for c in want - found:
        counts[c][2] += 1
        misses.append(f"FN {c:26} {label}")


def half(key: str) -> str:
    return "test" if hashlib.sha256(key.encode("utf-8")).digest()[0] % 2 else "dev"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--misses", action="store_true", help="list misses (dev split only)")
    ap.add_argument("--split", choices=["dev", "test", "all"], default="all")
    args = ap.parse_args()
    if args.misses and args.split != "dev":
        ap.error("misses are shown for --split dev only: the test half stays held out")

    def keep(key: str) -> bool:
        return args.split == "all" or half(key) == args.split

    guard = Guard.default(audit="memory:")

    fields = yaml.safe_load((ROOT / "tests/blind/fields.yaml").read_text())
    fields = fields["fields"] if isinstance(fields, dict) else fields
    fields = [f for f in fields if keep(f"{f['name']}|{f.get('label')}")]
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    misses: list[str] = []
    for f in fields:
        found = set(guard.classify_field(str(f["name"]), f.get("label")))
        score(found, set(f.get("categories") or []), counts, misses, f"{f['name']!r} / {f.get('label')!r}")
    table(f"fields [{args.split}]: {len(fields)} names and labels (classify_field)", counts, misses, args.misses)

    notes = yaml.safe_load((ROOT / "tests/blind/notes.yaml").read_text())
    notes = notes["notes"] if isinstance(notes, dict) else notes
    notes = [n for n in notes if keep(str(n["id"]))]
    from status_guard.text.integration import detector_for

    covered = detector_for(guard).categories
    counts = defaultdict(lambda: [0, 0, 0])
    misses = []
    uncovered: dict[str, int] = defaultdict(int)
    for n in notes:
        want = set(n.get("categories") or [])
        for c in want - covered:
            uncovered[c] += 1
        found = {f.category for f in guard.detect_text(n["text"])}
        score(found & covered, want & covered, counts, misses, f"{n['id']}: {n['text'][:90]!r}")
    table(f"notes [{args.split}]: {len(notes)} free-text notes (detect_text, note level)", counts, misses, args.misses)
    if uncovered:
        print("labelled but not covered by any free-text recognizer (not scored):",
              ", ".join(f"{c} ×{k}" for c, k in sorted(uncovered.items())))


if __name__ == "__main__":
    main()
