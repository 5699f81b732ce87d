"""Size limits that keep the sidecar readable (STYLE.md): no module over 400 lines, no function over 40 lines.
The sandbox is excluded (its simulators follow the specs' own structure)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "sidecar"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 40
# Explicit exceptions, each with the reason it cannot be split yet: "path" or "path::function" → why.
ALLOWED: dict[str, str] = {}


def production_modules() -> list[Path]:
    return sorted(p for p in ROOT.rglob("*.py") if "sandbox" not in p.relative_to(ROOT).parts)


def oversized(path: Path, source: str | None = None) -> list[str]:
    """``path`` (or ``source`` under that name) as "name: N lines" for the module and every function over the
    limits; a function's lines run from its ``def`` (decorators excluded) to its last line."""
    source = path.read_text() if source is None else source
    name = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.name
    found = []
    if (lines := len(source.splitlines())) > MAX_MODULE_LINES:
        found.append((name, f"{name}: {lines} lines (max {MAX_MODULE_LINES})"))
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            length = node.end_lineno - node.lineno + 1
            if length > MAX_FUNCTION_LINES:
                key = f"{name}::{node.name}"
                found.append((key, f"{key} (line {node.lineno}): {length} lines (max {MAX_FUNCTION_LINES})"))
    return [text for key, text in found if key not in ALLOWED]


def test_no_module_or_function_is_over_the_limits():
    assert [o for p in production_modules() for o in oversized(p)] == []


def test_the_limits_are_measured_as_documented():
    body = "\n".join(f"    x{i} = {i}" for i in range(40))
    long_function = f"def f():\n{body}\n"  # 41 lines
    assert oversized(Path("planted.py"), long_function) == ["planted.py::f (line 1): 41 lines (max 40)"]
    assert oversized(Path("planted.py"), "x = 1\n" * 401) == ["planted.py: 401 lines (max 400)"]
    assert oversized(Path("planted.py"), "def g():\n    return 1\n" + "x = 1\n" * 398) == []


def test_every_allowed_exception_still_exists_and_says_why():
    for key, why in ALLOWED.items():
        assert why.strip() and (ROOT / key.split("::")[0]).exists(), key
