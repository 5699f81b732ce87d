"""The layers of docs/architecture.md, checked with ast on every import (function-level ones included):

    entry points (cli, demo, __main__) → api → pipeline → flows → mapping → clients → store → foundation

Imports only go down (or sideways inside a layer); there is no import cycle anywhere outside the sandbox; a flow
never imports the pipeline or the API; mapping is pure (no clients, no store, no I/O library); clients never
import the store; the sandbox imports nothing from ``sidecar.*`` outside ``sidecar.sandbox``, and no production
module imports the sandbox (only the ``sidecar sandbox`` command starts one). ``check`` is the one checker;
the planted-violation tests below run it on a copy of the tree with a bad module written into it.
"""

from __future__ import annotations

import ast
import functools
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "sidecar"

FOUNDATION = {"sidecar", "sidecar.config", "sidecar.security", "sidecar.retry", "sidecar.ports"}
ENTRY_POINTS = {"sidecar.cli", "sidecar.demo", "sidecar.demo_processes", "sidecar.gunicorn_support",
                "sidecar.__main__"}
LAYERS = ["foundation", "store", "clients", "mapping", "flows", "pipeline", "api", "entry"]  # bottom to top
RANK = {name: rank for rank, name in enumerate(LAYERS)}
# The ``sidecar sandbox NAME`` command runs a simulator as its own process (``make run``, the demo, the bench):
# the one place outside the sandbox allowed to load it.
SANDBOX_LAUNCHERS = {"sidecar.cli"}
# Libraries that do I/O or hold state: the pure mapping layer never imports them.
IMPURE = ("requests", "urllib3", "http", "socket", "peewee", "flask", "huey", "redis", "psycopg2", "sqlite3",
          "urllib.request", "subprocess", "os", "time", "threading", "logging")


# -- the import graph --------------------------------------------------------------------------------------

def module_name(root: Path, path: Path) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _dynamic_target(node: ast.Call) -> str | None:
    """``importlib.import_module("x.y")`` / ``__import__(f"x.{name}")``: the literal part of the name."""
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    if name not in ("import_module", "__import__") or not node.args:
        return None
    arg = node.args[0]
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return arg.value
    if isinstance(arg, ast.JoinedStr) and arg.values and isinstance(arg.values[0], ast.Constant):
        return str(arg.values[0].value).rstrip(".") or None
    return None


def imports_of(root: Path, path: Path) -> set[str]:
    """Every dotted name ``path`` imports, wherever the import statement is (relative imports resolved); for
    ``from a import b`` both ``a`` and ``a.b`` (the graph keeps whichever is a module)."""
    name = module_name(root, path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    return set(_imported_names(path.read_text(), package))


@functools.cache
def _imported_names(source: str, package: str) -> frozenset[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package if node.level else ""
            module = ".".join(p for p in (base, node.module or "") if p)
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Call) and (target := _dynamic_target(node)):
            names.add(target)
    return frozenset(names)


def build_graph(root: Path) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(module → the sidecar modules it imports, module → every dotted name it imports)."""
    files = {module_name(root, p): p for p in sorted(root.rglob("*.py"))}
    raw = {mod: imports_of(root, path) for mod, path in files.items()}
    graph = {mod: {n for n in names if n in files and n != mod} for mod, names in raw.items()}
    for mod, names in raw.items():  # a dynamic import of a package prefix ("sidecar.sandbox.") counts too
        graph[mod] |= {n for n in names if n.startswith("sidecar.sandbox") and n not in files and n != mod}
    return graph, raw


# -- the rules ---------------------------------------------------------------------------------------------

def layer_of(module: str) -> str:
    if module in FOUNDATION:
        return "foundation"
    if module in ENTRY_POINTS:
        return "entry"
    parts = module.split(".")
    if len(parts) > 1 and parts[1] in ("store", "clients", "mapping", "flows", "pipeline", "api", "sandbox"):
        return parts[1]
    return "unplaced"


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm (iterative): every component of more than one module, or a module importing itself."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.get(start, ()))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in graph.get(node, ()):
                    found.append(sorted(component))
    return found


def _edge_violations(mod: str, target: str) -> list[str]:
    """What is wrong with ``mod`` importing the sidecar module ``target``."""
    src, dst = layer_of(mod), layer_of(target)
    if src == "sandbox":
        why = "a sandbox implements the spec on its own"
        return [] if dst == "sandbox" else [f"sandbox module {mod} imports {target} ({why})"]
    if dst == "sandbox":
        return [] if mod in SANDBOX_LAUNCHERS else [f"production module {mod} imports the sandbox ({target})"]
    if "unplaced" in (src, dst):
        return []  # reported once per module by graph_violations
    problems = []
    if RANK[dst] > RANK[src]:
        problems.append(f"upward import: {mod} ({src}) imports {target} ({dst})")
    if src == "flows" and dst in ("pipeline", "api"):
        problems.append(f"flow {mod} imports {target}: hand new events back with ctx.emit")
    if src == "mapping" and dst in ("clients", "store"):
        problems.append(f"mapping is pure, but {mod} imports {target}")
    if src == "clients" and dst == "store":
        problems.append(f"clients are HTTP only, but {mod} imports {target}: hand it in from the builder")
    return problems


def graph_violations(graph: dict[str, set[str]], raw: dict[str, set[str]] | None = None) -> list[str]:
    """Every broken rule in an import graph (module → sidecar modules it imports); ``raw`` adds the third-party
    names each module imports, for the purity of mapping."""
    problems = [f"{mod} is in no layer: put it in a layer folder or FOUNDATION" for mod in sorted(graph)
                if layer_of(mod) == "unplaced"]
    problems += [p for mod in sorted(graph) for target in sorted(graph[mod]) for p in _edge_violations(mod, target)]
    for mod, names in sorted((raw or {}).items()):
        if layer_of(mod) == "mapping":
            problems += [f"mapping is pure, but {mod} imports {n}" for n in sorted(names)
                         if any(_within(n, lib) for lib in IMPURE)]
    production = {m: {t for t in deps if layer_of(t) != "sandbox"} for m, deps in graph.items()
                  if layer_of(m) != "sandbox"}
    problems += [f"import cycle: {' → '.join(c)}" for c in strongly_connected(production)]
    return problems


def check(root: Path) -> list[str]:
    """The one checker: every rule of the module docstring, on the tree under ``root``."""
    graph, raw = build_graph(root)
    return graph_violations(graph, raw)


# -- the real tree -----------------------------------------------------------------------------------------

def test_the_tree_keeps_every_layer_rule():
    assert check(ROOT) == []


def test_the_checker_sees_relative_function_level_and_dynamic_imports():
    graph, _ = build_graph(ROOT)
    assert {"sidecar.store.binder", "sidecar.clients.errors"} <= graph["sidecar.flows.orders"]
    assert "sidecar.sandbox" in graph["sidecar.cli"]  # importlib.import_module(f"sidecar.sandbox.{name}")
    assert "sidecar.api.credentials" in graph["sidecar.api.app"]  # imported inside _register_blueprints
    assert all(layer_of(m) != "unplaced" for m in graph)


def test_every_layer_is_populated():
    graph, _ = build_graph(ROOT)
    assert {layer_of(m) for m in graph} == set(LAYERS) | {"sandbox"}


# -- the checker fails on planted violations ----------------------------------------------------------------

@pytest.fixture(scope="module")
def tree_copy(tmp_path_factory) -> Path:
    copy = tmp_path_factory.mktemp("layers") / "sidecar"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


PLANTED = [
    ("store/planted.py", "def f():\n    from sidecar.pipeline import worker\n", "upward import: sidecar.store.planted"),
    ("flows/planted.py", "from sidecar.pipeline.intake import accept\n", "flow sidecar.flows.planted imports"),
    ("flows/planted.py", "from sidecar.api import errors\n", "upward import: sidecar.flows.planted"),
    ("mapping/planted.py", "from sidecar.store import binder\n", "mapping is pure, but sidecar.mapping.planted"),
    ("mapping/planted.py", "import requests\n", "mapping is pure, but sidecar.mapping.planted imports requests"),
    ("clients/planted.py", "from ..store.apilog import record_api_call\n", "clients are HTTP only"),
    ("sandbox/planted.py", "from sidecar.security import verify_woo_webhook\n", "sandbox module sidecar.sandbox"),
    ("pipeline/planted.py", "import importlib\nimportlib.import_module('sidecar.sandbox.netsuite')\n",
     "production module sidecar.pipeline.planted imports the sandbox"),
    ("planted.py", "import json\n", "sidecar.planted is in no layer"),
]


@pytest.mark.parametrize("relpath,source,expected", PLANTED, ids=[f"{p[0]}:{p[2][:20]}" for p in PLANTED])
def test_a_planted_violation_is_caught(tree_copy, relpath, source, expected):
    planted = tree_copy / relpath
    planted.write_text(source)
    try:
        problems = check(tree_copy)
    finally:
        planted.unlink()
    assert any(expected in p for p in problems), problems
    assert check(tree_copy) == []  # and the copy itself is clean


def test_a_planted_cycle_inside_one_layer_is_caught(tree_copy):
    a, b = tree_copy / "clients" / "cycle_a.py", tree_copy / "clients" / "cycle_b.py"
    a.write_text("from sidecar.clients import cycle_b\n")
    b.write_text("def f():\n    from sidecar.clients.cycle_a import x\n")
    try:
        problems = check(tree_copy)
    finally:
        a.unlink()
        b.unlink()
    assert "import cycle: sidecar.clients.cycle_a → sidecar.clients.cycle_b" in problems


def test_cycles_are_found_in_a_synthetic_graph():
    graph = {"sidecar.pipeline.intake": {"sidecar.pipeline.worker"},
             "sidecar.pipeline.worker": {"sidecar.pipeline.runs"},
             "sidecar.pipeline.runs": {"sidecar.pipeline.intake", "sidecar.store.db"},
             "sidecar.store.db": set(), "sidecar.config": {"sidecar.config"}}
    assert strongly_connected(graph) == [["sidecar.config"],
                                         ["sidecar.pipeline.intake", "sidecar.pipeline.runs", "sidecar.pipeline.worker"]]
    assert "import cycle: sidecar.pipeline.intake → sidecar.pipeline.runs → sidecar.pipeline.worker" in \
        graph_violations(graph)
    sandbox_cycle = {"sidecar.sandbox.a": {"sidecar.sandbox.b"}, "sidecar.sandbox.b": {"sidecar.sandbox.a"}}
    assert graph_violations(sandbox_cycle) == []  # the sandbox is left alone
