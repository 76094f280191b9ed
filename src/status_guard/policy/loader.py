"""Load and validate a policy pack from YAML, with errors that name the file, line and key."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ..errors import PolicyValidationError
from .schema import PolicyFile

MAX_POLICY_BYTES = 4 * 1024 * 1024


def _line_index(text: str, filename: str) -> tuple[dict[tuple[Any, ...], int], list[tuple[str, int | None, str, str]]]:
    """Map every key path to its 1-based line; report duplicate keys (YAML would silently keep the last)."""
    lines: dict[tuple[Any, ...], int] = {}
    problems: list[tuple[str, int | None, str, str]] = []
    root = yaml.compose(text, Loader=yaml.SafeLoader)

    def walk(node: yaml.Node, path: tuple[Any, ...]) -> None:
        lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for k, v in node.value:
                key = k.value
                if key in seen:
                    problems.append((filename, k.start_mark.line + 1, _dotted(path + (key,)), "duplicate key"))
                seen.add(key)
                lines[path + (key,)] = k.start_mark.line + 1
                walk(v, path + (key,))
        elif isinstance(node, yaml.SequenceNode):
            for i, v in enumerate(node.value):
                walk(v, path + (i,))

    if root is not None:
        walk(root, ())
    return lines, problems


def _dotted(path: tuple[Any, ...]) -> str:
    out = ""
    for p in path:
        if isinstance(p, int):
            out += f"[{p}]"
        else:
            out += ("." if out else "") + str(p)
    return out or "(top level)"


def _line_for(lines: dict[tuple[Any, ...], int], loc: tuple[Any, ...]) -> int | None:
    loc = tuple(x for x in loc if not (isinstance(x, str) and x in {"str", "Term", "function-after[_compiles(), str]"}))
    for n in range(len(loc), -1, -1):
        if loc[:n] in lines:
            return lines[loc[:n]]
    return None


def parse_policy_text(text: str, filename: str) -> tuple[PolicyFile, str]:
    """Validate policy YAML text. Returns the model and the policy hash (sha256 of canonical JSON)."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_POLICY_BYTES:
        raise PolicyValidationError(filename, [(filename, None, "(file)", f"larger than {MAX_POLICY_BYTES} bytes")])
    try:
        lines, problems = _line_index(text, filename)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise PolicyValidationError(filename, [(filename, line, "(syntax)", str(getattr(exc, "problem", exc)))]) from None
    if problems:
        raise PolicyValidationError(filename, problems)
    if not isinstance(data, dict):
        raise PolicyValidationError(filename, [(filename, 1, "(top level)", "a policy must be a mapping")])
    try:
        model = PolicyFile.model_validate(data)
    except ValidationError as exc:
        out = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            out.append((filename, _line_for(lines, loc), _dotted(loc), err["msg"]))
        raise PolicyValidationError(filename, out) from None
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return model, hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def load_policy_file(path: str | Path) -> tuple[PolicyFile, str]:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyValidationError(str(p), [(str(p), None, "(file)", f"cannot read: {exc.__class__.__name__}")]) from None
    return parse_policy_text(text, str(p))
