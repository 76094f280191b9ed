"""Which files a scan reads: known source types under the given paths, with limits, skipping
version-control, dependency and cache directories. Symbolic links are not followed."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import LimitExceededError, StatusGuardError

SKIP_DIRS = frozenset({
    ".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".nox", ".mypy_cache",
    ".pytest_cache", ".ruff_cache", "site-packages", ".eggs", "bower_components",
})
HTML_EXT = frozenset({".html", ".htm", ".xhtml", ".jinja", ".jinja2", ".j2", ".djhtml", ".tmpl", ".njk", ".twig",
                      ".hbs", ".mustache", ".vue", ".svelte", ".erb", ".ejs", ".jsp", ".cshtml", ".razor",
                      ".liquid", ".astro"})
# Scripts are read for markup in them (JSX/TSX components, HTML in strings); minified bundles are not sources.
SCRIPT_EXT = frozenset({".js", ".jsx", ".ts", ".tsx", ".mjs", ".cjs"})
SQL_EXT = frozenset({".sql"})
PY_EXT = frozenset({".py", ".pyi"})
SPEC_EXT = frozenset({".json", ".yaml", ".yml"})


def file_type(path: Path) -> str | None:
    name = path.name.lower()
    for ext in (name[name.rfind("."):] if "." in name else "",):
        if ext in HTML_EXT:
            return "html"
        if ext in SQL_EXT:
            return "sql"
        if ext in PY_EXT:
            return "python"
        if ext in SPEC_EXT:
            return "spec"
        if ext in SCRIPT_EXT and not name.endswith((".min.js", ".d.ts")):
            return "script"
    if name.endswith((".html.j2", ".html.jinja")):
        return "html"
    return None


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 2_000_000
    max_files: int = 20_000
    max_total_bytes: int = 512_000_000


@dataclass(frozen=True)
class SourceFile:
    path: Path  # on disk
    display: str  # as reported (the argument joined with the path under it, POSIX separators)
    relative: str  # relative to the scan root, for --map globs
    type: str


def glob_regex(pattern: str) -> re.Pattern[str]:
    """``**`` crosses directories, ``*`` and ``?`` do not."""
    out = []
    i = 0
    p = pattern.replace("\\", "/")
    if p.startswith("./"):
        p = p[2:]
    while i < len(p):
        c = p[i]
        if p.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif p.startswith("**", i):
            out.append(".*")
            i += 2
        elif c == "*":
            out.append("[^/]*")
            i += 1
        elif c == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(c))
            i += 1
    return re.compile("".join(out) + r"\Z")


def iter_files(paths: Sequence[str | os.PathLike[str]], limits: Limits,
               exclude: Sequence[str] = ()) -> Iterator[SourceFile | tuple[str, str]]:
    """SourceFiles; a (display, reason) pair for a path that was skipped."""
    excl = [glob_regex(e) for e in exclude]
    count = 0
    for arg in paths:
        root = Path(arg)
        if not root.exists():
            raise StatusGuardError(f"no such file or directory: {os.fspath(arg)}")
        if root.is_file():
            t = file_type(root)
            if t is None:
                yield (root.as_posix(), "not a scanned file type")
                continue
            count += 1
            yield SourceFile(root, root.as_posix(), root.name, t)
            continue
        for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
            dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not os.path.islink(os.path.join(dirpath, d)))
            for fn in sorted(filenames):
                full = Path(dirpath) / fn
                rel = full.relative_to(root).as_posix()
                if any(e.match(rel) for e in excl) or full.is_symlink():
                    continue
                t = file_type(full)
                if t is None:
                    continue
                count += 1
                if count > limits.max_files:
                    raise LimitExceededError("number of files to scan", limits.max_files)
                yield SourceFile(full, (root / rel).as_posix() if os.fspath(arg) not in ("", ".") else rel, rel, t)
