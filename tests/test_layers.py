"""The import direction of STYLE.md, checked with ast: a sandbox and the client that talks to it never import
each other, no production module imports a sandbox, flows never import jobs or the API, mapping is pure."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "sidecar"


def imports_of(path: Path) -> set[str]:
    """Absolute names of every module ``path`` imports (relative imports resolved)."""
    package = ".".join(path.relative_to(ROOT.parent).with_suffix("").parts[:-1])
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(p for p in (base, node.module or "") if p)
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def modules(folder: str = "") -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def offenders(paths: list[Path], forbidden: tuple[str, ...]) -> list[str]:
    return [f"{p.relative_to(ROOT)} imports {name}" for p in paths for name in sorted(imports_of(p))
            if any(name == f or name.startswith(f + ".") for f in forbidden)]


def test_the_checker_sees_relative_imports():
    names = imports_of(ROOT / "flows" / "orders.py")
    assert "sidecar.store.binder" in names and "sidecar.clients.errors" in names


def test_no_production_module_imports_a_sandbox():
    production = [p for p in modules() if "sandbox" not in p.parts]
    assert offenders(production, ("sidecar.sandbox",)) == []


@pytest.mark.parametrize("sandbox_prefix", ["ns_", "wc_", "netsuite", "woocommerce"])
def test_sandboxes_never_import_the_clients(sandbox_prefix):
    paths = [p for p in modules("sandbox") if p.name.startswith(sandbox_prefix)]
    assert paths
    assert offenders(paths, ("sidecar.clients",)) == []


def test_flows_never_import_jobs_or_the_api():
    assert offenders(modules("flows"), ("sidecar.pipeline.jobs", "sidecar.api", "sidecar.pipeline.worker", "sidecar.api.app")) == []


def test_mapping_is_pure():
    forbidden = ("sidecar.clients", "sidecar.flows", "sidecar.store.models", "sidecar.store.db", "requests", "peewee",
                 "sidecar.api", "sidecar.pipeline.jobs")
    assert offenders(modules("mapping"), forbidden) == []


def test_clients_do_not_reach_up_into_flows_jobs_or_api():
    assert offenders(modules("clients"), ("sidecar.flows", "sidecar.pipeline.jobs", "sidecar.api", "sidecar.pipeline.worker")) == []
