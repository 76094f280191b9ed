"""Scan output: plain text, JSON and SARIF 2.1.0 (GitHub code scanning, Azure DevOps, ...)."""

from __future__ import annotations

import hashlib
import json
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from ..model import Effect
from .findings import Finding, ScanReport

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Effect.BLOCK: "error", Effect.STRIP: "error", Effect.REDACT: "warning", Effect.FLAG: "note",
          Effect.ALLOW: "none"}


def _tool_version() -> str:
    try:
        return version("status_guard")
    except PackageNotFoundError:  # pragma: no cover - source checkout without install
        return "0"


def _where(f: Finding) -> str:
    who = f" to {', '.join(f.requesters)}" if f.requesters else ""
    return f"{f.action}{who} in {f.scope} scope"


def summary_line(report: ScanReport) -> str:
    counts: dict[str, int] = {}
    for f in report.findings:
        if f.baselined:
            continue
        counts[f.effect.value] = counts.get(f.effect.value, 0) + 1
    parts = ", ".join(f"{n} {e}" for e, n in sorted(counts.items(), key=lambda kv: -Effect(kv[0]).rank)) or "no findings"
    extra = []
    suppressed = sum(1 for f in report.findings if f.suppressed is not None)
    if suppressed:
        extra.append(f"{suppressed} allowed by a declared legal basis")
    baselined = sum(1 for f in report.findings if f.baselined)
    if report.baseline_used:
        extra.append(f"{baselined} adopted by the baseline")
        if report.baseline_fixed:
            extra.append(f"{sum(e.count for e in report.baseline_fixed)} baseline entr(ies) no longer found: "
                         "refresh it with --write-baseline")
    return (f"{report.files_scanned} file(s) scanned, {report.files_skipped} skipped, "
            f"{len(report.errors)} unparseable: {parts}" + ("; " + "; ".join(extra) if extra else ""))


def render_text(report: ScanReport) -> str:
    lines = []
    for f in report.findings:
        cats = ", ".join(f.categories) or "-"
        cite = ", ".join(f.citations) or "-"
        tag = " (baselined)" if f.baselined else ""
        lines.append(f"{f.file}:{f.line}:{f.column}: {f.effect.value.upper()}{tag} {f.kind.value} `{f.name}` "
                     f"[{cats}] {_where(f)} ({cite})")
        if f.suppressed is not None:
            lines.append(f"    allowed: declared legal basis `{f.suppressed}` (line {f.suppression_line})")
        if f.reasons:
            lines.append(f"    why: {'; '.join(f.reasons[:4])}")
        if f.kind.value in ("unparseable", "suppression"):
            lines.append(f"    {f.explanation}")
        lines.append(f"    fix: {f.fix}")
    lines.append(summary_line(report))
    return "\n".join(lines) + "\n"


def to_json(report: ScanReport) -> dict[str, Any]:
    return {
        "tool": {"name": "status-guard", "version": _tool_version()},
        "policy": report.policy,
        "scope": report.scope,
        "purpose": report.purpose,
        "files_scanned": report.files_scanned,
        "files_skipped": report.files_skipped,
        "errors": [{"file": e.file, "problem": e.problem} for e in report.errors],
        "findings": [f.to_dict() for f in report.findings],
        "baseline_fixed": [e.__dict__ for e in report.baseline_fixed],
        "summary": summary_line(report),
    }


def render_json(report: ScanReport) -> str:
    return json.dumps(to_json(report), ensure_ascii=False, indent=2) + "\n"


def to_sarif(report: ScanReport, policy: Any = None) -> dict[str, Any]:
    rules: dict[str, dict[str, Any]] = {}
    results = []
    for f in report.findings:
        rid = f.rule_id
        if rid not in rules:
            rules[rid] = _rule_descriptor(rid, f, policy)
        message = (f"{f.effect.value.upper()}: {f.kind.value} `{f.name}` ({', '.join(f.categories) or 'unchecked file'}) "
                   f"— {_where(f)}" + (f", {', '.join(f.citations)}" if f.citations else "") + f". {f.fix}")
        fp = f.fingerprint
        extra: dict[str, Any] = {}
        if f.suppressed is not None:
            extra["suppressions"] = [{"kind": "inSource", "status": "accepted",
                                      "justification": f"declared legal basis: {f.suppressed}"}]
        if report.baseline_used:
            extra["baselineState"] = "unchanged" if f.baselined else "new"
        results.append({**extra,
            "ruleId": rid,
            "ruleIndex": list(rules).index(rid),
            "level": _LEVEL[f.effect],
            "message": {"text": message},
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": {"uri": f.file, **({} if f.file.startswith("/") else {"uriBaseId": "%SRCROOT%"})},
                    "region": {"startLine": max(1, f.line), "startColumn": max(1, f.column)},
                },
            }],
            "partialFingerprints": {"statusGuard/v1": fp},
            "properties": {
                "effect": f.effect.value, "kind": f.kind.value, "field": f.name, "action": f.action,
                "scope": f.scope, "requesters": list(f.requesters), "categories": list(f.categories),
                "citations": list(f.citations), "rules": list(f.rules),
            },
        })
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "status-guard",
                "version": _tool_version(),
                "informationUri": "https://github.com/status-guard/status_guard",
                "rules": list(rules.values()),
            }},
            "columnKind": "unicodeCodePoints",
            "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "The directory the scan ran in."}}},
            "invocations": [{"executionSuccessful": not report.errors,
                             "toolExecutionNotifications": [
                                 {"level": "error", "message": {"text": f"{e.file}: {e.problem}"}} for e in report.errors]}],
            "properties": {"policy": report.policy, "scope": report.scope, "purpose": report.purpose},
            "results": results,
        }],
    }


def _rule_descriptor(rid: str, f: Finding, policy: Any) -> dict[str, Any]:
    if rid == "status-guard/unparseable":
        return {"id": rid, "name": "UnparseableFile",
                "shortDescription": {"text": "A file could not be parsed, so it could not be checked"},
                "fullDescription": {"text": "status-guard fails closed: an unchecked file is reported, never skipped."},
                "defaultConfiguration": {"level": "error"}}
    title, reason, citation = rid, "", ", ".join(f.citations)
    if policy is not None:
        try:
            r = policy.rule(rid)
            title, reason, citation = r.title, r.reason, r.citation
        except Exception:  # noqa: BLE001 - a synthetic id (status-guard/<kind>) has no policy rule
            pass
    return {
        "id": rid,
        "name": "".join(w.capitalize() for w in rid.replace("/", "-").split("-")),
        "shortDescription": {"text": f"{title} ({citation})" if citation else title},
        "fullDescription": {"text": reason or title},
        "defaultConfiguration": {"level": _LEVEL[f.effect]},
        "properties": {"citation": citation, "tags": ["privacy", "cambridge-2.129"]},
    }


def render_rows(report: ScanReport) -> list[dict[str, Any]]:
    """One flat row per finding, for jsonl and csv."""
    return [{"file": f.file, "line": f.line, "column": f.column, "effect": f.effect.value, "kind": f.kind.value,
             "name": f.name, "categories": list(f.categories), "action": f.action, "scope": f.scope,
             "requesters": list(f.requesters), "citations": list(f.citations), "rule_id": f.rule_id,
             "suppressed": f.suppressed, "baselined": f.baselined, "fingerprint": f.fingerprint, "fix": f.fix}
            for f in report.findings]


ROW_COLUMNS = ("file", "line", "column", "effect", "kind", "name", "categories", "action", "scope", "requesters",
               "citations", "rule_id", "suppressed", "baselined", "fingerprint", "fix")


def render_sarif(report: ScanReport, policy: Any = None) -> str:
    return json.dumps(to_sarif(report, policy), ensure_ascii=False, indent=2) + "\n"
