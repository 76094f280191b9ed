"""`status-guard text detect [--scope S] [--json] [--redact] TEXT|-` — free-text detection.

Exit status: 0 nothing found, 1 protected categories found, 2 the text could not be checked
(too long, a recognizer failed or timed out, bad policy data) — like grep, so scripts can gate on
it.  Output never contains the text unless ``--redact`` (the redacted text) or ``--reveal``
(excerpts, for an operator on their own machine) is given.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from ..errors import StatusGuardError

MAX_STDIN_CHARS = 10_000_000


@click.group()
def text() -> None:
    """Find protected categories in free text (notes, narratives, comments)."""


@text.command()
@click.argument("source", metavar="TEXT|-")
@click.option("--scope", default=None, help="Scope of the system the text comes from (police, schools, city).")
@click.option("--policy", "policy_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Policy pack whose `text:` recognizer data to use (default: the packaged defaults).")
@click.option("--category", "categories", multiple=True, help="Only these categories (repeatable).")
@click.option("--min-score", type=click.FloatRange(0.0, 1.0), default=None, help="Override the score threshold.")
@click.option("--json", "as_json", is_flag=True, help="JSON output (findings with spans, no excerpts).")
@click.option("--redact", "redact", is_flag=True, help="Print the text with every finding replaced.")
@click.option("--reveal", is_flag=True, help="Show the matched excerpt of each finding (local use only).")
def detect(source: str, scope: str | None, policy_path: Path | None, categories: tuple[str, ...],
           min_score: float | None, as_json: bool, redact: bool, reveal: bool) -> None:
    """Detect protected categories in TEXT (or standard input with `-`)."""
    body = sys.stdin.read(MAX_STDIN_CHARS + 1) if source == "-" else source
    try:
        detector = _detector(policy_path, scope)
        findings = detector.detect(body, categories=categories or None, min_score=min_score)
    except StatusGuardError as exc:
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(2) from None
    if as_json:
        doc: dict[str, Any] = {"scope": scope, "findings": [f.to_dict() for f in findings],
                               "categories": sorted({f.category for f in findings})}
        if redact:
            doc["redacted"] = detector.redact(body, findings)
        if reveal:
            for item, f in zip(doc["findings"], findings):
                item["excerpt"] = body[f.start:f.end]
        click.echo(json.dumps(doc, ensure_ascii=False, indent=2))
    else:
        if not findings:
            click.echo("no protected categories found")
        for f in findings:
            line = f"{f.category:<28} {f.start:>6}-{f.end:<6} score {f.score:.2f}  {f.recognizer}"
            if reveal:
                line += f"  {body[f.start:f.end]!r}"
            click.echo(line)
        if redact:
            click.echo("")
            click.echo(detector.redact(body, findings))
    raise SystemExit(1 if findings else 0)


def _detector(policy_path: Path | None, scope: str | None) -> Any:
    """The pack's detector, bound to its field classifier (key-value lines like ``POB: …``) and
    its country names (issue 13)."""
    from ..guard import Guard
    from ..policy import load_policy
    from ..text.integration import detector_for

    policy = load_policy(policy_path)
    if scope is not None:
        policy.check_scope(scope)
    return detector_for(Guard(policy, audit="memory:"))
