"""The core imports no adapter: policy, classification and decisions work without sqlglot,
presidio or starlette, and adapters do not import each other."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "status_guard"
CORE = ["model.py", "normalize.py", "classify/__init__.py", "classify/classifier.py", "classify/lexicon.py",
        "classify/segments.py", "classify/abbreviations.py", "classify/vocabulary.py", "classify/owners.py",
        "classify/variants.py", "classify/flatten.py", "classify/result.py", "policy/lexicon.py", "decide.py", "context.py", "errors.py", "redact.py",
        "safe_paths.py", "guard.py", "policy/__init__.py", "policy/schema.py", "policy/loader.py",
        "policy/examples.py", "disclose/__init__.py", "disclose/paths.py", "disclose/values.py",
        "disclose/leaves.py", "disclose/audience.py", "disclose/classify_leaves.py", "disclose/keys.py",
        "disclose/free_text.py", "disclose/pipeline.py", "disclose/apply_json.py"]
ADAPTERS = {"asgi", "sql", "text", "audit", "compliance", "scan", "cli"}
THIRD_PARTY_ADAPTER_LIBS = {"starlette", "sqlglot", "presidio_analyzer", "spacy", "psycopg", "sqlalchemy", "django",
                            "selectolax", "multipart", "matplotlib", "reportlab", "jinja2"}


def _top_level_imports(path: Path) -> set[str]:
    """Modules imported at module level (imports inside functions are lazy, on purpose)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            mod = node.module or ""
            if node.level:  # relative: resolve against the package
                base = path.relative_to(SRC).parts[:-1][: len(path.relative_to(SRC).parts) - node.level]
                mod = ".".join(("status_guard", *base, mod)).strip(".")
            out.add(mod)
    return out


def test_core_modules_import_no_adapter_and_no_adapter_library() -> None:
    for rel in CORE:
        for mod in _top_level_imports(SRC / rel):
            parts = mod.split(".")
            assert parts[0] not in THIRD_PARTY_ADAPTER_LIBS, f"{rel} imports {mod}"
            if parts[0] == "status_guard" and len(parts) > 1:
                assert parts[1] not in ADAPTERS, f"{rel} imports adapter {mod}"


def test_adapters_do_not_import_each_other() -> None:
    allowed = {"cli": ADAPTERS, "compliance": {"audit"}}  # the CLI fronts everything; reports read the log
    for adapter in ADAPTERS:
        for path in (SRC / adapter).rglob("*.py"):
            for mod in _top_level_imports(path):
                parts = mod.split(".")
                if parts[0] == "status_guard" and len(parts) > 1 and parts[1] in ADAPTERS and parts[1] != adapter:
                    assert parts[1] in allowed.get(adapter, set()), f"{path.relative_to(SRC)} imports {mod}"


def test_importing_the_core_and_deciding_loads_no_heavy_library() -> None:
    code = (
        "import sys\n"
        "from status_guard import Guard\n"
        "g = Guard.default(audit='memory:')\n"
        "g.check_submission({'citizenship': 'x'}, scope='city', requester='local')\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & %r)\n"
        "print(','.join(heavy))\n" % THIRD_PARTY_ADAPTER_LIBS
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "", f"the core pulled in: {out}"
