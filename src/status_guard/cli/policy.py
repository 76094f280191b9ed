"""`status-guard policy validate|test|explain|schema` and `status-guard classify`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..errors import PolicyError, PolicyValidationError
from ..guard import Guard
from ..policy import default_policy_path, json_schema, load_policy
from .options import fail, format_option, suggest

POLICY_OPT = click.option(
    "--policy", "policy_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
    help="Policy pack YAML (default: the Cambridge 2.129 pack).",
)


def _guard(policy_path: Path | None) -> Guard:
    try:
        return Guard(load_policy(policy_path))
    except PolicyValidationError as exc:
        for file, line, key, msg in exc.problems:
            click.echo(f"{file}:{line if line is not None else '?'}: {key}: {msg}", err=True)
        raise SystemExit(2) from None
    except PolicyError as exc:
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(2) from None


@click.group()
def policy() -> None:
    """Validate, test and explain policy packs."""


@policy.command()
@click.argument("paths", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
def validate(paths: tuple[Path, ...]) -> None:
    """Validate policy files (default: the Cambridge pack). Errors name file, line and key."""
    failed = False
    for p in paths or (default_policy_path(),):
        try:
            pol = load_policy(p)
        except PolicyValidationError as exc:
            failed = True
            for file, line, key, msg in exc.problems:
                click.echo(f"{file}:{line if line is not None else '?'}: {key}: {msg}", err=True)
            continue
        n_ex = sum(len(r.examples) for r in pol.all_rules())
        click.echo(
            f"ok  {p}  {pol.id} v{pol.version}  {len(pol.file.categories)} categories, "
            f"{len(pol.file.rules) + len(pol.file.value_rules)} rules, {n_ex} examples, sha256 {pol.hash[:16]}…"
        )
    if failed:
        raise SystemExit(1)


@policy.command("test")
@POLICY_OPT
@click.option("-v", "--verbose", is_flag=True, help="Show every example, not only failures.")
def test_cmd(policy_path: Path | None, verbose: bool) -> None:
    """Run every rule's embedded examples; exit 1 if any does not produce its expected decision."""
    from ..policy.examples import run_examples

    guard = _guard(policy_path)
    results = run_examples(guard)
    bad = [r for r in results if not r.ok]
    for r in results:
        if verbose or not r.ok:
            mark = "PASS" if r.ok else "FAIL"
            click.echo(f"{mark}  {r.rule}: {r.name}  (expected {r.expected}, got {r.got})")
            for p in r.problems:
                click.echo(f"        - {p}")
            if not r.ok:
                click.echo(f"        decision: {r.explanation}")
    click.echo(f"{len(results) - len(bad)} passed, {len(bad)} failed")
    if not results:
        click.echo("error: the policy has no examples", err=True)
        raise SystemExit(1)
    if bad:
        raise SystemExit(1)


@policy.command()
@POLICY_OPT
@click.argument("citation", required=False)
def explain(policy_path: Path | None, citation: str | None) -> None:
    """Explain the rules (optionally only those citing CITATION, e.g. 2.129.040(e))."""
    guard = _guard(policy_path)
    pol = guard.policy.file
    known = {r.citation for r in guard.policy.all_rules()} | {n.citation for n in pol.notes}
    if citation and citation not in known:
        fail(f"CITATION {citation[:40]!r} is cited by no rule or note{suggest(citation, sorted(known))}")
    click.echo(f"{pol.title}\n{pol.jurisdiction} — policy {pol.id} v{pol.version}, effective {pol.effective}\n")
    for r in guard.policy.all_rules():
        if citation and r.citation != citation:
            continue
        cats = getattr(r, "categories", None)
        cat_text = ", ".join(cats) if cats else (getattr(r, "category", None) or "the action itself")
        reqs = ", ".join(getattr(r, "requesters", ["*"]))
        click.echo(f"[{r.citation}] {r.id}: {r.title}")
        click.echo(f"    when: scopes={', '.join(r.scopes)}; actions={', '.join(r.actions)}; "
                   f"categories={cat_text}; requesters={reqs}")
        click.echo(f"    effect: {r.effect}" + (f"; exceptions: {', '.join(r.exceptions)}" if r.exceptions else ""))
        click.echo(f"    why: {r.reason}\n")
    for n in pol.notes:
        if citation and n.citation != citation:
            continue
        click.echo(f"[{n.citation}] note ({n.enforcement}): {n.title} — {n.note}\n")


@policy.command()
def schema() -> None:
    """Print the policy JSON Schema (also published as policies/policy.schema.json)."""
    click.echo(json.dumps(json_schema(), indent=2, ensure_ascii=False))


@click.command()
@click.argument("name")
@click.option("--label", default=None, help="The field's label text (any language).")
@click.option("--value", default=None, help="An example value (matched against value patterns only).")
@format_option(("table", "json"))
@click.option("--json", "as_json", is_flag=True, hidden=True, help="Same as --format json.")
@POLICY_OPT
def classify(name: str, label: str | None, value: str | None, fmt: str, as_json: bool,
             policy_path: Path | None) -> None:
    """Classify a field NAME (with an optional --label) into protected categories."""
    from ..model import MISSING

    guard = _guard(policy_path)
    c = guard.classify(name, label, MISSING if value is None else value)
    if as_json or fmt == "json":
        click.echo(json.dumps({"name": name, "label": label, "categories": sorted(c.categories),
                               "reasons": {k: list(v) for k, v in sorted(c.reasons.items())}}, ensure_ascii=False))
        return
    if not c.categories:
        click.echo(f"{name}: no protected category")
        return
    click.echo(f"{name}: {', '.join(sorted(c.categories))}")
    for cat in sorted(c.reasons):
        for r in c.reasons[cat]:
            click.echo(f"  {cat}: {r}")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(policy())
