"""The scan: files -> candidates (per file type) -> classification -> decisions -> findings.

Each candidate is decided with the action it represents: a form control or request property is
``collect``; a DDL column or model field is ``store``; a response property is ``disclose``,
decided for every restricted requester class of the policy (and ``local``); a literal value of
a value-ruled category (``hold_basis = 'ice_detainer'``) is also decided by that value rule.
A file that cannot be read or parsed is an ``unparseable`` finding with effect ``block``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..errors import LimitExceededError, StatusGuardError, UnparseableInputError
from ..model import MISSING, Decision, Effect, Item
from .findings import Candidate, Finding, Kind, Observation, ScanError, ScanReport
from .fixes import fix_hint
from .walk import Limits, SourceFile, glob_regex, iter_files

ScopeMap = Mapping[str, str] | Sequence[tuple[str, str]]


def _scope_rules(guard: Any, scope_map: ScopeMap | None) -> list[tuple[Any, str, str]]:
    pairs = list(scope_map.items()) if isinstance(scope_map, Mapping) else list(scope_map or ())
    out = []
    for pattern, scope in pairs:
        guard.policy.check_scope(scope)
        out.append((glob_regex(pattern), pattern, scope))
    return out


def scan_paths(
    guard: Any,
    paths: Iterable[str | os.PathLike[str]],
    *,
    scope: str = "city",
    scope_map: ScopeMap | None = None,
    purpose: str | None = None,
    limits: Limits | None = None,
    exclude: Sequence[str] = (),
    text: bool | None = None,
    sql_dialect: str = "postgres",
) -> ScanReport:
    """Scan files and directories. ``scope_map`` maps globs (relative to each directory given, or
    as displayed) to scopes; the first match wins, else ``scope``. ``text``: check prose inside
    forms with the free-text detector (default: when the text extra is installed).
    Raises StatusGuardError for a bad scope/purpose, a missing path or too many files."""
    limits = limits or Limits()
    guard.policy.check_scope(scope)
    guard.policy.check_purpose(purpose)
    rules = _scope_rules(guard, scope_map)
    if text is None:
        from .text import text_available

        text = text_available(guard)
    findings: list[Finding] = []
    observations: list[Observation] = []
    errors: list[ScanError] = []
    scanned = skipped = 0
    total = 0
    for src in iter_files(list(paths), limits, exclude):
        if isinstance(src, tuple):
            skipped += 1
            continue
        file_scope = next((s for rx, _, s in rules if rx.match(src.relative) or rx.match(src.display)), scope)
        try:
            size = src.path.stat().st_size
            if size > limits.max_file_bytes:
                raise UnparseableInputError(f"file is {size} bytes, over the limit of {limits.max_file_bytes}")
            total += size
            if total > limits.max_total_bytes:
                raise LimitExceededError("total bytes to scan", limits.max_total_bytes)
            candidates = _extract(guard, src, file_scope, text=text, sql_dialect=sql_dialect)
        except LimitExceededError as exc:
            if "total bytes" in str(exc):
                raise
            candidates = _unparseable(src, file_scope, str(exc), findings, errors)
        except (UnparseableInputError, OSError, UnicodeDecodeError) as exc:
            problem = str(exc) if isinstance(exc, UnparseableInputError) else (
                "not UTF-8 text" if isinstance(exc, UnicodeDecodeError) else f"cannot be read ({exc.__class__.__name__})")
            candidates = _unparseable(src, file_scope, problem, findings, errors)
        if candidates is None:
            skipped += 1
            continue
        scanned += 1
        sups = _suppressions(guard, src)
        lines = _source_lines(src) if sups else []
        for cand in candidates:
            obs, finding = evaluate(guard, cand, src.display, file_scope, purpose)
            if finding is not None and sups:
                finding = _suppressed(guard, cand, src.display, file_scope, purpose, finding, sups, lines) or finding
            if obs is not None:
                observations.append(obs)
            if finding is not None:
                findings.append(finding)
        findings.extend(_suppression_findings(sups, src.display, file_scope))
    findings.sort(key=lambda f: (f.file, f.line, f.column, f.name))
    observations.sort(key=lambda o: (o.file, o.line, o.column, o.name))
    ref = guard.policy.ref
    return ScanReport(tuple(findings), tuple(observations), scanned, tuple(errors), skipped, scope, purpose,
                      {"id": ref.id, "version": ref.version, "hash": ref.hash})


def _source_lines(src: SourceFile) -> list[str]:
    try:
        return src.path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return []


def _suppressions(guard: Any, src: SourceFile) -> list[Any]:
    from . import suppressions

    try:
        text = src.path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return []
    if "status-guard:" not in text:
        return []
    found = suppressions.find(text)
    for s in found:
        suppressions.resolve(guard.policy, s)
    return found


def _suppressed(guard: Any, cand: Candidate, file: str, scope: str, purpose: str | None, finding: Finding,
                sups: list[Any], lines: list[str]) -> Finding | None:
    """The finding decided again with the legal basis a covering suppression declares (None: no change)."""
    from dataclasses import replace

    from .suppressions import next_code_line

    for s in sups:
        if s.problem is not None or not s.claims:
            continue
        if not s.covers(cand.line, next_code_line(lines, s.line)):
            continue
        named = set(s.rules)
        if not (named & set(finding.rules) or named & set(finding.citations)):
            continue
        _, again = evaluate(guard, cand, file, scope, purpose, claims=s.claims)
        s.used = True
        if again is None:
            return replace(finding, effect=Effect.ALLOW, suppressed=s.legal_basis, suppression_line=s.line,
                           fix="Allowed with the declared legal basis; every use is audited.")
        if again.effect.rank >= finding.effect.rank:
            # the basis lifts nothing (2.129.040(k) in schools scope admits none): never printed or counted as
            # "allowed" (w16d F21); the suppression is not stale either — it is named in the fix
            cites = ", ".join(c for c in again.citations if c not in ("2.129.040(b)",)) or ", ".join(again.citations)
            return replace(again, fix=f"Not allowed: the declared legal basis `{s.legal_basis}` (line {s.line}) does "
                                      f"not lift {cites} in {scope} scope. {finding.fix}")
        return replace(again, suppressed=s.legal_basis, suppression_line=s.line,
                       fix=f"Allowed with the declared legal basis `{s.legal_basis}` (line {s.line}); every use is "
                           "audited. Remove the suppression if the law no longer requires this question.")
    return None


def _suppression_findings(sups: list[Any], file: str, scope: str) -> list[Finding]:
    out = []
    for s in sups:
        if s.problem is not None:
            out.append(Finding(file, s.line, s.column, Kind.SUPPRESSION, "status-guard: allow", Effect.BLOCK, "scan",
                               scope, explanation=f"this suppression {s.problem}",
                               fix="Name a rule that admits a declared legal basis, and the federal or state law "
                                   "that requires the question, or remove the suppression."))
        elif not s.used:
            out.append(Finding(file, s.line, s.column, Kind.SUPPRESSION, "status-guard: allow", Effect.FLAG, "scan",
                               scope, explanation="this suppression covers no finding (it is stale, or on the wrong "
                                                  "line: it covers its own line and the next non-blank one)",
                               fix="Remove it, or move it next to the question it is meant for."))
    return out


def _unparseable(src: SourceFile, scope: str, problem: str, findings: list[Finding], errors: list[ScanError]) -> list[Candidate]:
    errors.append(ScanError(src.display, problem))
    findings.append(Finding(
        src.display, 1, 1, Kind.UNPARSEABLE, f"({src.type} file)", Effect.BLOCK, "scan", scope,
        explanation=f"this file could not be checked: {problem}",
        fix="Fix the syntax (or split the file below the size limit) so it can be checked; an unchecked file is "
            "treated as a violation, never skipped.",
    ))
    return []


def _extract(guard: Any, src: SourceFile, scope: str, *, text: bool, sql_dialect: str) -> list[Candidate] | None:
    raw = src.path.read_bytes()
    body = raw.decode("utf-8-sig")  # UnicodeDecodeError -> unparseable
    if "\x00" in body:
        raise UnparseableInputError("file contains NUL bytes (binary?)")
    if src.type == "html":
        from .html import extract_html

        cands, blocks = extract_html(body)
        if text and blocks:
            from .text import text_candidates

            try:
                cands = cands + text_candidates(guard, blocks, scope)
            except StatusGuardError as exc:
                raise UnparseableInputError(f"form text could not be checked ({exc.__class__.__name__})") from None
        return cands
    if src.type == "script":
        from .html import extract_script_markup

        return extract_script_markup(body)
    if src.type == "sql":
        from .sql import extract_sql

        return extract_sql(body, sql_dialect)
    if src.type == "python":
        from .python import extract_python

        return extract_python(body)
    if src.type == "spec":
        from .openapi import extract_openapi, looks_like_spec

        if not looks_like_spec(body):
            return None
        return extract_openapi(body, filename=src.path.name.lower())
    return None


# -- decisions -----------------------------------------------------------------------------------
def _value_rules(guard: Any, scope: str) -> list[Any]:
    return [v for v in guard.policy.file.value_rules if scope in v.scopes or "*" in v.scopes]


def evaluate(guard: Any, cand: Candidate, file: str, scope: str, purpose: str | None,
             claims: tuple[Any, ...] = ()) -> tuple[Observation | None, Finding | None]:
    """Classify and decide one candidate. Returns (observation or None, finding or None)."""
    if cand.categories is not None:
        cats, reasons = cand.categories, cand.reasons
    else:
        c = guard.classify(cand.name, cand.label, list(cand.values) if cand.values else MISSING)
        cats, reasons = c.categories, c.reason_list
        if cand.values:  # a set of choices can ask which immigration document a person holds
            from .documents import CATEGORY, document_choice

            why = document_choice(cand.values)
            if why is not None and CATEGORY not in cats:
                cats, reasons = frozenset(cats) | {CATEGORY}, (*reasons, why)
    if not cats:
        return None, None
    decisions: list[tuple[str | None, Decision]] = []
    item = Item(cand.name, cats, reasons)
    if cand.action == "disclose":
        for req in ["local", *sorted(guard.policy.restricted_requesters)]:
            decisions.append((req, guard.decide("disclose", [item], scope=scope, requester=req, purpose=purpose,
                                                claims=claims)))
    else:
        decisions.append((None, guard.decide(cand.action, [item], scope=scope, requester="local", purpose=purpose,
                                             claims=claims)))
    for vr in _value_rules(guard, scope):
        if vr.category not in cats or not cand.values:
            continue
        action = cand.action if cand.action in vr.actions else vr.actions[0]
        for v in cand.values:
            d = guard.decide(action, [Item(cand.name, cats, reasons, v)], scope=scope, requester="local",
                             purpose=purpose, claims=claims)
            if d.effect is not Effect.ALLOW:
                decisions.append((None, d))
                break
    effect = Effect.strongest(d.effect for _, d in decisions)
    if cand.max_effect is not None and effect.rank > cand.max_effect.rank:
        effect = cand.max_effect
    obs = Observation(file, cand.line, cand.column, cand.kind, cand.name, cand.label, cand.action, scope,
                      tuple(sorted(cats)), reasons, effect, cand.context)
    if effect is Effect.ALLOW:
        return obs, None
    hits = sorted({h for _, d in decisions for h in d.hits if h.effect is not Effect.ALLOW},
                  key=lambda h: (-h.effect.rank, h.citation, h.rule))
    requesters = tuple(r for r, d in decisions if r is not None and d.effect is not Effect.ALLOW)
    rules = tuple(dict.fromkeys(h.rule for h in hits))
    citations = tuple(dict.fromkeys(h.citation for h in hits))
    kind = cand.kind
    explanation = "; ".join(dict.fromkeys(d.explain() for _, d in decisions if d.effect is not Effect.ALLOW))
    finding = Finding(
        file=file, line=cand.line, column=cand.column, kind=kind, name=cand.name, effect=effect,
        action=cand.action, scope=scope,
        categories=tuple(sorted(cats)), reasons=reasons, rules=rules, citations=citations, requesters=requesters,
        purpose=purpose, label=cand.label, context=cand.context, explanation=explanation,
        fix=fix_hint(guard.policy, kind, cand.action, effect, hits, requesters),
    )
    return obs, finding
