"""Which code handles which topic and which flow: found by looking, not by a list someone must keep.

Every module of the package ``sidecar.flows`` is imported (pkgutil). A module may define
``TOPICS = {"order.created": handler, …}`` (``handler(event, ctx) -> str``, a one-line outcome) and/or
``FLOW = "orders"`` with ``run(ctx, run)`` (a sync run) and optionally ``SCHEDULE = "<schedules key>"`` when it
follows another flow's schedule. ``SIDECAR_EXTRA_FLOWS="mod.a,mod.b"`` imports more modules after the built-in
ones; they may replace a built-in handler (tests register counting handlers that way). Two built-in modules
claiming the same topic or flow is a programming error and stops discovery.
"""

from __future__ import annotations

import importlib
import logging
import os
import pkgutil
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

log = logging.getLogger(__name__)
Handler = Callable[[Any, Any], str]
EXTRA_ENV = "SIDECAR_EXTRA_FLOWS"


class RegistryError(RuntimeError):
    """Two modules claim the same topic or flow."""


@dataclass(frozen=True)
class FlowSpec:
    name: str
    run: Callable[[Any, Any], None]
    module: str
    schedule_key: str


@dataclass
class Registry:
    topics: dict[str, Handler] = field(default_factory=dict)
    flows: dict[str, FlowSpec] = field(default_factory=dict)
    owners: dict[str, str] = field(default_factory=dict)  # "topic:x" / "flow:y" → module name
    load_errors: dict[str, str] = field(default_factory=dict)

    def handler_for(self, topic: str) -> Handler | None:
        return self.topics.get(topic)

    def flow(self, name: str) -> FlowSpec | None:
        return self.flows.get(name)

    def add_module(self, module: ModuleType, *, override: bool = False) -> None:
        """Register what ``module`` declares; ``override`` lets it replace earlier claims."""
        for topic, handler in (getattr(module, "TOPICS", None) or {}).items():
            self._claim(f"topic:{topic}", module.__name__, override)
            self.topics[topic] = handler
        name = getattr(module, "FLOW", None)
        if name and callable(getattr(module, "run", None)):
            self._claim(f"flow:{name}", module.__name__, override)
            self.flows[name] = FlowSpec(name, module.run, module.__name__, getattr(module, "SCHEDULE", name))

    def _claim(self, what: str, module: str, override: bool) -> None:
        owner = self.owners.get(what)
        if owner and owner != module and not override:
            raise RegistryError(f"{what} is claimed by both {owner} and {module}")
        self.owners[what] = module


def discover(extra: str | None = None) -> Registry:
    """Import every flow module (built-in, then extra) and build the registry."""
    registry = Registry()
    import sidecar.flows as package

    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        if info.name.startswith("_") or info.name == "base":
            continue
        module = _import(f"{package.__name__}.{info.name}", registry)
        if module is not None:
            registry.add_module(module)
    extra = os.environ.get(EXTRA_ENV, "") if extra is None else extra
    for name in filter(None, (part.strip() for part in extra.split(","))):
        module = _import(name, registry)
        if module is not None:
            registry.add_module(module, override=True)
    return registry


def _import(name: str, registry: Registry) -> ModuleType | None:
    """Import a flow module; a broken one is recorded (and shown in /v1/status) instead of stopping the rest."""
    try:
        return importlib.import_module(name)
    except Exception as exc:  # noqa: BLE001 - one broken flow must not stop the others
        log.error("flow module %s could not be loaded:\n%s", name, traceback.format_exc())
        registry.load_errors[name] = f"{type(exc).__name__}: {exc}"
        return None


_current: Registry | None = None
_lock = threading.Lock()


def get_registry() -> Registry:
    """The process's registry, discovered on first use."""
    global _current
    with _lock:
        if _current is None:
            _current = discover()
        return _current


def reset_registry(registry: Registry | None = None) -> None:
    """Drop (or replace) the cached registry, e.g. after a test changed SIDECAR_EXTRA_FLOWS."""
    global _current
    with _lock:
        _current = registry
