"""Load and validate a policy pack from YAML, with errors that name the file, line and key."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ..errors import PolicyValidationError
from .lexicon import EMPTY_LEXICON, Lexicon, parse_lexicon_data
from .schema import PolicyFile

MAX_POLICY_BYTES = 4 * 1024 * 1024
MAX_LEXICON_FILES = 200
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader parses ~6x faster


def _line_index(text: str, filename: str) -> tuple[dict[tuple[Any, ...], int], list[tuple[str, int | None, str, str]]]:
    """Map every key path to its 1-based line; report duplicate keys (YAML would silently keep the last)."""
    lines: dict[tuple[Any, ...], int] = {}
    problems: list[tuple[str, int | None, str, str]] = []
    root = yaml.compose(text, Loader=_YAML_LOADER)

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


class _Duplicate(Exception):
    """A mapping repeats a key (or has a key that is not a scalar): read again, slowly, to say where."""


class _FastLoader(_YAML_LOADER):  # type: ignore[misc, valid-type]
    """The safe loader, refusing (for :func:`_line_index` to report) what it would silently accept."""

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        if isinstance(node, yaml.MappingNode):
            keys = [k.value for k, _ in node.value]
            if not all(isinstance(k, str) for k in keys) or len(set(keys)) != len(keys):
                raise _Duplicate()
        return super().construct_mapping(node, deep=deep)


def _load_yaml(text: str, filename: str, what: str) -> tuple[dict[str, Any], Any]:
    """The data and a function giving the line of every key path (computed only when a problem
    is reported: a second reading of the text cost ~40 % of loading the pack)."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_POLICY_BYTES:
        raise PolicyValidationError(filename, [(filename, None, "(file)", f"larger than {MAX_POLICY_BYTES} bytes")])
    try:
        try:
            data = yaml.load(text, Loader=_FastLoader)  # noqa: S506 - a safe loader
            problems: list[tuple[str, int | None, str, str]] = []
            lines: dict[tuple[Any, ...], int] | None = None
        except _Duplicate:
            lines, problems = _line_index(text, filename)
            data = yaml.load(text, Loader=_YAML_LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise PolicyValidationError(filename, [(filename, line, "(syntax)", str(getattr(exc, "problem", exc)))]) from None
    if problems:
        raise PolicyValidationError(filename, problems)
    if not isinstance(data, dict):
        raise PolicyValidationError(filename, [(filename, 1, "(top level)", f"{what} must be a mapping")])

    def line_index() -> dict[tuple[Any, ...], int]:
        return lines if lines is not None else _line_index(text, filename)[0]

    return data, line_index


def _validation_problems(exc: ValidationError, filename: str, lines: dict[tuple[Any, ...], int],
                         strip: int = 0) -> list[tuple[str, int | None, str, str]]:
    out = []
    for err in exc.errors():
        loc = tuple(err["loc"])[strip:]
        if loc and loc[0] in {"abbreviations", "context", "language", "vocabulary", "countries"}:
            loc = loc[1:]  # the discriminator tag pydantic puts in front
        out.append((filename, _line_for(lines, loc), _dotted(loc), err["msg"]))
    return out


def parse_policy_text(text: str, filename: str, base_dir: str | Path | None = None) -> tuple[PolicyFile, str]:
    """Validate policy YAML text. Returns the model and the policy hash (sha256 of canonical JSON)."""
    model, digest, _lexicon = parse_policy(text, filename, base_dir)
    return model, digest


def parse_policy(text: str, filename: str, base_dir: str | Path | None = None) -> tuple[PolicyFile, str, Lexicon]:
    """Validate policy YAML text and the lexicon files it lists (relative to ``base_dir``, by
    default the directory of ``filename``). The hash covers the pack and every lexicon file."""
    data, lines = _load_yaml(text, filename, "a policy")
    try:
        model = PolicyFile.model_validate(data)
    except ValidationError as exc:
        raise PolicyValidationError(filename, _validation_problems(exc, filename, lines())) from None
    lexicon, lexicon_data = _load_lexicon(model, filename, base_dir)
    canonical = json.dumps(data if not lexicon_data else {"pack": data, "lexicon": lexicon_data},
                           sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return model, hashlib.sha256(canonical.encode("utf-8")).hexdigest(), lexicon


def _load_lexicon(model: PolicyFile, filename: str, base_dir: str | Path | None) -> tuple[Lexicon, list[Any]]:
    if not model.lexicon:
        return EMPTY_LEXICON, []
    if len(model.lexicon) > MAX_LEXICON_FILES:
        raise PolicyValidationError(filename, [(filename, None, "lexicon", f"more than {MAX_LEXICON_FILES} files")])
    if base_dir is None:
        if filename.startswith("<"):
            raise PolicyValidationError(filename, [(filename, None, "lexicon",
                                                    "lexicon files need a base directory (load the pack from a file)")])
        base_dir = Path(filename).resolve().parent
    base = Path(base_dir).resolve()
    files = []
    raw: list[Any] = []
    problems: list[tuple[str, int | None, str, str]] = []
    for i, rel in enumerate(model.lexicon):
        path = (base / rel).resolve()
        if base not in path.parents or path.suffix not in {".yaml", ".yml"}:
            problems.append((filename, None, f"lexicon[{i}]", f"`{rel}` must be a .yaml file inside the pack's folder"))
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append((str(path), None, "(file)", f"cannot read: {exc.__class__.__name__}"))
            continue
        data, lines = _load_yaml(text, str(path), "a lexicon file")
        try:
            files.append((rel, parse_lexicon_data(data)))
        except ValidationError as exc:
            problems += _validation_problems(exc, str(path), lines(), strip=1)
            continue
        raw.append({"file": rel, "data": data})
    if problems:
        raise PolicyValidationError(filename, problems)
    lexicon = Lexicon.from_files(files)
    cats = set(model.categories)
    bad = [f"{where}: unknown category `{c}`" for where, c in lexicon.category_references() if c not in cats]
    owners = {o.id for c in lexicon.context for o in c.owners}
    bad += [f"{where}: unknown owner `{o}`" for where, o in lexicon.owner_references() if o not in owners]
    if bad:
        raise PolicyValidationError(filename, [(filename, None, "lexicon", b) for b in bad])
    return lexicon, raw


def load_policy_file(path: str | Path) -> tuple[PolicyFile, str]:
    model, digest, _lexicon = load_policy_full(path)
    return model, digest


def load_policy_full(path: str | Path) -> tuple[PolicyFile, str, Lexicon]:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyValidationError(str(p), [(str(p), None, "(file)", f"cannot read: {exc.__class__.__name__}")]) from None
    return parse_policy(text, str(p))
